import Crypto
import Foundation
import PostgresDriver

/// One forward-only schema change: `sql/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file's bytes, hex; recorded when applied so a later edit is detected.
    public let checksum: String

    public var fileName: String { "\(String(format: "%04d", version))_\(name).sql" }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads every `NNNN_name.sql` of a folder, in version order; refuses stray or duplicate numbers.
    public static func load(from directory: URL) throws -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.missingDirectory(directory.path)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                stem[..<underscore].count == 4, let version = Int(stem[..<underscore]), version > 0
            else {
                throw MigrationError.badFileName(file)
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw MigrationError.duplicateVersion(version, clash.fileName, file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        return migrations
    }

    /// Finds `sql/migrations`: `MIZAN_SQL_DIR` if set, else walking up from the working directory and
    /// then from the executable, so `swift run`, the built binary and tests all find the project's.
    public static func locateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment["MIZAN_SQL_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit).appendingPathComponent("migrations")
        }
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        starts.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent())
        for start in starts {
            var directory = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("sql/migrations")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent == directory { break }
                directory = parent
            }
        }
        return nil
    }
}

public enum MigrationError: Error, CustomStringConvertible, Equatable {
    case missingDirectory(String)
    case badFileName(String)
    case duplicateVersion(Int, String, String)
    case changedAfterApplying(String)
    case missingFile(version: Int, name: String)
    case failed(String, PostgresError.Kind, String)

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return "no migrations folder at \(path) (set MIZAN_SQL_DIR to the project's sql/ folder)"
        case .badFileName(let file):
            return "migration file \(file) is not named NNNN_name.sql"
        case .duplicateVersion(let version, let first, let second):
            return "migrations \(first) and \(second) share the number \(version)"
        case .changedAfterApplying(let file):
            return "migration \(file) was changed after it was applied; migrations are forward-only: "
                + "restore the file and add a new migration instead"
        case .missingFile(let version, let name):
            return "the database has migration \(String(format: "%04d", version))_\(name) applied, but its file is missing"
        case .failed(let file, _, let reason) where reason.contains("SQLSTATE 42501"):
            return "migration \(file) failed and was rolled back: \(reason); migrations run as the database's "
                + "owner role (`mizan db roles` prints the SQL that sets the roles up)"
        case .failed(let file, _, let reason):
            return "migration \(file) failed and was rolled back: \(reason)"
        }
    }
}

/// Applies migrations in order, each in its own transaction, recording each file's SHA-256 in the
/// `schema_migrations` ledger.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// A migration and whether (and when) it is applied.
    public struct Status: Sendable, Equatable {
        public let migration: Migration
        public let appliedAt: Date?
        public var isApplied: Bool { appliedAt != nil }
    }

    static let ledgerDDL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY CHECK (version > 0),
            name text NOT NULL,
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static func hasLedger(on connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").single().decode(Bool.self, 0)
    }

    /// Applied and pending migrations; throws if an applied file changed or vanished. Changes nothing,
    /// so the service's role (which may not create tables) can check that the schema is current.
    public func status(on connection: PostgresConnection) throws -> [Status] {
        guard try Self.hasLedger(on: connection) else { return migrations.map { Status(migration: $0, appliedAt: nil) } }
        let applied = try connection.query("SELECT version, name, sha256, applied_at FROM schema_migrations ORDER BY version")
            .map { row in
                (version: try row.decode(Int.self, 0), name: try row.decode(String.self, 1),
                 sha256: try row.decode(String.self, 2), at: try row.decode(Date.self, 3))
            }
        for record in applied {
            guard let migration = migrations.first(where: { $0.version == record.version }) else {
                throw MigrationError.missingFile(version: record.version, name: record.name)
            }
            if migration.checksum != record.sha256 {
                throw MigrationError.changedAfterApplying(migration.fileName)
            }
        }
        return migrations.map { migration in
            Status(migration: migration, appliedAt: applied.first { $0.version == migration.version }?.at)
        }
    }

    /// Applies what is pending and returns the files applied now. An advisory lock keeps two servers
    /// starting at once from racing.
    @discardableResult
    public func migrate(on connection: PostgresConnection, progress: (Migration) -> Void = { _ in }) throws -> [Migration] {
        try connection.query("SELECT pg_advisory_lock(74242001)")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(74242001)") }
        // Created only when missing: even `IF NOT EXISTS` needs the right to create tables.
        if try !Self.hasLedger(on: connection) {
            do {
                try connection.execute(script: Self.ledgerDDL)
            } catch {
                throw MigrationError.failed("the schema_migrations ledger", error.kind, error.description)
            }
        }
        let pending = try status(on: connection).filter { !$0.isApplied }.map(\.migration)
        for migration in pending {
            progress(migration)
            do {
                try connection.transaction { connection in
                    try connection.execute(script: migration.sql)
                    try connection.query(
                        "INSERT INTO schema_migrations (version, name, sha256) VALUES (\(migration.version), \(migration.name), \(migration.checksum))")
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(migration.fileName, error.kind, error.description)
            }
        }
        return pending
    }
}

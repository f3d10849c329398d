import Crypto
import Foundation
import Logging
import PostgresDriver

/// A private PostgreSQL cluster owned by Mizan: created with `initdb` the first time, started and
/// stopped with `pg_ctl`, reachable only through a Unix socket in a folder no other user can enter.
///
/// Used by `mizan serve` when no database is configured, and by the tests (as a throwaway cluster with
/// fsync off). PostgreSQL refuses to run as root, so as root every server command runs as the
/// `postgres` user through `runuser`, which owns the data and socket folders.
public struct LocalCluster: Sendable {
    public enum Durability: Sendable {
        /// Normal crash-safe settings, for data you keep.
        case durable
        /// fsync and synchronous commit off: fast, for throwaway test clusters only.
        case throwaway
    }

    public let dataDirectory: URL
    public let socketDirectory: URL
    public let port: Int
    public let binDirectory: URL
    public let durability: Durability
    private let logger: Logger

    /// Runs server commands as `postgres` when we are root.
    var runsAsPostgresUser: Bool { geteuid() == 0 }

    public init(
        dataDirectory: URL, port: Int = 54329, durability: Durability = .durable,
        binDirectory: URL? = nil, logger: Logger = Logger(label: "mizan.cluster")
    ) throws {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.port = port
        self.durability = durability
        self.logger = logger
        self.binDirectory = try binDirectory ?? Self.findBinaries()
        // Socket paths are limited to ~107 bytes, so the socket lives in a short folder under /tmp named
        // after the data folder.
        let digest = SHA256.hash(data: Data(self.dataDirectory.path.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        socketDirectory = URL(fileURLWithPath: "/tmp/mizan-\(geteuid())-\(digest)")
    }

    /// The server binaries: `pg_config --bindir` when it has `initdb`, else the newest
    /// `/usr/lib/postgresql/*/bin` (Debian keeps the server out of PATH).
    public static func findBinaries() throws -> URL {
        let fileManager = FileManager.default
        if let output = try? Self.run(["pg_config", "--bindir"]).output {
            let directory = URL(fileURLWithPath: output.trimmingCharacters(in: .whitespacesAndNewlines))
            if fileManager.isExecutableFile(atPath: directory.appendingPathComponent("initdb").path) {
                return directory
            }
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for version in versions {
            let directory = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if fileManager.isExecutableFile(atPath: directory.appendingPathComponent("initdb").path) {
                return directory
            }
        }
        throw ClusterError(
            "PostgreSQL server binaries not found (no initdb via pg_config --bindir or in /usr/lib/postgresql/*/bin); "
                + "install them with: apt-get install postgresql")
    }

    /// Connection settings for a database of this cluster, as `user` (the superuser unless told).
    ///
    /// Every role authenticates by `trust` on the socket: what keeps others out is the socket's
    /// folder, which only the cluster's OS user can enter. The roles (see `ServiceRoles`) limit what
    /// each part of Mizan may do once connected, not who may connect.
    public func configuration(database: String = "postgres", user: String = "postgres") -> PostgresConfiguration {
        PostgresConfiguration(source: .keywords([
            "host": socketDirectory.path, "port": String(port), "user": user, "dbname": database,
        ]))
    }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Creates the cluster if it does not exist yet.
    public func initializeIfNeeded() throws {
        guard !isInitialized else { return }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        if runsAsPostgresUser {
            try Self.ensurePostgresUser()
            try Self.run(["chown", "postgres:postgres", dataDirectory.path])
            // Every folder above the data folder must be enterable by postgres.
            do {
                try runServerCommand(["/usr/bin/test", "-w", dataDirectory.path])
            } catch {
                throw ClusterError(
                    "the postgres user cannot write to \(dataDirectory.path) (a parent folder is private?); "
                        + "set MIZAN_HOME to a folder it can reach, e.g. /var/lib/mizan")
            }
        }
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory.path)
        logger.info("creating a private PostgreSQL cluster in \(dataDirectory.path)")
        var arguments = [
            binDirectory.appendingPathComponent("initdb").path, "-D", dataDirectory.path, "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
        ]
        if durability == .throwaway { arguments.append("--no-sync") }
        try runServerCommand(arguments)
    }

    /// Whether a server is running on this data folder.
    public var isRunning: Bool {
        (try? runServerCommand([binDirectory.appendingPathComponent("pg_ctl").path, "status", "-D", dataDirectory.path])) != nil
    }

    /// Starts the server unless it already runs; returns whether this call started it (so only the
    /// starter stops it).
    @discardableResult
    public func start() throws -> Bool {
        try prepareSocketDirectory()
        if isRunning { return false }
        var options = [
            "-c listen_addresses=", "-k \(socketDirectory.path)", "-p \(port)", "-c max_connections=200",
        ]
        if durability == .throwaway {
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        }
        try runServerCommand([
            binDirectory.appendingPathComponent("pg_ctl").path, "start", "-D", dataDirectory.path, "-w", "-t", "60",
            "-l", dataDirectory.appendingPathComponent("server.log").path, "-o", options.joined(separator: " "),
        ])
        return true
    }

    /// Stops the server cleanly (`-m fast`: disconnects clients, rolls back what is open, checkpoints).
    public func stop() throws {
        guard isRunning else { return }
        try runServerCommand([binDirectory.appendingPathComponent("pg_ctl").path, "stop", "-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60"])
        // The socket folder is this cluster's alone and empty once the server is gone; the next
        // start makes it again.
        try? FileManager.default.removeItem(at: socketDirectory)
    }

    /// Creates a database unless it exists, optionally as a copy of a template and owned by a role.
    public func createDatabase(_ name: String, template: String? = nil, owner: String? = nil) throws {
        let connection = try PostgresConnection.connect(configuration(database: "postgres"))
        defer { connection.close() }
        try Self.createDatabase(name, template: template, owner: owner, on: connection)
    }

    /// `CREATE DATABASE` cannot take bind parameters, so the names are checked to be plain identifiers.
    public static func createDatabase(
        _ name: String, template: String?, owner: String? = nil, on connection: PostgresConnection
    ) throws {
        for identifier in [name, template, owner].compactMap({ $0 }) {
            guard identifier.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
                !identifier.isEmpty, identifier.utf8.count < 64
            else { throw ClusterError("database or role name \(identifier) must be lowercase letters, digits and _") }
        }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
        guard exists.isEmpty else { return }
        let templateClause = template.map { " TEMPLATE \($0)" } ?? ""
        let ownerClause = owner.map { " OWNER \($0)" } ?? ""
        try connection.execute(script: "CREATE DATABASE \(name)\(templateClause)\(ownerClause) ENCODING 'UTF8'")
    }

    private func prepareSocketDirectory() throws {
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        if runsAsPostgresUser {
            try Self.run(["chown", "postgres:postgres", socketDirectory.path])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory.path)
    }

    @discardableResult
    func runServerCommand(_ arguments: [String]) throws -> String {
        if runsAsPostgresUser {
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "runuser"
            return try Self.run([runuser, "-u", "postgres", "--"] + arguments).output
        }
        return try Self.run(arguments).output
    }

    static func ensurePostgresUser() throws {
        if getpwnam("postgres") != nil { return }
        try run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "postgres"])
    }

    /// Runs a command from /tmp (the postgres user may not enter the current folder) and returns its
    /// output; a failure carries the command's own words.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let result = try ChildProcess.run(arguments)
        guard result.status == 0 else {
            // Name the command itself, not the runuser wrapped around it.
            let command = arguments.firstIndex(of: "--").map { arguments[$0 + 1] } ?? arguments[0]
            let name = URL(fileURLWithPath: command).lastPathComponent
            throw ClusterError("\(name) failed (exit \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return (result.output, 0)
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver

@Suite("Migrations and the ledger")
struct MigrationTests {
    let migrations: [Migration]

    init() throws {
        migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
    }

    /// An empty database of its own, so each test migrates from scratch.
    func emptyDatabase() async throws -> PostgresConnection {
        let cluster = try await TestPostgres.cluster.value
        let name = "empty_\(UInt32.random(in: 0...UInt32.max))"
        try cluster.createDatabase(name)
        return try PostgresConnection.connect(cluster.configuration(database: name))
    }

    @Test func filesAreNumberedAndLoadedInOrder() throws {
        #expect(migrations.count >= 2)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        #expect(migrations.first?.fileName == "0001_geography.sql")
        #expect(migrations.allSatisfy { $0.checksum.count == 64 })
    }

    @Test func appliesEverythingOnceAndRecordsChecksums() async throws {
        let connection = try await emptyDatabase()
        defer { connection.close() }
        let migrator = Migrator(migrations: migrations)
        #expect(try migrator.status(on: connection).allSatisfy { !$0.isApplied })

        let applied = try migrator.migrate(on: connection)
        #expect(applied.map(\.version) == migrations.map(\.version))
        #expect(try migrator.migrate(on: connection).isEmpty, "a second run applies nothing")

        let ledger = try connection.query("SELECT version, sha256 FROM schema_migrations ORDER BY version")
            .map { (try $0.decode(Int.self, 0), try $0.decode(String.self, 1)) }
        #expect(ledger.map(\.0) == migrations.map(\.version))
        #expect(ledger.map(\.1) == migrations.map(\.checksum))
        #expect(try migrator.status(on: connection).allSatisfy(\.isApplied))
    }

    @Test func refusesAnAppliedFileThatChanged() async throws {
        let connection = try await emptyDatabase()
        defer { connection.close() }
        try Migrator(migrations: migrations).migrate(on: connection)

        var edited = migrations
        let original = edited[0]
        edited[0] = Migration(version: original.version, name: original.name, sql: original.sql + "\n-- edited\n")
        #expect {
            try Migrator(migrations: edited).migrate(on: connection)
        } throws: { error in
            guard let error = error as? MigrationError, case .changedAfterApplying(let file) = error else { return false }
            return file == "0001_geography.sql" && error.description.contains("0001_geography.sql")
        }
    }

    @Test func refusesWhenAnAppliedFileIsMissing() async throws {
        let connection = try await emptyDatabase()
        defer { connection.close() }
        try Migrator(migrations: migrations).migrate(on: connection)
        #expect(throws: MigrationError.missingFile(version: 2, name: "geography_data")) {
            try Migrator(migrations: [migrations[0]]).status(on: connection)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let connection = try await emptyDatabase()
        defer { connection.close() }
        let broken = Migration(
            version: 1, name: "broken",
            sql: "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT * FROM no_such_table;")
        #expect {
            try Migrator(migrations: [broken]).migrate(on: connection)
        } throws: { error in
            "\(error)".contains("0001_broken.sql") && "\(error)".contains("no_such_table")
        }
        let tables = try connection.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'")
        #expect(tables.isEmpty, "the failed migration's first statements were rolled back")
        #expect(try connection.query("SELECT count(*) FROM schema_migrations").single().decode(Int.self, 0) == 0)
    }

    @Test func refusesBadlyNamedFiles() throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mizan-bad-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("1_too_short.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("1_too_short.sql")) { try Migration.load(from: folder) }
    }
}

@Suite("Geography data from HCP")
struct GeographyDataTests {
    @Test func countsMatchTheCensus() async throws {
        try await TestPostgres.withPool { pool in
        let counts = try await pool.query("""
            SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM provinces),
                   (SELECT count(*) FROM communes), (SELECT count(*) FROM districts),
                   (SELECT sum(population) FROM communes)
            """).single()
        #expect(try counts.decode(Int.self, 0) == 12)
        #expect(try counts.decode(Int.self, 1) == 83)
        #expect(try counts.decode(Int.self, 2) == 1_503)
        #expect(try counts.decode(Int.self, 3) == 41)
        #expect(try counts.decode(Int.self, 4) == 36_828_330)
        }
    }

    @Test func everyNameHasArabicScript() async throws {
        try await TestPostgres.withPool { pool in
        let missing = try await pool.query("""
            SELECT code FROM communes WHERE name_ar !~ '[\\u0621-\\u064A]' OR name_ar ~ '[A-Za-z]'
            UNION ALL SELECT code FROM regions WHERE name_ar !~ '[\\u0621-\\u064A]' OR name_ar ~ '[A-Za-z]'
            UNION ALL SELECT code FROM provinces WHERE name_ar !~ '[\\u0621-\\u064A]' OR name_ar ~ '[A-Za-z]'
            """)
        #expect(missing.isEmpty, "names without Arabic script: \(missing.map { try? $0.decode(String.self, 0) })")
        let berkane = try await pool.query("SELECT name_fr, name_ar FROM communes WHERE slug = 'berkane'").single()
        #expect(try berkane.decode(String.self, 0) == "Berkane")
        #expect(try berkane.decode(String.self, 1) == "بركان")
        }
    }

    @Test func codesKeepTheirLeadingZeros() async throws {
        try await TestPostgres.withPool { pool in
        let tanger = try await pool.query("SELECT name_fr FROM communes WHERE code = \("01.511.01.0")").single()
        #expect(try tanger.decode(String.self, 0) == "Tanger")
        let casablanca = try await pool.query("""
            SELECT count(*) FROM districts d JOIN communes c ON c.id = d.commune_id WHERE c.name_fr = 'Casablanca'
            """).single()
        #expect(try casablanca.decode(Int.self, 0) == 16)
        }
    }
}

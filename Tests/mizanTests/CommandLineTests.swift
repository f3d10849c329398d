import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver
import MizanDevCluster

/// Runs the real `mizan` executable, as an administrator would.
enum MizanBinary {
    /// The binary beside the test bundle in the build folder.
    static var path: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.path.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("mizan").path
    }

    /// The environment without any database or secret settings, plus `extra`. A secret the binary
    /// creates goes to a configuration folder of this test process, never the user's own.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "MIZAN_HOME", "MIZAN_SECRET", "MIZAN_SECRET_FILE", "MIZAN_OWNER_ROLE", "MIZAN_APP_ROLE"]
            + PostgresConfiguration.environmentVariables
        {
            environment[key] = nil
        }
        environment["XDG_CONFIG_HOME"] = configurationFolder.path
        return environment.merging(extra) { $1 }
    }

    /// Removed with the process's other temporary folders.
    static let configurationFolder: URL = (try? TemporaryFolder.make("mizan-config"))
        ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mizan-config-\(getpid())")

    static var projectFolder: String {
        TestPostgres.migrationsDirectory.deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> ChildProcess.Result {
        try ChildProcess.run([path] + arguments, environment: environment, in: projectFolder)
    }
}

extension PostgresConfiguration {
    /// A URI for the test cluster's database, so the CLI is configured exactly as in production.
    var urlForTests: String {
        guard case .keywords(let keywords) = source else { return "" }
        let host = keywords["host"]!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "postgresql://\(keywords["user"] ?? "postgres")@\(host):\(keywords["port"]!)/\(databaseOverride ?? keywords["dbname"]!)"
    }
}

@Suite("mizan migrate")
struct MigrateCommandTests {
    @Test func listsThenAppliesThenReportsUpToDate() async throws {
        let cluster = try await TestPostgres.cluster.value
        let name = "cli_migrate_\(getpid())"
        try cluster.createDatabase(name)
        let environment = MizanBinary.environment(["DATABASE_URL": cluster.configuration(database: name).urlForTests])

        let count = try Migration.load(from: TestPostgres.migrationsDirectory).count
        let before = try MizanBinary.run(["migrate", "--status"], environment: environment)
        #expect(before.status == 0, "\(before.output)")
        #expect(before.standardOutput.contains("0001_geography.sql"))
        #expect(before.standardOutput.contains("0 applied, \(count) pending"))

        let applied = try MizanBinary.run(["migrate"], environment: environment)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.standardOutput.contains("applied \(count) migration(s)"))

        let after = try MizanBinary.run(["migrate", "--status"], environment: environment)
        #expect(after.standardOutput.contains("\(count) applied, 0 pending"))
        #expect(try MizanBinary.run(["migrate"], environment: environment).standardOutput.contains("up to date"))
    }

    @Test func aBadDatabaseURLIsAUserErrorThatHidesThePassword() throws {
        let result = try MizanBinary.run(
            ["migrate", "--status"], environment: MizanBinary.environment(["DATABASE_URL": "mysql://root:hunter2@localhost/db"]))
        #expect(result.status == 1)
        #expect(result.standardError.contains("DATABASE_URL must be a postgresql:// URI"))
        #expect(!result.output.contains("hunter2"))
    }

    @Test func anUnreachableDatabaseIsASystemError() throws {
        let result = try MizanBinary.run(
            ["migrate"], environment: MizanBinary.environment(["DATABASE_URL": "postgresql://mizan:hunter2@127.0.0.1:1/mizan"]))
        #expect(result.status == 2)
        #expect(result.standardError.contains("cannot connect"))
        #expect(!result.output.contains("hunter2"))
    }

    @Test func helpListsTheCommandsWithExamples() throws {
        let result = try MizanBinary.run(["--help"], environment: MizanBinary.environment())
        #expect(result.status == 0)
        for word in ["serve", "migrate", "Examples"] { #expect(result.standardOutput.contains(word)) }
        let migrate = try MizanBinary.run(["migrate", "--help"], environment: MizanBinary.environment())
        #expect(migrate.standardOutput.contains("--status"))
    }
}

@Suite("mizan serve with its private cluster")
struct ServeCommandTests {
    /// The one-command run: no configuration at all, a private cluster created, the site served, and
    /// both stopped cleanly by Ctrl-C; a second start reuses the cluster.
    @Test func startsItsOwnPostgresServesAndStopsOnInterrupt() async throws {
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mizan-serve-\(getpid())")
        try? FileManager.default.removeItem(at: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.path)
        defer { try? FileManager.default.removeItem(at: home) }
        let port = try FreePort.pick()

        for round in 1...2 {
            let server = try ChildProcess.launch(
                [MizanBinary.path, "serve", "--port", String(port), "--home", home.path],
                environment: MizanBinary.environment(), in: MizanBinary.projectFolder)
            // Waits for the server to say it serves (or to exit), however long a busy machine takes
            // to create the cluster and migrate; only then is the page asked for.
            try await Self.waitForOutput(of: server, containing: "Server started and listening")
            let page = try? await Self.get("http://127.0.0.1:\(port)/")
            // The site is served by the service's role, never the superuser or the owner.
            let users = try Self.connectedRoles(home: home)
            server.send(signal: SIGINT)
            let result = try server.wait()
            #expect(page?.contains("/regions/01") == true, "round \(round): \(result.output)")
            #expect(result.status == 0, "round \(round): \(result.output)")
            #expect(result.output.contains(round == 1 ? "creating a private PostgreSQL cluster" : "started the private PostgreSQL cluster"))
            #expect(result.output.contains("stopped the private PostgreSQL cluster"))
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("pgdata/postmaster.pid").path),
                "round \(round): the cluster is stopped")
            #expect(users.contains(TestPostgres.roles.app) && !users.contains("postgres"), "round \(round): \(users)")
            // The secret was made once, in the user's configuration, not beside pgdata.
            let secret = MizanBinary.configurationFolder.appendingPathComponent("mizan/secret.key").path
            let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("secret.key").path))
            #expect(result.output.contains("created the server secret") == (round == 1), "round \(round)")
        }
    }

    /// The roles of the site's open connections to its database, seen by the cluster's superuser.
    static func connectedRoles(home: URL) throws -> [String] {
        let cluster = try LocalCluster(dataDirectory: home.appendingPathComponent("pgdata"))
        let connection = try PostgresConnection.connect(cluster.configuration(database: "mizan"))
        defer { connection.close() }
        return try connection.query("""
            SELECT DISTINCT usename::text FROM pg_stat_activity WHERE datname = 'mizan' AND pid <> pg_backend_pid()
            """).map { try $0.decode(String.self, 0) }
    }

    /// Polls the child's output until it contains `text` or the child has exited; fails only if
    /// neither happens for ten minutes.
    static func waitForOutput(of process: ChildProcess, containing text: String) async throws {
        for _ in 0..<6_000 {
            if process.outputSoFar().contains(text) || kill(process.pid, 0) != 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no '\(text)' in the output: \(process.outputSoFar())")
    }

    static func get(_ url: String) async throws -> String {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw URLError(.badServerResponse) }
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation
import MizanPostgres
import Synchronization
import PostgresDriver
import MizanDevCluster

/// The throwaway PostgreSQL every test process shares.
///
/// Started on first use in a fresh temporary folder with fsync off, migrated once into a template
/// database; each suite then gets its own database cloned from the template, so suites run in
/// parallel without seeing each other's rows. The cluster is removed when the process exits, and a
/// small watchdog removes it too if the process dies without running its exit handlers.
public enum TestPostgres {
    public static let templateDatabase = "mizan_template"

    /// The roles the template is set up with, as the private cluster sets them up.
    public static let roles = ServiceRoles.default

    /// Who a test connects as.
    public enum Role: Sendable {
        /// The service's role, as the site and the commands connect: what every test of the service
        /// uses, so the suite proves the service works with no more privileges than it has.
        case app
        /// The owner of every table, as migrations connect.
        case owner
        /// The cluster's superuser, for tests that play a database administrator.
        case superuser
    }

    /// The migrated cluster, started once per process.
    public static let cluster: Task<LocalCluster, any Error> = Task { try startCluster() }

    /// A fresh database for one suite, cloned from the migrated template (owned, like everything in
    /// it, by the owner role), reached as `role`.
    public static func database(_ label: String = #fileID, as role: Role = .app) async throws -> PostgresConfiguration {
        let cluster = try await cluster.value
        let name = uniqueName(label)
        let connection = try PostgresConnection.connect(cluster.configuration(database: "postgres"))
        defer { connection.close() }
        try LocalCluster.createDatabase(name, template: templateDatabase, owner: roles.owner, on: connection)
        return configuration(of: cluster, database: name, as: role)
    }

    /// A new database with no schema at all, reached as the superuser: for tests that migrate (or
    /// half-migrate) a database the way an earlier version left it.
    public static func emptyDatabase(_ label: String = #fileID) async throws -> PostgresConfiguration {
        let cluster = try await cluster.value
        let name = uniqueName(label)
        try cluster.createDatabase(name)
        return cluster.configuration(database: name)
    }

    /// A database of the cluster reached as `role`.
    public static func configuration(of cluster: LocalCluster, database: String, as role: Role) -> PostgresConfiguration {
        cluster.configuration(database: database, user: user(role))
    }

    /// The same database as `configuration`, reached as `role`.
    public static func configuration(_ configuration: PostgresConfiguration, as role: Role) -> PostgresConfiguration {
        self.configuration(configuration, user: user(role))
    }

    /// The same database as `configuration`, reached as the role named `user`.
    public static func configuration(_ configuration: PostgresConfiguration, user: String) -> PostgresConfiguration {
        guard case .keywords(var keywords) = configuration.source else { return configuration }
        keywords["user"] = user
        var changed = configuration
        changed.source = .keywords(keywords)
        return changed
    }

    static func user(_ role: Role) -> String {
        switch role {
        case .app: return roles.app
        case .owner: return roles.owner
        case .superuser: return "postgres"
        }
    }

    /// A new cluster of the test's own (for tests that restart or break the server), in its own
    /// temporary folder, removed at exit like the shared one.
    public static func privateCluster() throws -> LocalCluster {
        let cluster = try makeCluster(port: try FreePort.pick())
        try cluster.initializeIfNeeded()
        try cluster.start()
        return cluster
    }

    /// The project's `sql/migrations`, found from this file's location.
    public static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql/migrations")
    }

    private static let counter = Atomic<Int>(0)

    static func uniqueName(_ label: String) -> String {
        let base = label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let number = counter.add(1, ordering: .relaxed).newValue
        return "t_" + String(String(base).suffix(40)) + "_\(number)"
    }

    private static func startCluster() throws -> LocalCluster {
        // The server listens only on a socket in a folder of its own; the port still names that
        // socket and PostgreSQL's shared-memory key, so it is one nobody else uses.
        let cluster = try makeCluster(port: try FreePort.pick())
        try cluster.initializeIfNeeded()
        try cluster.start()
        let connection = try PostgresConnection.connect(cluster.configuration(database: "postgres"))
        defer { connection.close() }
        try LocalCluster.createDatabase(templateDatabase, template: nil, on: connection)
        // As the private cluster does: the superuser creates the roles, the owner migrates and
        // grants the service's role its privileges.
        let superuser = try PostgresConnection.connect(cluster.configuration(database: templateDatabase))
        try roles.setUp(on: superuser)
        superuser.close()
        let template = try PostgresConnection.connect(cluster.configuration(database: templateDatabase, user: roles.owner))
        defer { template.close() }
        try Migrator(migrations: Migration.load(from: migrationsDirectory)).migrate(on: template)
        try template.execute(script: SeedBallots.function)
        try roles.grantAfterMigrating(on: template)
        return cluster
    }

    private static func makeCluster(port: Int) throws -> LocalCluster {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("mizan-test-\(getpid())-\(port)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The postgres user must be able to enter the folder when tests run as root.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let cluster = try LocalCluster(
            dataDirectory: folder.appendingPathComponent("data"), port: port, durability: .throwaway)
        Cleanup.register(cluster: cluster, folder: folder)
        return cluster
    }
}

/// Stops and deletes test clusters when the process ends, however it ends.
enum Cleanup {
    private static let pending = Mutex<[(LocalCluster, URL)]>([])

    static func register(cluster: LocalCluster, folder: URL) {
        let first = pending.withLock { list -> Bool in
            list.append((cluster, folder))
            return list.count == 1
        }
        if first { atexit { Cleanup.runAll() } }
        startWatchdog(cluster: cluster, folder: folder)
    }

    static func runAll() {
        let clusters = pending.withLock { list -> [(LocalCluster, URL)] in
            defer { list = [] }
            return list
        }
        for (cluster, folder) in clusters {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: cluster.socketDirectory)
        }
    }

    /// A detached shell that waits for this process to go (even after a crash or a kill) and then
    /// stops the server and deletes its folder. It is a no-op when the exit handler already did.
    private static func startWatchdog(cluster: LocalCluster, folder: URL) {
        let pgCtl = cluster.binDirectory.appendingPathComponent("pg_ctl").path
        let asPostgres = geteuid() == 0 ? "runuser -u postgres -- " : ""
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            if [ -d '\(cluster.dataDirectory.path)' ]; then
              cd /tmp && \(asPostgres)'\(pgCtl)' stop -D '\(cluster.dataDirectory.path)' -m immediate -w >/dev/null 2>&1
              rm -rf '\(folder.path)' '\(cluster.socketDirectory.path)'
            fi
            """
        try? ChildProcess.launchDetached(["/usr/bin/setsid", "/bin/sh", "-c", script])
    }
}

extension TestPostgres {
    /// Runs `body` with a pool on a fresh database of its own and shuts the pool down afterwards.
    /// Callers wait for a connection as long as it takes unless a test is about the queue timeout
    /// itself: a busy machine may run other suites' queries meanwhile.
    public static func withPool<T>(
        size: Int = 4, queueTimeout: Duration = .seconds(600), label: String = #fileID, as role: Role = .app,
        _ body: (ConnectionPool) async throws -> T
    ) async throws -> T {
        let pool = ConnectionPool(
            configuration: try await database(label, as: role), maximumConnections: size, queueTimeout: queueTimeout)
        do {
            let value = try await body(pool)
            await pool.shutdown()
            return value
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}

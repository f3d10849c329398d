import Foundation
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import MizanCore
import MizanPostgres
import MizanWeb
import PostgresDriver
import MizanDemo
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the web site.",
        discussion: """
            Migrates the database first. Without DATABASE_URL or PG* variables it starts a private \
            PostgreSQL cluster (created the first time) and stops it again on Ctrl-C.

            Examples:
              mizan serve
              mizan serve --host 0.0.0.0 --port 8000
              mizan serve --secure-cookies --trusted-proxy 127.0.0.1 --log-format json --metrics-port 9464
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Database connections in the pool (default: twice the number of cores).")
    var poolSize: Int?

    @Flag(help: "Seed two demo communes: Berkane with a cycle open for voting (demo voters and codes are printed) and Oujda with published results.")
    var demo = false

    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure (when served over HTTPS, directly or behind a proxy).")
    var secureCookies = false

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy (address or block such as 10.0.0.0/8) whose X-Forwarded-For names the client; repeatable. Also MIZAN_TRUSTED_PROXIES (comma-separated).",
            valueName: "addr"))
    var trustedProxy: [String] = []

    @Option(help: "Seconds a connection may take to send a request's headers.")
    var headerTimeout: Double = 10

    @Option(help: "Seconds an idle connection is kept open.")
    var idleTimeout: Double = 60

    @Option(help: ArgumentHelp("Log lines as text (for a terminal) or json (one object per line, for a log collector).", valueName: "text|json"))
    var logFormat: LogFormat = .text

    @Option(help: ArgumentHelp("Serve /metrics (Prometheus), /health and /ready on this port as well (not on the public one).", valueName: "port"))
    var metricsPort: Int?

    @Option(help: ArgumentHelp("Address the metrics port listens on.", valueName: "host"))
    var metricsHost = "127.0.0.1"

    @OptionGroup var database: DatabaseOptions

    /// `--trusted-proxy` and `MIZAN_TRUSTED_PROXIES` together.
    var proxySpecifications: [String] {
        let environment = ProcessInfo.processInfo.environment["MIZAN_TRUSTED_PROXIES"] ?? ""
        return trustedProxy + environment.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        if let poolSize, poolSize < 1 { throw ValidationError("--pool-size must be at least 1") }
        guard TrustedProxies(proxySpecifications) != nil else {
            throw ValidationError("--trusted-proxy and MIZAN_TRUSTED_PROXIES take IP addresses or blocks such as 10.0.0.0/8")
        }
        guard headerTimeout > 0, idleTimeout > 0 else { throw ValidationError("--header-timeout and --idle-timeout must be positive") }
        if let metricsPort {
            guard (1...65_535).contains(metricsPort) else { throw ValidationError("--metrics-port must be between 1 and 65535") }
            guard metricsPort != port else { throw ValidationError("--metrics-port must differ from --port") }
        }
    }

    func run() async throws {
        logFormat.bootstrap()
        try await reportingFailures {
            let logger = { var logger = Logger(label: "mizan"); logger.logLevel = .info; return logger }()
            // Before anything starts: a port already taken is named here, and nothing claims to serve.
            try ServePort.ensureAvailable(host: host, port: port)
            if let metricsPort { try ServePort.ensureAvailable(host: metricsHost, port: metricsPort) }
            let lock = try usesPrivateCluster ? ServeLock(home: database.homeDirectory) : nil
            defer { withExtendedLifetime(lock) {} }
            let migrations = try database.loadMigrations()
            let session = try database.open(logger: logger)
            defer { session.close(logger: logger) }
            let applied = try session.migrate(migrations)
            if !applied.isEmpty { logger.info("applied \(applied.count) migration(s)") }
            let secrets = try SecretsLoader.load(database, session: session, actor: "mizan serve", logger: logger)
            let metrics = SiteMetrics(valueBuckets: [BallotMetrics.batchSizeLabel: [1, 2, 4, 8, 16, 32, 64, 128, 256]])
            let pool = ConnectionPool(
                configuration: session.configuration, maximumConnections: poolSize ?? ConnectionPool.defaultSize, logger: logger,
                metrics: PoolMetrics(factory: metrics.factory))
            metrics.beforeScrape { metrics in
                let statistics = pool.statistics
                metrics.set(gauge: "mizan_pool_connections_open", to: statistics.open)
                metrics.set(gauge: "mizan_pool_connections_idle", to: statistics.idle)
                metrics.set(gauge: "mizan_pool_waiting", to: statistics.waiting)
            }
            if demo { try await seedDemo(storage: PostgresStorage(pool: pool), session: session, secrets: secrets, logger: logger) }
            let committer = BallotCommitter(pool: pool, logger: logger, metrics: BallotMetrics(factory: metrics.factory))
            let schema = SchemaReadiness(pool: pool, migrations: migrations)
            let readiness: @Sendable () async throws -> [String] = { try await schema.pendingMigrations() }
            // Stopped in reverse order: the committer writes what is queued before the pool closes.
            var services: [any Service] = [pool, committer]
            if let metricsPort {
                let host = metricsHost
                services.append(buildMetricsApplication(
                    host: host, port: metricsPort, metrics: metrics, readiness: readiness, logger: logger,
                    onServerRunning: { bound in logger.info("metrics at http://\(host):\(bound ?? metricsPort)/metrics") }))
            }
            let storage = PostgresStorage(pool: pool)
            let backend = SiteBackend(
                storage: storage, ballotBox: committer, services: services, readiness: readiness, metrics: metrics,
                paperBoxes: PaperBallotBoxes(direct: storage.directBallotBox, rehearsal: storage.rehearsalBallotBox()))
            let app = try buildApplication(
                configuration: WebConfiguration(
                    host: host, port: port, secureCookies: secureCookies, trustedProxies: TrustedProxies(proxySpecifications) ?? .none,
                    headerTimeoutSeconds: headerTimeout, idleTimeoutSeconds: idleTimeout),
                backend: backend,
                secrets: secrets, logger: logger,
                onServerRunning: { [host, port] bound in
                    logger.info("Mizan is at http://\(host):\(bound ?? port)/ — press Ctrl-C to stop")
                })
            do {
                try await app.runService()
            } catch where "\(error)".contains("Address already in use") {
                // Taken between the check above and the server's own bind.
                throw ServePort.failure(host: host, port: port, errno: EADDRINUSE, alsoMetricsPort: metricsPort)
            }
        }
    }

    /// Without `DATABASE_URL` or `PG*`, `mizan serve` runs on the private cluster in `--home`.
    var usesPrivateCluster: Bool {
        do {
            return try PostgresConfiguration.fromEnvironment(ProcessInfo.processInfo.environment) == nil
        } catch {
            return false  // `database.open` reports the bad setting.
        }
    }
}

extension ServeCommand {
    /// Seeds the demo and prints, in the server log, how a newcomer can vote at once.
    func seedDemo(storage: PostgresStorage, session: DatabaseSession, secrets: ServerSecrets, logger: Logger) async throws {
        let result = try await DemoSeed.seed(secrets: secrets, storage: storage)
        let published = try await DemoSeed.seedPublished(storage: storage)
        let connection = try session.connect()
        defer { connection.close() }
        let voters = DemoSeed.voters.prefix(3).map { "\($0.0) born \($0.1)" }.joined(separator: ", ")
        logger.info("demo: Berkane's cycle is at http://\(host):\(port)/fr/cycles/\(result.cycleID)")
        logger.info("demo: vote with a demo voter (national ID and birth date): \(voters) … (50 in all, DM000001 to DM000050)")
        if !result.codes.isEmpty {
            logger.info("demo: or with a printed code: \(result.codes.map(\.printed).joined(separator: ", "))")
        }
        logger.info("demo: Oujda's published results are at http://\(host):\(port)/fr/cycles/\(published.cycleID)/results")
        if let receipt = published.sampleReceipt {
            logger.info("demo: check one of its ballots with receipt code \(receipt) at http://\(host):\(port)/fr/receipts")
        }
        // A staff account so the dashboards and the rule comparison can be tried at once; its
        // password is random and shown only here, once.
        let existing = try StaffStore.list(on: connection).contains { $0.member.username == "demo" }
        if existing {
            logger.info("demo: staff pages at http://\(host):\(port)/fr/staff/ — account demo (set its password with `mizan staff password demo`)")
        } else {
            let password = RandomToken.make(bytes: 12)
            _ = try connection.transaction {
                try StaffStore.create(username: "demo", displayName: "Demo", role: .admin, password: password, actor: "mizan serve --demo", on: $0)
            }
            logger.info("demo: staff pages at http://\(host):\(port)/fr/staff/ — username demo, password \(password)")
        }
    }
}

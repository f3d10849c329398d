import ArgumentParser
import Hummingbird
import Logging
import MizanPostgres
import MizanWeb

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
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Database connections in the pool (default: twice the number of cores).")
    var poolSize: Int?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        if let poolSize, poolSize < 1 { throw ValidationError("--pool-size must be at least 1") }
    }

    func run() async throws {
        try await reportingFailures {
            var logger = Logger(label: "mizan")
            logger.logLevel = .info
            let migrations = try database.loadMigrations()
            let session = try database.open(logger: logger)
            defer { session.close(logger: logger) }
            do {
                let connection = try session.connect()
                let applied = try Migrator(migrations: migrations).migrate(on: connection)
                connection.close()
                if !applied.isEmpty { logger.info("applied \(applied.count) migration(s)") }
            } catch let error as MigrationError {
                throw CommandFailure.user(error.description)
            }
            let pool = ConnectionPool(
                configuration: session.configuration, maximumConnections: poolSize ?? ConnectionPool.defaultSize, logger: logger)
            let secrets = try SecretsLoader.load(home: database.homeDirectory)
            let app = try buildApplication(
                configuration: WebConfiguration(host: host, port: port), pool: pool, secrets: secrets, logger: logger)
            logger.info("Mizan is at http://\(host):\(port)/ — press Ctrl-C to stop")
            try await app.runService()
        }
    }
}

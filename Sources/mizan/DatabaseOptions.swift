import ArgumentParser
import Foundation
import Logging
import MizanPostgres
import PostgresDriver
import MizanDevCluster

/// Where Mizan keeps its private cluster when no database is configured.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("home"),
        help: ArgumentHelp("Folder for the private PostgreSQL cluster (default: $MIZAN_HOME or ./.mizan).", valueName: "dir"))
    var home: String?

    @Option(help: ArgumentHelp("Folder holding the NNNN_name.sql migrations (default: the project's sql/migrations).", valueName: "dir"))
    var migrations: String?

    var homeDirectory: URL {
        let path = home ?? ProcessInfo.processInfo.environment["MIZAN_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".mizan"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    func loadMigrations() throws -> [Migration] {
        let directory = try migrations.map { URL(fileURLWithPath: $0) } ?? Migration.locateDirectory().orThrow(
            CommandFailure.user("cannot find sql/migrations; run from the project folder or pass --migrations DIR"))
        do {
            return try Migration.load(from: directory)
        } catch let error as MigrationError {
            throw CommandFailure.user(error.description)
        }
    }

    /// Uses `DATABASE_URL`/`PG*` when set; otherwise creates (once) and starts the private cluster.
    func open(logger: Logger) throws -> DatabaseSession {
        do {
            if let configuration = try PostgresConfiguration.fromEnvironment(ProcessInfo.processInfo.environment) {
                logger.info("using the database at \(configuration)")
                return DatabaseSession(configuration: configuration, cluster: nil, startedCluster: false)
            }
        } catch let error as PostgresError {
            throw CommandFailure.user(error.description)
        }
        do {
            let cluster = try LocalCluster(dataDirectory: homeDirectory.appendingPathComponent("pgdata"), logger: logger)
            try cluster.initializeIfNeeded()
            let started = try cluster.start()
            logger.info(started ? "started the private PostgreSQL cluster in \(cluster.dataDirectory.path)" : "the private PostgreSQL cluster is already running")
            try cluster.createDatabase("mizan")
            return DatabaseSession(configuration: cluster.configuration(database: "mizan"), cluster: cluster, startedCluster: started)
        } catch let error as ClusterError {
            throw CommandFailure.system(error.description)
        }
    }
}

/// An open database, and the private cluster to stop afterwards if this process started it.
struct DatabaseSession {
    let configuration: PostgresConfiguration
    let cluster: LocalCluster?
    let startedCluster: Bool

    func close(logger: Logger) {
        guard startedCluster, let cluster else { return }
        do {
            try cluster.stop()
            logger.info("stopped the private PostgreSQL cluster")
        } catch {
            logger.error("could not stop the private PostgreSQL cluster: \(error)")
        }
    }

    func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(configuration)
        } catch {
            throw CommandFailure.system(error.description)
        }
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}

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

    @Option(
        name: .customLong("secret-file"),
        help: ArgumentHelp(
            "File holding the server secret (default: $MIZAN_SECRET_FILE, else ~/.config/mizan/secret.key); MIZAN_SECRET overrides it.",
            valueName: "file"))
    var secretFile: String?

    /// The owner and service roles: `MIZAN_OWNER_ROLE`/`MIZAN_APP_ROLE`, else `mizan_owner`/`mizan_app`.
    var roles: ServiceRoles {
        get throws {
            do throws(RolesError) {
                return try ServiceRoles.fromEnvironment(ProcessInfo.processInfo.environment)
            } catch {
                throw CommandFailure.user(error.description)
            }
        }
    }

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

    /// Uses `DATABASE_URL`/`PG*` when set (one role for everything: the administrator chooses it per
    /// command, see `mizan db roles`); otherwise creates (once) and starts the private cluster, whose
    /// roles are set up here: migrations run as the owner, everything else as the service's role.
    func open(logger: Logger) throws -> DatabaseSession {
        let roles = try roles
        do {
            if let configuration = try PostgresConfiguration.fromEnvironment(ProcessInfo.processInfo.environment) {
                logger.info("using the database at \(configuration)")
                return DatabaseSession(
                    configuration: configuration, ownerConfiguration: configuration, roles: roles, cluster: nil, startedCluster: false,
                    lease: nil)
            }
        } catch let error as PostgresError {
            throw CommandFailure.user(error.description)
        }
        var started = false
        var openedCluster: LocalCluster?
        var lease: ClusterLease?
        do {
            let cluster = try LocalCluster(dataDirectory: homeDirectory.appendingPathComponent("pgdata"), logger: logger)
            openedCluster = cluster
            // Shared with the other mizan processes on this folder: the last to leave stops it.
            lease = try ClusterLease(home: homeDirectory) {
                try cluster.initializeIfNeeded()
                started = try cluster.start()
                return started
            }
            logger.info(started ? "started the private PostgreSQL cluster in \(cluster.dataDirectory.path)" : "the private PostgreSQL cluster is already running")
            try cluster.createDatabase("mizan")
            let superuser = try PostgresConnection.connect(cluster.configuration(database: "mizan"))
            defer { superuser.close() }
            try roles.setUpIfNeeded(on: superuser)
            return DatabaseSession(
                configuration: cluster.configuration(database: "mizan", user: roles.app),
                ownerConfiguration: cluster.configuration(database: "mizan", user: roles.owner),
                roles: roles, cluster: cluster, startedCluster: started, lease: lease)
        } catch {
            // Leaves the cluster as it found it, unless another process uses it meanwhile.
            if let lease, let openedCluster {
                _ = try? lease.release { try openedCluster.stop() }
            } else if started {
                try? openedCluster?.stop()
            }
            if let error = error as? ClusterError { throw CommandFailure.system(error.description) }
            throw CommandFailure.system("cannot prepare the private PostgreSQL cluster: \(error)")
        }
    }
}

/// An open database, and the private cluster to stop afterwards if this process started it.
struct DatabaseSession {
    /// How the service connects: the app role on the private cluster, else `DATABASE_URL`/`PG*`.
    let configuration: PostgresConfiguration
    /// How migrations connect: the owner role on the private cluster, else the same as `configuration`.
    let ownerConfiguration: PostgresConfiguration
    let roles: ServiceRoles
    let cluster: LocalCluster?
    let startedCluster: Bool
    /// This process's share of the private cluster (see `ClusterLease`).
    let lease: ClusterLease?

    /// Applies pending migrations as the owner, then grants the service's role what it may do on
    /// the tables as they now are (a no-op where that role does not exist).
    func migrate(_ migrations: [Migration], progress: (Migration) -> Void = { _ in }) throws -> [Migration] {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(ownerConfiguration)
        } catch {
            throw CommandFailure.system(error.description)
        }
        defer { connection.close() }
        do {
            let applied = try Migrator(migrations: migrations).migrate(on: connection, progress: progress)
            try roles.grantAfterMigrating(on: connection)
            return applied
        } catch let error as MigrationError {
            throw CommandFailure.user(error.description)
        }
    }

    /// Stops the private cluster when this process is the last mizan process using it (whichever
    /// started it), so that a command run beside `mizan serve` never stops the site's database.
    func close(logger: Logger) {
        guard let cluster, let lease else { return }
        do {
            if try lease.release(stop: { try cluster.stop() }) {
                logger.info("stopped the private PostgreSQL cluster")
            } else if startedCluster {
                logger.info("left the private PostgreSQL cluster running: another mizan process still uses it")
            }
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

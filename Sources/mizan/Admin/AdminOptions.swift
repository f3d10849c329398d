import ArgumentParser
import Foundation
import Logging
import MizanCore
import MizanPostgres
import PostgresDriver

/// Options every administration command shares.
struct AdminOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Who is acting, for the audit log (default: the OS user).", valueName: "name"))
    var actor: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    var actorName: String {
        if let actor, !actor.isEmpty { return actor }
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["SUDO_USER"] ?? environment["USER"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid:\(geteuid())"
    }

    /// Opens the database (the private cluster when nothing is configured), checks its schema is
    /// current, and runs `body` in one transaction: all of it is committed, or none.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        var logger = Logger(label: "mizan")
        logger.logLevel = .warning
        let migrations = try database.loadMigrations()
        let session = try database.open(logger: logger)
        defer { session.close(logger: logger) }
        let connection = try session.connect()
        defer { connection.close() }
        let pending = try Migrator(migrations: migrations).status(on: connection).filter { !$0.isApplied }
        guard pending.isEmpty else {
            throw CommandFailure.user("the database has \(pending.count) pending migration(s); run `mizan migrate` first")
        }
        do {
            return try connection.transaction(body)
        } catch let error as PostgresError where error.isUnavailable {
            throw CommandFailure.system(error.description)
        } catch let error as PostgresError {
            // A constraint the database enforces: the user asked for something not allowed.
            if let state = error.sqlState, state.hasPrefix("23") || state == SQLState.raiseException {
                throw CommandFailure.user(error.message)
            }
            throw CommandFailure.system(error.description)
        } catch let error as CycleError {
            throw CommandFailure.user(error.description)
        } catch let error as GeographyError {
            throw CommandFailure.user(error.description)
        }
    }
}

extension AdminOptions {
    /// Opens the database (the private cluster when nothing is configured), checks its schema is
    /// current, and hands `body` the storage the use cases run on; closed afterwards. A refused
    /// rule becomes a user error and an unreachable database a system error, as with `transaction`.
    func withStorage<T>(_ body: (any Storage) async throws -> T) async throws -> T {
        var logger = Logger(label: "mizan")
        logger.logLevel = .warning
        let migrations = try database.loadMigrations()
        let session = try database.open(logger: logger)
        defer { session.close(logger: logger) }
        do {
            let connection = try session.connect()
            let pending = try Migrator(migrations: migrations).status(on: connection).filter { !$0.isApplied }
            connection.close()
            guard pending.isEmpty else {
                throw CommandFailure.user("the database has \(pending.count) pending migration(s); run `mizan migrate` first")
            }
        }
        let pool = ConnectionPool(configuration: session.configuration, maximumConnections: 1, queueTimeout: .seconds(3600), logger: logger)
        do {
            let value = try await body(PostgresStorage(pool: pool))
            await pool.shutdown()
            return value
        } catch {
            await pool.shutdown()
            throw Self.commandFailure(for: error)
        }
    }

    /// A storage or domain error as the exit status the README promises.
    static func commandFailure(for error: any Error) -> any Error {
        switch error {
        case let failure as any StorageFailure where failure.isUnavailable: return CommandFailure.system(failure.description)
        case let failure as any StorageFailure where failure.isRuleViolation: return CommandFailure.user(failure.message)
        case let failure as any StorageFailure: return CommandFailure.system(failure.description)
        case let error as CycleError: return CommandFailure.user(error.description)
        case let error as GeographyError: return CommandFailure.user(error.description)
        // Tally refusals and export problems are the user's to fix: exit status 1 with the reason.
        case let error as TallyError: return CommandFailure.user(error.description)
        case let error as ExportError: return CommandFailure.user(error.description)
        default: return error
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import MizanPostgres
import PostgresDriver

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations, or list them with --status.",
        discussion: """
            Migrations are sql/migrations/NNNN_name.sql, applied in order, each in its own transaction, \
            and recorded with their SHA-256. A file changed after it was applied is refused. They run \
            as the database's owner role (on the private cluster, mizan_owner); afterwards the service's \
            role (mizan_app, if it exists) is granted what it may do on the tables as they now are.

            Examples:
              mizan migrate
              mizan migrate --status
              DATABASE_URL=postgresql://mizan_owner@db/mizan mizan migrate
            """)

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingFailures {
            var logger = Logger(label: "mizan")
            logger.logLevel = .warning
            let migrations = try database.loadMigrations()
            let session = try database.open(logger: logger)
            defer { session.close(logger: logger) }
            do {
                if status {
                    let connection = try session.connect()
                    defer { connection.close() }
                    let statuses = try Migrator(migrations: migrations).status(on: connection)
                    let width = statuses.map(\.migration.fileName.count).max() ?? 10
                    for entry in statuses {
                        let name = entry.migration.fileName.padding(toLength: width, withPad: " ", startingAt: 0)
                        let state = entry.appliedAt.map { "applied \(Self.timestamp($0))" } ?? "pending"
                        Terminal.line("\(name)  \(state)")
                    }
                    let pending = statuses.filter { !$0.isApplied }.count
                    Terminal.line("\(statuses.count - pending) applied, \(pending) pending")
                } else {
                    let applied = try session.migrate(migrations) { migration in
                        Terminal.line("applying \(migration.fileName)…")
                    }
                    Terminal.line(applied.isEmpty ? "the database is up to date" : "applied \(applied.count) migration(s)")
                }
            } catch let error as MigrationError {
                throw CommandFailure.user(error.description)
            }
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

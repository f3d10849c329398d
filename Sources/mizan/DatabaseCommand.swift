import ArgumentParser
import Foundation
import Logging
import MizanPostgres
import PostgresDriver

/// `mizan db`: the database set-up an administrator does once on a PostgreSQL of their own.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Set up the database roles Mizan runs with.",
        subcommands: [Roles.self])

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "roles",
            abstract: "Print (or apply) the SQL that creates the owner and service roles.",
            discussion: """
                Mizan runs with two roles: migrations as the owner (mizan_owner), which owns every table, \
                and everything else as the service's role (mizan_app), which is not a superuser, owns \
                nothing, may only add to the audit log and may not truncate any table. The private \
                cluster sets them up itself; on a PostgreSQL of your own, run this SQL once as a \
                superuser connected to Mizan's database (it is safe to run again), set the roles' \
                passwords, then migrate as the owner and serve as the service.

                Examples:
                  mizan db roles > mizan-roles.sql
                  mizan db roles | psql "postgresql://postgres@db.example/mizan" -v ON_ERROR_STOP=1
                  DATABASE_URL=postgresql://postgres@db.example/mizan mizan db roles --apply
                  DATABASE_URL=postgresql://mizan_owner@db.example/mizan mizan migrate
                  DATABASE_URL=postgresql://mizan_app@db.example/mizan mizan serve
                """)

        @Option(help: ArgumentHelp("The owner role (default: $MIZAN_OWNER_ROLE or mizan_owner).", valueName: "name"))
        var owner: String?

        @Option(help: ArgumentHelp("The service's role (default: $MIZAN_APP_ROLE or mizan_app).", valueName: "name"))
        var app: String?

        @Flag(help: "Run the SQL on the database DATABASE_URL names (as a superuser) instead of printing it.")
        var apply = false

        func run() async throws {
            try await reportingFailures {
                let environment = ProcessInfo.processInfo.environment
                let roles: ServiceRoles
                do throws(RolesError) {
                    let defaults = try ServiceRoles.fromEnvironment(environment)
                    roles = try ServiceRoles(owner: owner ?? defaults.owner, app: app ?? defaults.app)
                } catch {
                    throw CommandFailure.user(error.description)
                }
                guard apply else {
                    Terminal.line(roles.setupScript())
                    Terminal.line(Self.afterwards(roles))
                    return
                }
                let configuration: PostgresConfiguration
                do {
                    guard let found = try PostgresConfiguration.fromEnvironment(environment) else {
                        throw CommandFailure.user("--apply needs DATABASE_URL (or PG* variables) naming a superuser; the private cluster sets its roles up itself")
                    }
                    configuration = found
                } catch let error as PostgresError {
                    throw CommandFailure.user(error.description)
                }
                do {
                    let connection = try PostgresConnection.connect(configuration)
                    defer { connection.close() }
                    try roles.setUp(on: connection)
                } catch let error as PostgresError where error.isUnavailable {
                    throw CommandFailure.system(error.description)
                } catch let error as PostgresError {
                    throw CommandFailure.user("could not set up the roles (connect as a superuser): \(error.message)")
                }
                Terminal.line("set up the roles \(roles.owner) (owner) and \(roles.app) (service)")
                Terminal.line(Self.afterwards(roles))
            }
        }

        static func afterwards(_ roles: ServiceRoles) -> String {
            """
            -- Then give each role a password (ALTER ROLE \(roles.owner) PASSWORD '…'; the same for \(roles.app)),
            -- or allow them by peer or certificate in pg_hba.conf, and:
            --   DATABASE_URL=postgresql://\(roles.owner)@HOST/DATABASE mizan migrate
            --   DATABASE_URL=postgresql://\(roles.app)@HOST/DATABASE mizan serve
            """
        }
    }
}

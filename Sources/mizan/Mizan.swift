import ArgumentParser

import Foundation

@main
struct Mizan: AsyncParsableCommand {
    /// Runs the command like ArgumentParser does, except that a usage mistake exits with status 1,
    /// as every user error does here, instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "mizan",
        abstract: "Participatory budgeting for Moroccan communes.",
        discussion: """
            With DATABASE_URL (or the PG* variables) unset, Mizan starts and uses its own private \
            PostgreSQL cluster under .mizan/ (or $MIZAN_HOME).

            Examples:
              mizan serve                      run the site on http://127.0.0.1:8080
              mizan migrate --status           list applied and pending migrations
            """,
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DatabaseCommand.self, CommuneCommand.self, DistrictCommand.self, CycleCommand.self, ProposalCommand.self,
            RegistryCommand.self, CodesCommand.self, BallotsCommand.self, AuditCommand.self, ImplementationCommand.self, TallyCommand.self, PublishCommand.self, ExportCommand.self, VerifyCommand.self,
            PBCommand.self,
            AnalyseCommand.self, StaffCommand.self, PetitionCommand.self, SupportCommand.self,
        ]
    )
}

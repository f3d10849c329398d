import ArgumentParser

@main
struct Mizan: AsyncParsableCommand {
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
            ServeCommand.self, MigrateCommand.self, CommuneCommand.self, DistrictCommand.self, CycleCommand.self, ProposalCommand.self,
            RegistryCommand.self, CodesCommand.self, BallotsCommand.self, AuditCommand.self, ImplementationCommand.self,
        ]
    )
}

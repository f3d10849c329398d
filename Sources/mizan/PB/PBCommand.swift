import ArgumentParser

/// `mizan pb`: the ranking engine on Pabulib `.pb` files, for analysts and auditors. It needs no
/// database, so anyone can rerun a published election or try a rule on another city's data.
struct PBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pb",
        abstract: "Run the ranking engine on Pabulib .pb files (no database).",
        discussion: """
            Pabulib (pabulib.org) is the public library of participatory-budgeting elections; its \
            .pb files hold the projects, the budget and every ballot. These commands read such a \
            file, run any rule of the engine on it and explain the result.

            Files are read in 1 MiB chunks, with a progress bar on standard error past 50 MB; \
            --timing prints how long reading and ranking took, on standard error.

            Exit status: 0 success, 1 a user error (bad file, with its line; bad option; a rule \
            that does not apply to the ballots), 2 a system error (a file that cannot be read).

            Examples:
              mizan pb rank Poland_Krakow_2023_Czyzyny.pb --rule mes
              mizan pb compare Poland_Warszawa_2019_Rembertow.pb
              mizan pb stats Poland_Wroclaw_2018.pb
              mizan pb generate --voters 1000000 --projects 40 --seed 7 --out big.pb
            """,
        subcommands: [PBRankCommand.self, PBCompareCommand.self, PBStatsCommand.self, PBGenerateCommand.self]
    )
}

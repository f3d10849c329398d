import ArgumentParser
import MizanCore

extension BallotsCommand {
    /// `mizan ballots count`: a polling place's spoiled and blank paper ballots.
    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "count",
            abstract: "Record a polling place's spoiled and blank paper ballots (they count for no project).",
            discussion: """
                As a count sheet reports them: spoiled ballots (unreadable, or marked against the \
                rules) and blank ones. The results page and the export give them per place. A second \
                entry for the same place replaces the first; both are in the audit log. Allowed while \
                voting is open and after it closes, until the outcome is published.

                Example:
                  mizan ballots count --cycle 1 --place "École Ibn Khaldoun" --spoiled 12 --blank 3
                """)

        @Option(help: "Cycle number.") var cycle: Int
        @Option(help: "The polling place, as named on its count sheet.") var place: String
        @Option(help: "Spoiled paper ballots.") var spoiled: Int
        @Option(help: "Blank paper ballots.") var blank: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let request = RecordPaperCount.Request(cycle: CycleID(cycle), place: place, spoiled: spoiled, blank: blank, actor: options.actorName)
                let counts = try await options.withStorage { try await RecordPaperCount(storage: $0).execute(request) }
                if options.json {
                    Terminal.line(JSON.array(counts.map {
                        .object([("place", .string($0.place)), ("spoiled", .int($0.spoiled)), ("blank", .int($0.blank))])
                    }).text)
                } else {
                    Terminal.line(Table.render(
                        header: ["place", "spoiled", "blank"], rightAligned: [1, 2], rows: counts.map { [$0.place, "\($0.spoiled)", "\($0.blank)"] }))
                }
            }
        }
    }
}

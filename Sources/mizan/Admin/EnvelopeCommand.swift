import ArgumentParser
import MizanCore

extension CycleCommand {
    /// `mizan cycle envelope`: one district's part of the budget.
    struct Envelope: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set or remove a district's envelope: the part of the budget only its projects compete for.",
            discussion: """
                Each district with an envelope is tallied on its own with that budget; a project \
                without a district, or of a district without an envelope, is then on no ballot's \
                count. Opening voting is refused unless the envelopes add up to the budget. \
                Envelopes are frozen with the other rules once voting opens.

                Examples:
                  mizan cycle envelope 1 --district Nord --budget 400000
                  mizan cycle envelope 1 --district "حي المسيرة" --budget 600.000,00
                  mizan cycle envelope 1 --district Nord --remove
                """)

        @Argument(help: "Cycle number.") var id: Int
        @Option(help: "The district's number, or its French or Arabic name.") var district: String
        @Option(help: "The envelope in dirhams, e.g. 400000 or 400.000,00.") var budget: String?
        @Flag(help: "Remove the district's envelope.") var remove = false
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                guard (budget == nil) == remove else { throw CommandFailure.user("give either --budget or --remove") }
                let amount: Money?
                do { amount = try budget.map { try Money(parsing: $0) } } catch { throw CommandFailure.user("--budget: \(error)") }
                let request = SetDistrictEnvelope.Request(cycle: CycleID(id), district: district, budget: amount, actor: options.actorName)
                let envelopes = try await options.withStorage { try await SetDistrictEnvelope(storage: $0).execute(request) }
                if options.json {
                    Terminal.line(JSON.array(envelopes.map {
                        .object([("district", .int($0.district.rawValue)), ("name_fr", .string($0.name.french)),
                                 ("name_ar", .string($0.name.arabic)), ("budget_centimes", .number($0.budget.centimes))])
                    }).text)
                } else {
                    let total = envelopes.reduce(Money(centimes: 0)) { $0 + $1.budget }
                    Terminal.line(Table.render(
                        header: ["district", "name", "envelope"], rightAligned: [2],
                        rows: envelopes.map { ["\($0.district)", $0.name.french, $0.budget.description] }))
                    Terminal.line("total     \(total) in \(envelopes.count) envelope(s)")
                }
            }
        }
    }
}

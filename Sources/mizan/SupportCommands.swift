import ArgumentParser
import MizanCore

/// The supports phase of a cycle: staff choose it, and read the counts during review.
struct SupportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support", abstract: "The supports phase: residents support proposals before review.",
        subcommands: [Enable.self, Counts.self])

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a cycle a supports phase (before its review begins).",
            discussion: """
                While the cycle takes proposals, residents of the commune (identified against its registry) \
                support those submitted so far, each at most --per-person of them, on /{lang}/cycles/ID/supports.

                Example:
                  mizan support enable --cycle 1 --per-person 5
                """)
        @Option(help: "Cycle number.") var cycle: Int
        @Option(help: "How many proposals each resident may support.") var perPerson: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let phase: SupportPhase
                do {
                    phase = try await options.withStorage {
                        try await SetSupportPhase(storage: $0).execute(cycle: CycleID(cycle), perPerson: perPerson, actor: options.actorName)
                    }
                } catch let error as SupportError {
                    throw CommandFailure.user(error.description)
                } catch let error as CycleError {
                    throw CommandFailure.user(error.description)
                }
                Terminal.line("cycle \(phase.cycleID) has a supports phase: \(phase.perPerson) proposal(s) per person")
            }
        }
    }

    struct Counts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Supporters of each proposal of a cycle, most supported first (for review).",
            discussion: "Exact counts, for staff; the public sees counts under 10 as \"fewer than 10\".\n\nExample:\n  mizan support counts --cycle 1")
        @Option(help: "Cycle number.") var cycle: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let counts = try await options.withStorage { storage in
                    try await storage.transaction { stores -> [SupportCount] in
                        _ = try stores.cycles.require(CycleID(cycle))
                        return try stores.supports.counts(cycle: CycleID(cycle))
                    }
                }
                if options.json {
                    Terminal.line(JSON.array(counts.map {
                        .object([("proposal", .int($0.proposalID)), ("title", .string($0.title)), ("supporters", .int($0.supporters))])
                    }).text)
                    return
                }
                Terminal.line(Table.render(header: ["proposal", "supporters", "title"], rows: counts.map { ["\($0.proposalID)", "\($0.supporters)", $0.title] }))
            }
        }
    }
}

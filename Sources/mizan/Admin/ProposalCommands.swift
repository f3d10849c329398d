import ArgumentParser
import MizanCore

struct ProposalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proposal", abstract: "Enter, list, show and review proposals.",
        subcommands: [Add.self, List.self, Show.self, Accept.self, Reject.self, Merge.self, Hide.self, Unhide.self])

    static func json(_ proposal: Proposal) -> JSON {
        .object([
            ("id", .number(Int64(proposal.id))), ("cycle", .number(Int64(proposal.cycleID))), ("title", .string(proposal.title)),
            ("category", .string(proposal.category)), ("district", proposal.districtName.map(JSON.string) ?? .null),
            ("estimated_cost_centimes", .number(proposal.estimatedCost.centimes)), ("status", .string(proposal.status.rawValue)),
            ("official_cost_centimes", proposal.officialCost.map { .number($0.centimes) } ?? .null),
            ("official_answer", proposal.officialAnswer.map(JSON.string) ?? .null),
            ("merged_into", proposal.mergedInto.map { .number(Int64($0)) } ?? .null),
        ])
    }

    static func describe(_ proposal: Proposal) -> String {
        var lines = [
            "proposal #\(proposal.id) (cycle \(proposal.cycleID)): \(proposal.title)",
            "  status     \(proposal.status.rawValue)", "  category   \(proposal.category)",
            "  estimated  \(proposal.estimatedCost)",
        ]
        if let district = proposal.districtName { lines.append("  district   \(district)") }
        if let location = proposal.location { lines.append("  location   \(location)") }
        if let cost = proposal.officialCost { lines.append("  official   \(cost)") }
        if let answer = proposal.officialAnswer { lines.append("  answer     \(answer)") }
        if let into = proposal.mergedInto { lines.append("  merged     into #\(into)") }
        if let reason = proposal.hiddenReason { lines.append("  hidden     \(reason)") }
        if !proposal.description.isEmpty { lines.append("\n\(proposal.description)") }
        return lines.joined(separator: "\n")
    }

    /// Runs one review decision and prints the result.
    static func review(_ id: Int, _ decision: ProposalDecision, options: AdminOptions) async throws {
        let proposal: Proposal
        do {
            proposal = try await options.withStorage { try await ReviewProposal(storage: $0).execute(ProposalID(id), decision, actor: options.actorName) }
        } catch let error as ProposalError {
            throw CommandFailure.user(error.description)
        }
        Terminal.line(options.json ? json(proposal).text : "proposal #\(proposal.id) is now \(proposal.status.rawValue)")
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter a proposal handed in on paper at the commune (proposals phase).",
            discussion: """
                Example:
                  mizan proposal add --cycle 1 --title "Éclairage public, rue 12" --category "Éclairage" --cost 120000
                """)
        @Option(help: "Cycle number.") var cycle: Int
        @Option(help: "Title (3 to 200 characters).") var title: String
        @Option(help: "Description.") var description = ""
        @Option(help: "Category, e.g. Voirie, Éclairage, Espaces verts.") var category: String
        @Option(help: "District name (French or Arabic) or number.") var district: String?
        @Option(help: "Where, in words.") var location: String?
        @Option(help: "Estimated cost in dirhams.") var cost: String
        @Option(help: "Language of the text: ar, fr, en or zgh.") var language = "fr"
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let proposal: NewProposal
                do {
                    proposal = try NewProposal(
                        title: title, description: description, category: category, district: district, location: location,
                        estimatedCost: cost, language: language)
                } catch {
                    throw CommandFailure.user("\(error)")
                }
                let stored: Proposal
                do {
                    stored = try await options.withStorage {
                        try await SubmitProposal(storage: $0).execute(proposal, cycle: CycleID(cycle), trackingTokenHash: nil, actor: options.actorName)
                    }
                } catch let error as ProposalError {
                    throw CommandFailure.user(error.description)
                }
                Terminal.line(options.json ? ProposalCommand.json(stored).text : "added proposal #\(stored.id)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a cycle's proposals.", discussion: "Example:\n  mizan proposal list --cycle 1 --status submitted")
        @Option(help: "Cycle number.") var cycle: Int
        @Option(help: "Only this status: submitted, accepted, rejected, merged or hidden.") var status: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let filter: ProposalStatus?
                if let status {
                    guard let parsed = ProposalStatus(rawValue: status) else {
                        throw CommandFailure.user("--status must be one of \(ProposalStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    filter = parsed
                } else {
                    filter = nil
                }
                let proposals = try await options.withStorage { storage in
                    try await storage.transaction { try $0.proposals.list(cycle: CycleID(cycle), status: filter) }
                }
                if options.json {
                    Terminal.line(JSON.array(proposals.map(ProposalCommand.json)).text)
                } else {
                    Terminal.line(Table.render(
                        header: ["id", "status", "title", "category", "estimated", "official"],
                        rows: proposals.map {
                            ["\($0.id)", $0.status.rawValue, $0.title, $0.category, $0.estimatedCost.description, $0.officialCost?.description ?? ""]
                        }))
                    Terminal.line("\(proposals.count) proposal(s)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a proposal.", discussion: "Example:\n  mizan proposal show 7")
        @Argument(help: "Proposal number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let proposal: Proposal
                do {
                    proposal = try await options.withStorage { storage in try await storage.transaction { try $0.proposals.require(ProposalID(id)) } }
                } catch let error as ProposalError {
                    throw CommandFailure.user(error.description)
                }
                Terminal.line(options.json ? ProposalCommand.json(proposal).text : ProposalCommand.describe(proposal))
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a proposal as a ballot project with its official cost (review phase).",
            discussion: "Example:\n  mizan proposal accept 7 --cost 118000 --answer \"Faisable par les services techniques.\"")
        @Argument(help: "Proposal number.") var id: Int
        @Option(help: "Official cost in dirhams.") var cost: String
        @Option(help: "Official answer shown to the public.") var answer: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let money: Money
                do { money = try Money(parsing: cost) } catch { throw CommandFailure.user("--cost: \(error)") }
                try await ProposalCommand.review(id, .accept(cost: money, answer: answer), options: options)
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a proposal with a public reason (review phase).",
            discussion: "Example:\n  mizan proposal reject 8 --reason \"Hors compétence de la commune.\"")
        @Argument(help: "Proposal number.") var id: Int
        @Option(help: "Public reason.") var reason: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await ProposalCommand.review(id, .reject(reason: reason), options: options) }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a proposal into a similar one of the same cycle (review phase).",
            discussion: "Example:\n  mizan proposal merge 9 --into 7")
        @Argument(help: "Proposal number.") var id: Int
        @Option(help: "The proposal it joins.") var into: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await ProposalCommand.review(id, .merge(into: ProposalID(into)), options: options) }
        }
    }

    struct Hide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hide abusive content, with a logged reason (before voting).",
            discussion: "Example:\n  mizan proposal hide 10 --reason \"Propos injurieux.\"")
        @Argument(help: "Proposal number.") var id: Int
        @Option(help: "Reason, kept in the audit log.") var reason: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await ProposalCommand.review(id, .hide(reason: reason), options: options) }
        }
    }

    struct Unhide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a hidden proposal again, back in the review queue (before voting).",
            discussion: "The hiding and its reason stay in the audit log.\n\nExample:\n  mizan proposal unhide 10")
        @Argument(help: "Proposal number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await ProposalCommand.review(id, .unhide, options: options) }
        }
    }
}

import ArgumentParser
import MizanCore

struct CycleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle", abstract: "Create cycles, list and show them, move them to their next phase.",
        subcommands: [Create.self, Settings.self, List.self, Show.self, Envelope.self, Advance.self])

    static func json(_ cycle: Cycle) -> JSON {
        var ballot: [(String, JSON)] = [("kind", .string(cycle.ballot.kind))]
        switch cycle.ballot {
        case .approval(let minimum, let maximum):
            ballot += [("min", .number(Int64(minimum))), ("max", maximum.map { .number(Int64($0)) } ?? .null)]
        case .knapsack: break
        case .points(let total, let cap):
            ballot += [("points", .number(Int64(total))), ("cap", cap.map { .number(Int64($0)) } ?? .null)]
        case .ranked(let depth): ballot += [("depth", .number(Int64(depth)))]
        }
        return .object([
            ("id", .number(Int64(cycle.id))), ("commune", .string(cycle.communeCode)),
            ("commune_name_fr", .string(cycle.communeName.french)), ("year", .number(Int64(cycle.year))),
            ("title", .string(cycle.title)), ("budget_centimes", .number(cycle.budget.centimes)),
            ("phase", .string(cycle.phase.rawValue)), ("ballot", .object(ballot)), ("rule", .string(cycle.rule.rawValue)),
            ("tie_break", .string(cycle.tieBreak.rawValue)),
            ("dates", .object(cycle.schedule.fields.map { ($0.field, $0.date.map { .string($0.description) } ?? .null) })),
            ("engine_rule", .string(EngineSettings.rule(of: cycle).key)), ("thresholds", .string(cycle.options.storedThresholds)),
        ])
    }

    static func describe(_ cycle: Cycle) -> String {
        let ballot: String
        switch cycle.ballot {
        case .approval(let minimum, let maximum):
            ballot = "approval, \(minimum) to \(maximum.map(String.init) ?? "any number of") projects"
        case .knapsack: ballot = "knapsack (total cost within the budget)"
        case .points(let total, let cap): ballot = "\(total) points to spread" + (cap.map { ", at most \($0) per project" } ?? "")
        case .ranked(let depth): ballot = "rank up to \(depth) projects"
        }
        return """
            cycle #\(cycle.id): \(cycle.title)
              commune   \(cycle.communeName.french) — \(cycle.communeName.arabic) (\(cycle.communeCode))
              year      \(cycle.year)
              budget    \(cycle.budget)
              phase     \(cycle.phase.rawValue)
              ballot    \(ballot)
              rule      \(cycle.rule.rawValue) (\(EngineSettings.rule(of: cycle).key)), ties broken \(cycle.tieBreak.rawValue)
              counting  \(cycle.options.storedThresholds.isEmpty ? "no thresholds" : cycle.options.storedThresholds)
            """ + (cycle.schedule.isEmpty ? "" : "\n  dates     " + cycle.schedule.fields.map { "\($0.field) \($0.date?.description ?? "-")" }.joined(separator: ", "))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a cycle in draft.",
            discussion: """
                The budget is in dirhams (stored exactly, in centimes). Ballot kinds: approval \
                (--min/--max projects), knapsack, points (--points to spread, optional --points-cap), \
                ranked (--rank-depth). Rules: greedy, mes (equal shares with completion, as pabutools), \
                phragmen, equalshares (the Method of Equal Shares as equalshares.net runs it, with \
                --completion, --integral, --increment, --comparison and --tie-criteria).

                Thresholds, with every rule: --min-votes (votes, or points), --min-share (of voters, \
                with --share-of district to count a district's voters), --cost-divisor (a project's \
                share of voters must reach cost ÷ (divisor × budget)), --fund-next-at (fund the next \
                project when this share of its cost is left, e.g. 80%). All of these are frozen with \
                the rules when voting opens, shown on the cycle page and written into the export.

                Examples:
                  mizan cycle create --commune 02.113.01.09 --year 2026 --budget 1500000 --ballot approval --max 5 --rule mes
                  mizan cycle create --commune 02.113.01.09 --year 2026 --budget 800000 --ballot points --points 10 --rule greedy
                  mizan cycle create --commune 02.113.01.09 --year 2027 --budget 1000000 --ballot approval --rule equalshares \\
                      --completion add1 --comparison satisfaction
                  mizan cycle create --commune 02.113.01.09 --year 2028 --budget 900000 --ballot approval --rule greedy \\
                      --min-votes 50 --fund-next-at 80%
                """)

        @Option(help: "HCP code of the commune.") var commune: String
        @Option(help: "Edition year.") var year: Int
        @Option(help: "Title (default: \"Budget participatif YEAR\").") var title: String?
        @Option(help: "Budget in dirhams, e.g. 1500000 or 1.500.000,00.") var budget: String
        @Option(help: "Ballot kind: approval, knapsack, points or ranked.") var ballot: String
        @Option(help: "approval: fewest projects a ballot must approve.") var min: Int?
        @Option(help: "approval: most projects a ballot may approve.") var max: Int?
        @Option(help: "points: points each voter spreads.") var points: Int?
        @Option(name: .customLong("points-cap"), help: "points: most points on one project.") var pointsCap: Int?
        @Option(name: .customLong("rank-depth"), help: "ranked: how many projects a voter ranks.") var rankDepth: Int?
        @Option(help: "Winner rule: greedy, mes, phragmen or equalshares.") var rule: String
        @Option(help: "Tie-break: lexicographic (smaller id) or equalshares (lower cost, more votes, id).") var tie = "lexicographic"
        @Option(help: "equalshares: completion none, utilitarian, add1, add1e, add1u or add1eu (default add1).") var completion: String?
        @Flag(help: "equalshares: start from a whole number of dirhams per voter.") var integral = false
        @Option(help: "equalshares: whole dirhams added per voter at each step (default 1).") var increment: String?
        @Option(help: "equalshares: compare with greedy by satisfaction or exclusionRatio (default none).") var comparison: String?
        @Option(name: .customLong("tie-criteria"), help: "equalshares: tie criteria in order, e.g. minCost,maxVotes.") var tieCriteria: String?
        @Option(name: .customLong("min-votes"), help: "Projects need at least this many votes (points for points and ranked ballots).")
        var minVotes: String?
        @Option(name: .customLong("min-share"), help: "Projects need at least this share of voters, e.g. 10%.") var minShare: String?
        @Option(name: .customLong("share-of"), help: "With --min-share: district (the project's district's voters) or all.") var shareOf: String?
        @Option(name: .customLong("cost-divisor"), help: "A project's share of voters must reach cost ÷ (divisor × budget); 3 in Świecie.")
        var costDivisor: String?
        @Option(name: .customLong("fund-next-at"), help: "Fund the next project when this share of its cost is left, e.g. 80%.")
        var fundNextAt: String?
        @OptionGroup var dates: CycleDateOptions
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let newCycle = try parse()
                let cycle = try await options.withStorage { try await CreateCycle(storage: $0).execute(newCycle, actor: options.actorName) }
                Terminal.line(options.json ? CycleCommand.json(cycle).text : "created\n" + CycleCommand.describe(cycle))
            }
        }

        func parse() throws(CommandFailure) -> NewCycle {
            let code: GeoCode
            do { code = try GeoCode(parsing: commune) } catch { throw CommandFailure.user("--commune: \(error)") }
            let fields = CycleSettingsFields(
                year: String(year), title: title, budget: budget, ballot: ballot, minimum: min.map(String.init), maximum: max.map(String.init),
                points: points.map(String.init), pointsCap: pointsCap.map(String.init), rankDepth: rankDepth.map(String.init),
                rule: rule, tieBreak: tie,
                equalShares: EqualSharesFields(completion: completion, integral: integral, increment: increment, comparison: comparison, ties: tieCriteria),
                thresholds: ThresholdFields(minimumVotes: minVotes, minimumShare: minShare, shareOf: shareOf, costDivisor: costDivisor, fundNextAt: fundNextAt),
                proposalsOpen: dates.proposalsOpen, proposalsClose: dates.proposalsClose, votingOpen: dates.votingOpen, votingClose: dates.votingClose)
            do { return try fields.newCycle(commune: code) } catch { throw CommandFailure.user("\(error)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cycles, optionally of one commune.", discussion: "Example:\n  mizan cycle list --commune 02.113.01.09")

        @Option(help: "HCP code of the commune.") var commune: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let code: GeoCode?
                do { code = try commune.map { try GeoCode(parsing: $0) } } catch { throw CommandFailure.user("--commune: \(error)") }
                let cycles = try await options.withStorage { storage in try await storage.transaction { try $0.cycles.list(communeCode: code) } }
                if options.json {
                    Terminal.line(JSON.array(cycles.map(CycleCommand.json)).text)
                } else {
                    Terminal.line(Table.render(
                        header: ["id", "commune", "year", "title", "budget", "phase", "ballot", "rule"],
                        rows: cycles.map {
                            ["\($0.id)", $0.communeName.french, "\($0.year)", $0.title, $0.budget.description, $0.phase.rawValue, $0.ballot.kind, $0.rule.rawValue]
                        }))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a cycle.", discussion: "Example:\n  mizan cycle show 1")

        @Argument(help: "Cycle number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let (cycle, obstacles) = try await options.withStorage { try await ShowCycle(storage: $0).execute(CycleID(id)) }
                if options.json {
                    Terminal.line(CycleCommand.json(cycle).text)
                } else {
                    Terminal.line(CycleCommand.describe(cycle))
                    if let next = cycle.phase.next {
                        Terminal.line(obstacles.isEmpty ? "  next      can move to \(next.rawValue) (mizan cycle advance \(cycle.id))"
                            : "  next      \(next.rawValue) is blocked:\n" + obstacles.map { "    - \($0)" }.joined(separator: "\n"))
                    }
                }
            }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a cycle to its next phase (forward only; refused with the reasons when not ready).",
            discussion: """
                Phases: draft → proposals → review → voting → tallied → published → implementation. \
                The ballot and winner rules and the budget are frozen once voting opens.

                Closing voting (voting → tallied) opens the ballots, sealed until then with the \
                server secret, and writes them in a random order into the ballots table, so no \
                stored value links a ballot to its voter; it needs the same secret the ballots were \
                cast with.

                Example:
                  mizan cycle advance 1
                """)

        @Argument(help: "Cycle number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let secrets = try SecretsLoader.load(options)
                let cycle = try await options.withStorage {
                    try await AdvanceCycle(storage: $0, secrets: secrets).execute(CycleID(id), actor: options.actorName)
                }
                Terminal.line(options.json ? CycleCommand.json(cycle).text : "cycle #\(cycle.id) is now in \(cycle.phase.rawValue)")
            }
        }
    }
}

import ArgumentParser
import Foundation
import MizanCore
import PBEngine

/// `mizan tally`: computes the outcome from the stored ballots, explains it, and stores it.
struct TallyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Compute, explain and store a cycle's outcome (or explore one with --what-if).",
        discussion: """
            The tally reads the ballots of a cycle whose voting is closed: close voting first with \
            `mizan cycle advance ID` (voting → tallied), after which no ballot can be cast, changed or \
            removed. A cycle still in voting is refused, so no result can leak while people vote; a \
            published cycle is refused too, since its outcome is frozen. Tallying again while the \
            cycle is tallied stores a new outcome; `mizan publish` publishes the newest one.

            The cycle's own winner rule and tie-break are used (they were shown to voters and are \
            frozen once voting opens). With district envelopes, each district is tallied on its own: \
            its projects, its budget and the ballots of its voters. The outcome is stored with the \
            rule, tie-break, engine version, budget, amount spent, number of voters, the per-round \
            trace, and the SHA-256 of the canonical .pb file of exactly the ballots used (the file \
            `mizan export --format pb` writes).

            --what-if runs another rule (greedy, mes, phragmen, optimal, or an engine key such as \
            greedy_card or mes_cost) and/or another budget, prints the result and stores nothing; \
            it works on tallied, published and later cycles.

            Examples:
              mizan tally --cycle 3
              mizan tally --cycle 3 --json
              mizan tally --cycle 3 --what-if --rule mes --budget 2000000
            """)

    @Option(help: "Cycle number.") var cycle: Int
    @Option(help: ArgumentHelp("With --what-if: the rule to try (greedy, mes, phragmen, optimal or an engine key).", valueName: "rule"))
    var rule: String?
    @Flag(name: .customLong("what-if"), help: "Print the result of another rule or budget without storing anything.")
    var whatIf = false
    @Option(help: ArgumentHelp("With --what-if: another budget in dirhams (cycles without district envelopes).", valueName: "amount"))
    var budget: String?
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingFailures {
            if !whatIf, rule != nil || budget != nil {
                throw CommandFailure.user(
                    "--rule and --budget change the result voters were promised; use them with --what-if, which stores nothing")
            }
            let budgetOverride: Money?
            do { budgetOverride = try budget.map { try Money(parsing: $0) } } catch { throw CommandFailure.user("--budget: \(error)") }
            let request = TallyCycle.Request(
                cycle: CycleID(cycle), mode: whatIf ? .whatIf(rule: rule, budget: budgetOverride) : .store, actor: options.actorName)
            let report = try await options.withStorage { storage in
                try await TallyCycle(storage: storage, progress: Self.report).execute(request)
            }
            if options.json {
                Terminal.line(Self.json(report).text)
            } else {
                Terminal.line(Self.render(report))
            }
        }
    }

    /// Long reads and runs are reported on standard error, so the output stays clean.
    @Sendable static func report(_ progress: TallyCycle.Progress) {
        switch progress {
        case .ballotsRead(let scope, let count): Terminal.error("tally: \(scope.label): \(count) ballots read")
        case .running(let scope, let rule, let ballots): Terminal.error("tally: \(scope.label): running \(rule) on \(ballots) ballots")
        }
    }

    /// Funded projects in funding order, then the others by support.
    static func ordered(_ projects: [TallyProjectResult]) -> [TallyProjectResult] {
        projects.sorted { a, b in
            if a.funded != b.funded { return a.funded }
            if a.funded { return (a.round ?? 0) < (b.round ?? 0) }
            if a.supporters != b.supporters { return a.supporters > b.supporters }
            return (Int(a.id) ?? 0) < (Int(b.id) ?? 0)
        }
    }

    static func render(_ tally: TallyCycle.Report) -> String {
        let cycle = tally.cycle
        var lines: [String] = []
        for report in tally.scopes {
            let result = report.result
            let titles = Dictionary(report.prepared.projects.map { (String($0.id), $0.title) }, uniquingKeysWith: { first, _ in first })
            lines.append("cycle #\(cycle.id) \(cycle.title) — \(report.scope.label)")
            lines.append("  rule \(result.ruleKey), ties \(result.tieBreak); \(result.voters) ballot(s); budget \(Money(centimes: result.budgetCentimes)), spent \(Money(centimes: result.spentCentimes))")
            lines.append("  ballots .pb sha256 \(report.prepared.sha256)")
            lines.append(Table.render(
                header: ["project", "title", "cost", "supporters", "funded", "round", "why"],
                rows: ordered(result.projects).map {
                    [$0.id, titles[$0.id] ?? "", Money(centimes: $0.costCentimes).description, "\($0.supporters)", $0.funded ? "yes" : "no",
                     $0.round.map(String.init) ?? "-", $0.explanation]
                }))
            lines.append(report.tallyID.map { "stored as tally #\($0); publish with `mizan publish --cycle \(cycle.id)`" } ?? "what-if: nothing stored")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ tally: TallyCycle.Report) -> JSON {
        .object([
            ("cycle", .number(Int64(tally.cycle.id))), ("stored", .bool(tally.stored)),
            ("scopes", .array(tally.scopes.map { report in
                let result = report.result
                return .object([
                    ("district", report.scope.district.map { .number(Int64($0)) } ?? .null),
                    ("tally_id", report.tallyID.map { .number(Int64($0)) } ?? .null),
                    ("rule", .string(result.ruleKey)), ("tie_break", .string(result.tieBreak)),
                    ("engine_version", .string(EngineSettings.version)),
                    ("budget_centimes", .number(result.budgetCentimes)), ("spent_centimes", .number(result.spentCentimes)),
                    ("voters", .number(Int64(result.voters))), ("ballots_sha256", .string(report.prepared.sha256)),
                    ("funded", .array(result.funded.map { .string($0) })),
                    ("projects", .array(result.projects.map { project in
                        .object([
                            ("project", .string(project.id)), ("cost_centimes", .number(project.costCentimes)),
                            ("supporters", .number(Int64(project.supporters))), ("score", .number(Int64(project.score))),
                            ("funded", .bool(project.funded)), ("round", project.round.map { .number(Int64($0)) } ?? .null),
                            ("decision", .string(project.decision)), ("explanation", .string(project.explanation)),
                        ])
                    })),
                ])
            })),
        ])
    }
}

/// `mizan publish`: freezes the stored outcome and moves the cycle to published.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish the newest stored outcome of a tallied cycle; it is frozen from then on.",
        discussion: """
            Publishing stamps the newest outcome stored by `mizan tally` (every district envelope of \
            it) as published and moves the cycle from tallied to published, in one transaction with \
            its audit entry. The database refuses any later change or deletion of a published \
            outcome, and no new outcome can be stored for the cycle. Funded projects can then receive \
            implementation updates.

            An outcome whose counts would show how someone voted is refused: a scope (the commune, \
            or a district envelope) with 1 to 9 ballots, or one whose ballots all chose the same \
            projects. --confirm-small publishes it anyway, for example when those voters agreed; \
            the confirmation and its reasons are recorded in the audit log.

            Examples:
              mizan publish --cycle 3
              mizan publish --cycle 3 --confirm-small
            """)

    @Option(help: "Cycle number.") var cycle: Int
    @Flag(name: .customLong("confirm-small"), help: "Publish even though a scope's counts would show how its voters voted.")
    var confirmSmall = false
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingFailures {
            let request = PublishOutcome.Request(cycle: CycleID(cycle), actor: options.actorName, confirmSmall: confirmSmall)
            let stored = try await options.withStorage { try await PublishOutcome(storage: $0).execute(request) }
            if options.json {
                Terminal.line(JSON.object([
                    ("cycle", .number(Int64(cycle))), ("phase", .string(Phase.published.rawValue)),
                    ("tallies", .array(stored.map {
                        .object([
                            ("id", .number(Int64($0.id))), ("district", $0.district.map { .number(Int64($0)) } ?? .null),
                            ("funded", .number(Int64($0.funded))), ("spent_centimes", .number($0.spent.centimes)),
                            ("budget_centimes", .number($0.budget.centimes)),
                        ])
                    })),
                ]).text)
            } else {
                for tally in stored {
                    Terminal.line("published tally #\(tally.id) (\(tally.district.map { "district \($0)" } ?? "whole commune")): \(tally.funded) project(s) funded, \(tally.spent) of \(tally.budget)")
                }
                Terminal.line("cycle #\(cycle) is now in published")
            }
        }
    }
}

/// Tally refusals and export problems are the user's to fix: exit status 1 with the reason.
func tallyErrorsAsUserErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TallyError {
        throw CommandFailure.user(error.description)
    } catch let error as ExportError {
        throw CommandFailure.user(error.description)
    }
}

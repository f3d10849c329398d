import ArgumentParser
import Foundation
import MizanCore

/// `mizan analyse`: how a closed cycle's outcome depends on the winner rule and the budget.
struct AnalyseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Compare winner rules, try other budgets and find the projects closest to funding.",
        discussion: """
            Works on a cycle whose voting is closed (tallied or later) and stores nothing; a cycle \
            still in voting is refused, so no result can leak while people vote. With district \
            envelopes, each envelope is analysed on its own.

            Rule comparison: greedy, equal shares with completion, Phragmén (approval and knapsack \
            ballots only) and the optimal knapsack, side by side: money spent, share of voters with \
            at least one funded project they marked, the average share of the cost of each voter's \
            projects that is funded, each district's share of the funds against its share of the \
            voters and of the population, each category's share of the funds, and the projects the \
            rules disagree on with each rule's reason. The rule marked * is the cycle's own.

            What-if budgets: the cycle's own rule with the budget 20 % and 10 % lower and 10 % and \
            20 % higher, with what changes against the actual outcome; --envelope tries another \
            amount for a district envelope (repeatable).

            Marginal projects (--marginal): for the unfunded projects with the most support, the \
            fewest additional supporters (ballots for that project alone) and the smallest cost cut \
            in whole percent that would get each funded under the cycle's own rule, found by \
            reruns. --projects and --reruns bound the work; a search that does not end within \
            them says so.

            Examples:
              mizan analyse --cycle 3
              mizan analyse --cycle 3 --marginal
              mizan analyse --cycle 3 --no-compare --envelope 7=450000 --envelope 8=550000
              mizan analyse --cycle 3 --json
            """)

    @Option(help: "Cycle number.") var cycle: Int
    @Flag(inversion: .prefixedNo, help: "Compare the winner rules.") var compare = true
    @Flag(name: .customLong("what-if-budget"), inversion: .prefixedNo, help: "Run the cycle's rule with the budget −20, −10, +10 and +20 %.")
    var whatIfBudget = true
    @Option(
        name: .customLong("envelope"),
        help: ArgumentHelp("Another amount in dirhams for a district envelope, as DISTRICT_ID=AMOUNT (repeatable).", valueName: "id=amount"))
    var envelopes: [String] = []
    @Flag(help: "Find the unfunded projects closest to being funded.") var marginal = false
    @Option(help: ArgumentHelp("With --marginal: how many unfunded projects to examine per scope.", valueName: "n"))
    var projects = MarginalAnalysis.Limits().projects
    @Option(help: ArgumentHelp("With --marginal: the most engine runs per scope.", valueName: "n"))
    var reruns = MarginalAnalysis.Limits().reruns
    @Option(
        name: .customLong("search-limit"),
        help: ArgumentHelp("Search steps the optimal knapsack may take before it is reported as too large.", valueName: "n"))
    var searchLimit = RuleComparisonAnalysis.defaultSearchLimit
    @OptionGroup var options: AdminOptions

    /// Everything computed for one scope.
    struct ScopeAnalysis {
        let scope: AnalysisScope
        let comparison: ScopeComparison?
        let whatIf: ScopeWhatIf?
        let marginal: ScopeMarginal?
    }

    func run() async throws {
        try await reportingFailures {
            if projects < 1 { throw CommandFailure.user("--projects must be at least 1") }
            if reruns < 1 { throw CommandFailure.user("--reruns must be at least 1") }
            if searchLimit < 1 { throw CommandFailure.user("--search-limit must be at least 1") }
            let envelopeBudgets = try Self.parseEnvelopes(envelopes)
            let id = CycleID(cycle)
            let (info, scopes): (Cycle, [AnalysisScope])
            do {
                (info, scopes) = try await options.withStorage { storage in
                    try await storage.transaction { stores -> (Cycle, [AnalysisScope]) in
                        try stores.analysis.beginSnapshot()
                        let info = try stores.cycles.require(id)
                        let scopes = try stores.analysis.scopes(cycle: info) { scope, count in
                            Terminal.error("analyse: \(scope): \(count) ballots read")
                        }
                        return (info, scopes)
                    }
                }
            } catch let error as TallyError {
                throw CommandFailure.user(error.description)
            }
            try Self.check(envelopeBudgets, against: scopes)
            let election = AnalysisElection(cycle: info)
            let limits = MarginalAnalysis.Limits(projects: projects, reruns: reruns)
            let analyses = scopes.map { scope in
                let voters = scope.voters
                func say(_ text: String) { if voters >= 100_000 { Terminal.error("analyse: \(scope.label): \(text) on \(voters) ballots") } }
                let comparison = compare
                    ? RuleComparisonAnalysis.compare(election: election, scope: scope, searchLimit: searchLimit) { say("running \($0)") } : nil
                let envelope = scope.district.flatMap { envelopeBudgets[$0] }
                var whatIf: ScopeWhatIf?
                if whatIfBudget || envelope != nil {
                    say("what-if budgets")
                    whatIf = WhatIfAnalysis.budgets(
                        election: election, scope: scope, percents: whatIfBudget ? WhatIfAnalysis.defaultPercents : [],
                        budgets: envelope.map { [$0] } ?? [])
                }
                let marginalResult = marginal
                    ? MarginalAnalysis.marginal(election: election, scope: scope, limits: limits) { say("marginal search, \($0)") } : nil
                return ScopeAnalysis(scope: scope, comparison: comparison, whatIf: whatIf, marginal: marginalResult)
            }
            if options.json {
                Terminal.line(Self.json(cycle: info, analyses: analyses).text)
            } else {
                Terminal.line(Self.render(cycle: info, analyses: analyses))
            }
        }
    }

    /// `7=450000` → district 7, 450 000 MAD.
    static func parseEnvelopes(_ values: [String]) throws -> [Int: Money] {
        var budgets: [Int: Money] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let district = Int(parts[0].trimmingCharacters(in: .whitespaces)) else {
                throw CommandFailure.user("--envelope \(value): write DISTRICT_ID=AMOUNT, e.g. --envelope 7=450000")
            }
            let amount: Money
            do { amount = try Money(parsing: parts[1]) } catch { throw CommandFailure.user("--envelope \(value): \(error)") }
            guard amount.centimes > 0 else { throw CommandFailure.user("--envelope \(value): an envelope must be more than zero") }
            guard budgets[district] == nil else { throw CommandFailure.user("--envelope: district \(district) is given twice") }
            budgets[district] = amount
        }
        return budgets
    }

    static func check(_ envelopes: [Int: Money], against scopes: [AnalysisScope]) throws {
        guard !envelopes.isEmpty else { return }
        let districts = scopes.compactMap(\.district)
        guard !districts.isEmpty else {
            throw CommandFailure.user("--envelope: this cycle has no district envelopes; its budget is changed by the what-if percentages")
        }
        for district in envelopes.keys.sorted() where !districts.contains(district) {
            throw CommandFailure.user("--envelope: district \(district) has no envelope in this cycle (envelopes: \(districts.map(String.init).joined(separator: ", ")))")
        }
    }

    // MARK: - Text

    static func render(cycle: Cycle, analyses: [ScopeAnalysis]) -> String {
        var lines: [String] = []
        let ownRule = ComparedRule(cycle.rule)
        for analysis in analyses {
            let scope = analysis.scope
            lines.append("cycle #\(cycle.id) \(cycle.title) — \(scope.label)")
            lines.append("  budget \(scope.budget); \(scope.voters) ballot(s) with a mark; \(scope.projects.count) project(s); cycle rule \(cycle.rule.rawValue), ties \(cycle.tieBreak.rawValue); \(cycle.ballot.kind) ballots")
            lines.append("")
            if let comparison = analysis.comparison { lines += renderComparison(comparison, scope: scope, ownRule: ownRule) }
            if let whatIf = analysis.whatIf { lines += renderWhatIf(whatIf) }
            if let marginal = analysis.marginal { lines += renderMarginal(marginal) }
        }
        return lines.joined(separator: "\n")
    }

    static func ruleName(_ run: RuleRun) -> String { run.rule.rawValue + (run.isCycleRule ? "*" : "") }

    static func renderComparison(_ comparison: ScopeComparison, scope: AnalysisScope, ownRule: ComparedRule?) -> [String] {
        var lines = ["rule comparison (* the cycle's rule)"]
        lines.append(Table.render(
            header: ["rule", "engine key", "funded", "spent", "voters with a funded project", "avg share of their projects' cost funded"],
            rows: comparison.runs.map { run in
                guard let metrics = run.metrics else {
                    let reason: String
                    switch run.status {
                    case .notApplicable(let text), .tooLarge(let text): reason = text
                    case .computed: reason = ""
                    }
                    return [ruleName(run), run.engineKey.isEmpty ? "-" : run.engineKey, "-", "-", reason, ""]
                }
                return [
                    ruleName(run), run.engineKey, "\(metrics.fundedProjects)", metrics.spent.description,
                    "\(metrics.votersWithFundedProject.percentText) (\(metrics.votersWithFundedProject.numerator)/\(metrics.votersWithFundedProject.denominator))",
                    metrics.averageFundedCostShare.percentText,
                ]
            }))
        let computed = comparison.runs.filter { $0.metrics != nil }
        if let first = computed.first?.metrics, !first.districts.isEmpty {
            lines.append("")
            lines.append("share of the funds by district, against its share of the voters and of the population")
            lines.append(Table.render(
                header: ["district", "voters", "population"] + computed.map(ruleName),
                rows: first.districts.indices.map { index in
                    let district = first.districts[index]
                    let name = district.district.map { "\($0)" + (district.name.map { " \($0)" } ?? "") } ?? "no district"
                    return [name, district.voters.percentText, district.population?.percentText ?? "unknown"]
                        + computed.map { $0.metrics!.districts[index].funds.percentText }
                }))
        }
        let categories = Set(computed.flatMap { $0.metrics!.categories.map(\.category) }).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        if !categories.isEmpty {
            lines.append("")
            lines.append("share of the funds by category")
            lines.append(Table.render(
                header: ["category"] + computed.map(ruleName),
                rows: categories.map { category in
                    [category] + computed.map { run in
                        run.metrics!.categories.first { $0.category == category }?.funds.percentText ?? "0.0 %"
                    }
                }))
        }
        lines.append("")
        if comparison.disagreements.isEmpty {
            lines.append(computed.count > 1 ? "every compared rule funds the same projects" : "")
        } else {
            lines.append("projects the rules disagree on (round funded, or -)")
            lines.append(Table.render(
                header: ["project", "title", "cost", "supporters"] + computed.map(ruleName),
                rows: comparison.disagreements.map { project in
                    ["\(project.project)", project.title, project.cost.description, "\(project.supporters)"]
                        + computed.map { run in
                            project.verdicts.first { $0.rule == run.rule }.map { $0.funded ? ($0.round.map(String.init) ?? "yes") : "-" } ?? "?"
                        }
                }))
            lines.append("why:")
            for project in comparison.disagreements {
                lines.append("  #\(project.project) \(project.title)")
                for verdict in project.verdicts { lines.append("    \(verdict.rule.rawValue)\(verdict.rule == ownRule ? "*" : ""): \(verdict.explanation)") }
            }
        }
        lines.append("")
        return lines
    }

    static func list(_ ids: [Int]) -> String { ids.isEmpty ? "-" : ids.map { "#\($0)" }.joined(separator: " ") }

    static func renderWhatIf(_ whatIf: ScopeWhatIf) -> [String] {
        var lines = ["what-if budgets (cycle's rule, \(whatIf.actual.ruleKey))"]
        let actual = whatIf.actual
        lines.append(Table.render(
            header: ["budget", "change", "spent", "funded", "newly funded", "no longer funded"],
            rows: [[Money(centimes: actual.budgetCentimes).description, "actual", Money(centimes: actual.spentCentimes).description, "\(actual.funded.count)", "", ""]]
                + whatIf.variants.map { variant in
                    [variant.budget.description, variant.percent == nil ? "envelope" : variant.label, variant.spent.description,
                     "\(variant.funded.count)", list(variant.gained), list(variant.lost)]
                }))
        lines.append("")
        return lines
    }

    static func reach(_ reach: MarginalProject.Reach, unit: String) -> String {
        switch reach {
        case .found(let value): return "\(value)\(unit)"
        case .notWithinReach(let bound): return "not within reach (> \(bound)\(unit))"
        case .notSearched: return "not searched (rerun limit)"
        }
    }

    static func renderMarginal(_ marginal: ScopeMarginal) -> [String] {
        var lines = ["marginal projects (cycle's rule): what would get each funded"]
        if marginal.projects.isEmpty {
            lines.append("every project with supporters is funded")
        } else {
            lines.append(Table.render(
                header: ["project", "title", "cost", "supporters", "more supporters needed", "or a cost lower by"],
                rows: marginal.projects.map {
                    ["\($0.project)", $0.title, $0.cost.description, "\($0.supporters)", reach($0.supportersNeeded, unit: ""),
                     reach($0.costReductionNeeded, unit: " %")]
                }))
        }
        var note = "\(marginal.reruns) engine run(s) of at most \(marginal.rerunLimit)"
        if marginal.notExamined > 0 { note += "; \(marginal.notExamined) other unfunded project(s) with supporters not examined (--projects)" }
        lines.append(note)
        lines.append("")
        return lines
    }

    // MARK: - JSON

    static func proportion(_ value: Proportion?) -> JSON {
        guard let value else { return .null }
        return .object([
            ("numerator", .number(value.numerator)), ("denominator", .number(value.denominator)),
            ("per_mille", value.perMille.map { .number($0) } ?? .null),
        ])
    }

    static func ids(_ values: [Int]) -> JSON { .array(values.map { .string(String($0)) }) }

    static func reachJSON(_ reach: MarginalProject.Reach) -> JSON {
        switch reach {
        case .found(let value): return .object([("status", .string("found")), ("value", .number(Int64(value)))])
        case .notWithinReach(let bound): return .object([("status", .string("not_within_reach")), ("bound", .number(Int64(bound)))])
        case .notSearched: return .object([("status", .string("not_searched"))])
        }
    }

    static func json(cycle: Cycle, analyses: [ScopeAnalysis]) -> JSON {
        .object([
            ("cycle", .number(Int64(cycle.id))), ("phase", .string(cycle.phase.rawValue)), ("cycle_rule", .string(cycle.rule.rawValue)),
            ("tie_break", .string(cycle.tieBreak.rawValue)), ("ballot_kind", .string(cycle.ballot.kind)),
            ("scopes", .array(analyses.map { analysis in
                let scope = analysis.scope
                return .object([
                    ("district", scope.district.map { .number(Int64($0)) } ?? .null), ("label", .string(scope.label)),
                    ("budget_centimes", .number(scope.budget.centimes)), ("voters", .number(Int64(scope.voters))),
                    ("comparison", analysis.comparison.map(comparisonJSON) ?? .null),
                    ("what_if", analysis.whatIf.map(whatIfJSON) ?? .null),
                    ("marginal", analysis.marginal.map(marginalJSON) ?? .null),
                ])
            })),
        ])
    }

    static func comparisonJSON(_ comparison: ScopeComparison) -> JSON {
        .object([
            ("rules", .array(comparison.runs.map { run in
                let status: (String, String?) = switch run.status {
                case .computed: ("computed", nil)
                case .notApplicable(let reason): ("not_applicable", reason)
                case .tooLarge(let reason): ("too_large", reason)
                }
                var fields: [(String, JSON)] = [
                    ("rule", .string(run.rule.rawValue)), ("engine_key", run.engineKey.isEmpty ? .null : .string(run.engineKey)),
                    ("cycle_rule", .bool(run.isCycleRule)), ("status", .string(status.0)), ("reason", status.1.map { .string($0) } ?? .null),
                ]
                if let result = run.result, let metrics = run.metrics {
                    fields += [
                        ("funded", .array(result.funded.map { .string($0) })),
                        ("spent_centimes", .number(metrics.spent.centimes)),
                        ("voters_with_funded_project", proportion(metrics.votersWithFundedProject)),
                        ("average_funded_cost_share", proportion(metrics.averageFundedCostShare)),
                        ("districts", .array(metrics.districts.map { district in
                            .object([
                                ("district", district.district.map { .number(Int64($0)) } ?? .null),
                                ("name", district.name.map { .string($0) } ?? .null),
                                ("funded_centimes", .number(district.funded.centimes)), ("funds", proportion(district.funds)),
                                ("voters", proportion(district.voters)), ("population", proportion(district.population)),
                            ])
                        })),
                        ("categories", .array(metrics.categories.map { category in
                            .object([
                                ("category", .string(category.category)), ("funded_centimes", .number(category.funded.centimes)),
                                ("funded_projects", .number(Int64(category.fundedProjects))), ("funds", proportion(category.funds)),
                            ])
                        })),
                    ]
                }
                return .object(fields)
            })),
            ("disagreements", .array(comparison.disagreements.map { project in
                .object([
                    ("project", .string(String(project.project))), ("title", .string(project.title)),
                    ("cost_centimes", .number(project.cost.centimes)), ("supporters", .number(Int64(project.supporters))),
                    ("verdicts", .array(project.verdicts.map { verdict in
                        .object([
                            ("rule", .string(verdict.rule.rawValue)), ("funded", .bool(verdict.funded)),
                            ("round", verdict.round.map { .number(Int64($0)) } ?? .null), ("decision", .string(verdict.decision)),
                            ("explanation", .string(verdict.explanation)),
                        ])
                    })),
                ])
            })),
        ])
    }

    static func whatIfJSON(_ whatIf: ScopeWhatIf) -> JSON {
        .object([
            ("rule", .string(whatIf.actual.ruleKey)),
            ("actual", .object([
                ("budget_centimes", .number(whatIf.actual.budgetCentimes)), ("spent_centimes", .number(whatIf.actual.spentCentimes)),
                ("funded", .array(whatIf.actual.funded.map { .string($0) })),
            ])),
            ("variants", .array(whatIf.variants.map { variant in
                .object([
                    ("percent", variant.percent.map { .number(Int64($0)) } ?? .null),
                    ("budget_centimes", .number(variant.budget.centimes)), ("spent_centimes", .number(variant.spent.centimes)),
                    ("funded", ids(variant.funded)), ("gained", ids(variant.gained)), ("lost", ids(variant.lost)),
                ])
            })),
        ])
    }

    static func marginalJSON(_ marginal: ScopeMarginal) -> JSON {
        .object([
            ("reruns", .number(Int64(marginal.reruns))), ("rerun_limit", .number(Int64(marginal.rerunLimit))),
            ("not_examined", .number(Int64(marginal.notExamined))),
            ("projects", .array(marginal.projects.map { project in
                .object([
                    ("project", .string(String(project.project))), ("title", .string(project.title)),
                    ("cost_centimes", .number(project.cost.centimes)),
                    ("supporters", .number(Int64(project.supporters))), ("score", .number(Int64(project.score))),
                    ("more_supporters", reachJSON(project.supportersNeeded)),
                    ("cost_reduction_percent", reachJSON(project.costReductionNeeded)),
                    ("verified", .bool(project.verified)),
                ])
            })),
        ])
    }
}

import ArgumentParser
import Foundation
import MizanCore
import PBEngine

/// `mizan pb compare FILE`: the main rules side by side on one file, to show what choosing a rule
/// changes for voters before a commune commits to one.
struct PBCompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run the main rules on a .pb file and show how their outcomes differ.",
        discussion: """
            Rules: greedy_cost, mes_cost (equal shares, no completion), mes_cost_add1_util (what \
            `--rule mes` runs), phragmen (approval and choose-1 ballots only) and maxwelfare_cost \
            (the optimal knapsack). For each: the money spent, the share of voters with at least \
            one funded project on their ballot, and the average share of the cost of each voter's \
            projects that is funded (voters with an empty ballot are left out of both). Then the \
            projects some rules fund and others do not.

            Examples:
              mizan pb compare Poland_Warszawa_2019_Rembertow.pb
              mizan pb compare Poland_Warszawa_2019_Rembertow.pb --json
            """)

    @Argument(help: ArgumentHelp("The Pabulib file.", valueName: "file.pb")) var file: String
    @Option(name: .customLong("tie"), help: "How ties are broken.") var tie: TieChoice = .lexicographic
    @Flag(help: "Print one JSON object instead of tables.") var json = false
    @OptionGroup var timing: TimingOptions

    static let ruleKeys = ["greedy_cost", "mes_cost", "mes_cost_add1_util", "phragmen", "maxwelfare_cost"]

    func run() async throws {
        try await reportingFailures {
            let election = try timing.measure("read") { try PabulibFile.load(file) }
            let supporters = election.supporterCounts()
            let tieBreaking = tie.tieBreaking(for: election.instance)
            var results: [RuleComparison] = []
            for key in Self.ruleKeys {
                let rule = Rule(key: key)!
                if RuleSelection.refusal(of: rule, for: election) != nil { continue }
                let outcome = timing.measure("rank \(key)") {
                    rule.apply(to: election.instance, profile: election.profile, tieBreaking: tieBreaking)
                }
                let summary = OutcomeSummary(outcome, instance: election.instance, supporters: supporters)
                results.append(RuleComparison(summary, profile: election.profile))
            }
            if json {
                Terminal.line(Self.json(results, election: election).text)
            } else {
                Self.printTables(results, election: election)
            }
        }
    }

    /// Projects funded by some of the rules but not all, in file order.
    static func disputed(_ results: [RuleComparison], count: Int) -> [Int] {
        (0..<count).filter { project in
            let funded = results.filter { $0.summary.fundedRound[project] != nil }.count
            return funded > 0 && funded < results.count
        }
    }

    static func printTables(_ results: [RuleComparison], election: PabulibFile) {
        let instance = election.instance
        let currency = instance.currencySuffix
        Terminal.line("\(election.path): budget \(instance.format(instance.budget))\(currency), \(election.profile.voterCount) voters (\(election.voteTypeWord)), \(instance.projects.count) projects")
        if election.voteType != .approval { Terminal.line("(phragmen left out: it needs approval or choose-1 ballots)") }
        Terminal.line("")
        Terminal.line(Table.render(
            header: ["rule", "funded", "spent", "left", "voters with a funded project", "avg share of their projects' cost funded"],
            rightAligned: [1, 2, 3, 4, 5],
            rows: results.map { result in
                [
                    result.summary.outcome.rule.key, String(result.summary.outcome.selected.count),
                    instance.format(result.summary.outcome.cost), instance.format(result.summary.left),
                    percent(result.votersWithFundedProject), percent(result.averageFundedShare),
                ]
            }))
        let disputed = disputed(results, count: instance.projects.count)
        let agreed = instance.projects.indices.filter { project in
            !results.isEmpty && results.allSatisfy { $0.summary.fundedRound[project] != nil }
        }
        Terminal.line("")
        Terminal.line("funded by every rule: \(agreed.count) project(s)")
        guard !disputed.isEmpty else {
            Terminal.line("every rule funds the same projects")
            return
        }
        Terminal.line("projects the rules disagree on (the round it was funded in, or -):")
        Terminal.line(Table.render(
            header: ["project", "name", "cost", "supporters"] + results.map(\.summary.outcome.rule.key),
            rightAligned: Set(2..<(4 + results.count)),
            rows: disputed.map { project in
                [
                    instance.projects[project].id, PBRankCommand.shortened(instance.projects[project].name, to: 30),
                    instance.format(instance.projects[project].cost), String(results.first?.summary.supporters[project] ?? 0),
                ] + results.map { $0.summary.fundedRound[project].map(String.init) ?? "-" }
            }))
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }

    static func json(_ results: [RuleComparison], election: PabulibFile) -> JSON {
        let instance = election.instance
        return .object([
            ("file", .string(election.path)),
            ("budget", .number(literal: instance.format(instance.budget))),
            ("voters", .int(election.profile.voterCount)),
            ("vote_type", .string(election.voteTypeWord)),
            ("rules", .array(results.map { result in
                .object([
                    ("rule", .string(result.summary.outcome.rule.key)),
                    ("selected", .array(result.summary.selectedIDs.map { .string($0) })),
                    ("cost", .number(literal: instance.format(result.summary.outcome.cost))),
                    ("left", .number(literal: instance.format(result.summary.left))),
                    ("exhaustive", .bool(result.summary.exhaustive)),
                    ("voters_with_funded_project", .number(literal: String(format: "%.6f", result.votersWithFundedProject))),
                    ("average_funded_share", .number(literal: String(format: "%.6f", result.averageFundedShare))),
                ])
            })),
            ("differences", .array(disputed(results, count: instance.projects.count).map { project in
                .object([
                    ("id", .string(instance.projects[project].id)),
                    ("funded_by", .array(results.filter { $0.summary.fundedRound[project] != nil }.map { .string($0.summary.outcome.rule.key) })),
                ])
            })),
        ])
    }
}

/// How one rule's outcome treats voters, for `pb compare`.
struct RuleComparison {
    let summary: OutcomeSummary
    /// Share of voters with a non-empty ballot who support at least one funded project.
    let votersWithFundedProject: Double
    /// Over voters with a non-empty ballot: the funded part of the total cost of the projects
    /// they support, averaged.
    let averageFundedShare: Double

    init(_ summary: OutcomeSummary, profile: Profile) {
        self.summary = summary
        let funded = Set(summary.outcome.selected)
        var voters = 0, satisfied = 0
        var shares = 0.0
        for group in profile.groups where !group.ballot.isEmpty {
            voters += group.count
            var supportedCost = 0, fundedCost = 0, any = false
            for entry in group.ballot.entries {
                let cost = summary.instance.projects[entry.project].cost
                supportedCost += cost
                if funded.contains(entry.project) {
                    fundedCost += cost
                    any = true
                }
            }
            if any { satisfied += group.count }
            // A ballot of free projects only: counted as fully served when one of them is funded.
            let share = supportedCost == 0 ? (any ? 1 : 0) : Double(fundedCost) / Double(supportedCost)
            shares += share * Double(group.count)
        }
        votersWithFundedProject = voters == 0 ? 0 : Double(satisfied) / Double(voters)
        averageFundedShare = voters == 0 ? 0 : shares / Double(voters)
    }
}

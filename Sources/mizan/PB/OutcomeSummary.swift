import Foundation
import PBEngine

/// What one run of a rule means project by project: the facts the table, the JSON and the
/// comparison all show, worked out once from the outcome and its trace.
struct OutcomeSummary {
    let outcome: Outcome
    let instance: Instance
    /// Voters who put each project on their ballot, by project index.
    let supporters: [Int]
    /// The round each funded project was funded in, by project index.
    let fundedRound: [Int: Int]

    init(_ outcome: Outcome, instance: Instance, supporters: [Int]) {
        self.outcome = outcome
        self.instance = instance
        self.supporters = supporters
        var rounds: [Int: Int] = [:]
        for event in outcome.trace where event.kind == .funded || event.kind == .completed || event.kind == .fundedAtShare {
            if let project = event.project, rounds[project] == nil { rounds[project] = event.round }
        }
        // A rule whose trace does not record a project it selected still funded it: number it
        // by its position in the selection.
        for (position, project) in outcome.selected.enumerated() where rounds[project] == nil { rounds[project] = position + 1 }
        fundedRound = rounds
    }

    var left: Int { instance.budget - outcome.cost }

    /// No project left out would still fit in what is left.
    var exhaustive: Bool {
        let chosen = Set(outcome.selected)
        return instance.projects.indices.allSatisfy { chosen.contains($0) || instance.projects[$0].cost > left }
    }

    /// The last round the rule went through (funding or passing over a project).
    var rounds: Int { outcome.trace.map(\.round).max() ?? outcome.selected.count }

    var selectedIDs: [String] { outcome.selected.map { instance.projects[$0].id } }

    /// Equal shares: the budget each voter finally started with, in currency units — above the
    /// budget ÷ voters when the completion raised it.
    var budgetPerVoter: Rational? {
        outcome.budgetPerVoter.map { $0 / Rational(instance.unitsPerCurrencyUnit) }
    }
}

extension Instance {
    /// How many of the instance's integer units make one unit of the currency (10^scale).
    var unitsPerCurrencyUnit: Int {
        var power = 1
        for _ in 0..<scale { power *= 10 }
        return power
    }

    /// An exact amount in the instance's units, shown to the cent for people (never used to decide).
    func approximately(_ amount: Rational) -> String {
        String(format: "%.2f", amount.approximation / Double(unitsPerCurrencyUnit))
    }

    /// The currency named in META, for sentences; empty when the file does not say.
    var currencySuffix: String { metaValue("currency").map { " " + $0 } ?? "" }
}

extension PabulibFile {
    /// Voters who put each project on their ballot (a ballot names a project at most once).
    func supporterCounts() -> [Int] {
        var counts = Array(repeating: 0, count: instance.projects.count)
        for group in profile.groups {
            for entry in group.ballot.entries { counts[entry.project] += group.count }
        }
        return counts
    }
}

/// The cycle's own rule run with another budget, against the actual outcome.
public struct BudgetWhatIf: Sendable {
    /// The change asked for, in whole percent of the actual budget (−20, +10…); nil when an amount
    /// was given instead (a changed district envelope).
    public let percent: Int?
    public let budget: Money
    public let result: TallyResult
    /// Funded project numbers, increasing.
    public let funded: [Int]
    /// Funded here but not in the actual outcome.
    public let gained: [Int]
    /// Funded in the actual outcome but not here.
    public let lost: [Int]

    public var spent: Money { Money(centimes: result.spentCentimes) }
    /// "−10 %", "+20 %", or the amount.
    public var label: String {
        guard let percent else { return budget.description }
        return percent < 0 ? "−\(-percent) %" : "+\(percent) %"
    }
}

/// One scope's actual outcome and its budget variants.
public struct ScopeWhatIf: Sendable {
    public let district: Int?
    public let label: String
    public let budget: Money
    /// The cycle's own rule on the actual budget: what the tally stores.
    public let actual: TallyResult
    public let variants: [BudgetWhatIf]
}

public enum WhatIfAnalysis {
    public static let defaultPercents = [-20, -10, 10, 20]

    /// The budget changed by `percent` %, rounded down to the centime: exact integer arithmetic.
    public static func budget(_ budget: Money, changedBy percent: Int) -> Money {
        Money(centimes: budget.centimes * Int64(100 + percent) / 100)
    }

    /// The cycle's own rule with the scope's budget changed by each of `percents` (each above −100),
    /// plus the given `budgets` (a changed envelope), each against the actual outcome.
    public static func budgets(
        election: AnalysisElection, scope: AnalysisScope, percents: [Int] = defaultPercents, budgets: [Money] = []
    ) -> ScopeWhatIf {
        var engine = ScopeEngine(election: election, scope: scope)
        let rule = engine.cycleRule
        let actual = engine.run(rule)!
        let before = Set(actual.fundedNumbers)
        let changes: [(percent: Int?, budget: Money)] = percents.map { (Optional($0), budget(scope.budget, changedBy: $0)) } + budgets.map { (percent: nil, budget: $0) }
        let variants = changes.map { percent, amount in
            let result = engine.run(rule, budget: amount)!
            let funded = result.fundedNumbers
            return BudgetWhatIf(
                percent: percent, budget: amount, result: result, funded: funded, gained: funded.filter { !before.contains($0) },
                lost: actual.fundedNumbers.filter { !Set(funded).contains($0) })
        }
        return ScopeWhatIf(district: scope.district, label: scope.label, budget: scope.budget, actual: actual, variants: variants)
    }
}

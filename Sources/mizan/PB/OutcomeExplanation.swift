import PBEngine

/// `--explain`: a project's trace events as sentences, so that an auditor can follow why a rule
/// funded a project or passed it over without reading the engine.
extension OutcomeSummary {
    func explanation(of project: Int) -> [String] {
        let item = instance.projects[project]
        let cost = money(item.cost)
        let count = supporters[project]
        let title = item.name.isEmpty ? "Project \(item.id)" : "Project \(item.id) (\(item.name))"
        var lines = ["\(title) costs \(cost) and has \(count) supporter(s); it was \(fundedRound[project].map { "funded in round \($0)" } ?? "not funded") by \(outcome.rule.key)."]

        if case .equalShares = outcome.rule {
            for event in outcome.trace where event.kind == .budgetRaised {
                if let share = event.share {
                    let start = Rational(instance.budget, max(event.supporters, 1))
                    lines.append("Before this outcome the completion raised every voter's share from \(approximate(start)) to \(approximate(share)).")
                }
            }
        }

        let events = outcome.trace.filter { $0.project == project }
        for event in events { lines.append(sentence(for: event, cost: cost)) }
        if events.isEmpty { lines.append(untraced(project, cost: cost)) }
        return lines
    }

    private func sentence(for event: TraceEvent, cost: String) -> String {
        let round = "Round \(event.round): "
        let remaining = money(event.remaining)
        switch event.kind {
        case .funded:
            switch outcome.rule {
            case .equalShares:
                let paid = event.share.map { "paid \(approximate($0)) each, or all they had left if less" } ?? "paid for it"
                return round + "funded; its \(event.supporters) supporter(s) \(paid) (\(remaining) of the budget was left before it)."
            case .phragmen:
                let load = event.share.map { " and their load rose to \(approximate($0))" } ?? ""
                return round + "funded; its \(event.supporters) supporter(s) shared its \(cost)\(load) (\(remaining) was left before it)."
            case .maxWelfare:
                let welfare = outcome.welfare.map { " (total satisfaction \($0))" } ?? ""
                return "Funded: part of the feasible set with the highest total satisfaction\(welfare)."
            case .greedy:
                return round + "funded; \(remaining) was left and it cost \(cost), leaving \(money(event.remaining - instance.projects[event.project!].cost))."
            }
        case .completed:
            return round + "funded by the greedy completion after equal shares: \(remaining) was left and it cost \(cost)."
        case .tooExpensive:
            return round + "passed over because the \(remaining) left could not cover its \(cost)."
        case .unaffordable:
            return round + "its \(event.supporters) supporter(s)' remaining money could not cover its \(cost), so equal shares set it aside."
        case .stopped:
            return round + "the rule stopped here: its \(cost) did not fit in the \(remaining) left, and \(outcome.rule.key) does not skip ahead."
        case .budgetRaised:
            return round + "every voter's share was raised\(event.share.map { " to \(approximate($0))" } ?? "")."
        }
    }

    /// A project the rule never wrote about: why it could not have come up.
    private func untraced(_ project: Int, cost: String) -> String {
        if supporters[project] == 0 { return "No ballot names it, so no rule funds it." }
        if instance.projects[project].cost > instance.budget {
            return "Its \(cost) is more than the whole budget of \(money(instance.budget))."
        }
        if case .maxWelfare = outcome.rule {
            return "Not part of the feasible set with the highest total satisfaction\(outcome.welfare.map { " (\($0))" } ?? "")."
        }
        return "The rule ended before it came up."
    }

    private func money(_ amount: Int) -> String { instance.format(amount) + instance.currencySuffix }

    private func approximate(_ amount: Rational) -> String { "≈ " + instance.approximately(amount) + instance.currencySuffix }
}

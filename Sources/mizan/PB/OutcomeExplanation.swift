import MizanCore
import PBEngine

/// `--explain`: a project's trace events as sentences, so that an auditor can follow why a rule
/// funded a project or passed it over without reading the engine. The words are the English
/// outcome phrases the tally's explanations use (`OutcomePhrases.english`); amounts are in the
/// file's own units and currency.
extension OutcomeSummary {
    func explanation(of project: Int, account: OutcomeAccount? = nil) -> [String] {
        let item = instance.projects[project]
        let cost = money(item.cost)
        let title = item.name.isEmpty ? "Project \(item.id)" : "Project \(item.id) (\(item.name))"
        let verdict = fundedRound[project].map { say("trace_verdict_funded", ["round": "\($0)"]) } ?? say("trace_verdict_not_funded")
        var lines = [
            say("trace_summary", ["title": title, "cost": cost, "votes": "\(supporters[project])", "verdict": verdict, "rule": outcome.rule.key])
        ]

        // Only the equal-shares rules raise the budget per voter.
        do {
            for event in outcome.trace where event.kind == .budgetRaised {
                if let share = event.share {
                    let start = Rational(instance.budget, max(event.supporters, 1))
                    lines.append(say("trace_share_raised_before", ["from": approximate(start), "share": approximate(share)]))
                }
            }
        }

        let events = outcome.trace.filter { $0.project == project }
        for event in events { lines.append(sentence(for: event, cost: cost)) }
        if events.isEmpty { lines.append(untraced(project, cost: cost)) }
        if let account { lines += accountLines(project, account) }
        return lines
    }

    /// The account equalshares.net and Wieliczka publish: effective support, where the money
    /// went, the shares, and greedy compared.
    private func accountLines(_ project: Int, _ account: OutcomeAccount) -> [String] {
        var lines: [String] = []
        if let support = account.effectiveSupport[project] {
            lines.append(say("trace_effective_support", ["percent": String(format: "%.1f %%", support * 100)]))
        }
        if !account.moneyWentTo[project].isEmpty {
            let list = account.moneyWentTo[project].map { transfer -> String in
                let item = instance.projects[transfer.project]
                // Past what an Int holds (a sum over many voters of amounts near the engine's limit)
                // the amount is written in floating point.
                let amount = transfer.amount.rounded()
                let written = amount.magnitude < 9e18 ? instance.format(Int(amount)) : String(format: "%.4g", amount)
                return "project \(item.id) (≈ \(written)\(instance.currencySuffix))"
            }
            lines.append(say("trace_went_to", ["list": list.joined(separator: ", ")]))
        }
        if let before = account.shareBefore, let after = account.shareAfter {
            lines.append(say("trace_shares", ["before": "≈ " + String(format: "%.2f", before) + instance.currencySuffix, "after": "≈ " + String(format: "%.2f", after) + instance.currencySuffix]))
        }
        let voters = Double(max(account.satisfaction.voters, 1))
        lines.append(say("trace_compare_greedy", [
            "share": String(format: "%.1f %%", Double(account.satisfaction.withFunded) * 100 / voters),
            "greedyShare": String(format: "%.1f %%", Double(account.greedySatisfaction.withFunded) * 100 / voters),
            "average": String(format: "%.2f", Double(account.satisfaction.chosenFunded) / voters),
            "greedyAverage": String(format: "%.2f", Double(account.greedySatisfaction.chosenFunded) / voters),
        ]))
        return lines
    }

    private func sentence(for event: TraceEvent, cost: String) -> String {
        let round = say("trace_round", ["round": "\(event.round)"])
        let values = ["remaining": money(event.remaining), "cost": cost, "votes": "\(event.supporters)", "rule": outcome.rule.key]
        switch event.kind {
        case .funded:
            switch outcome.rule {
            case .equalShares, .equalSharesNet:
                let paid = event.share.map { say("trace_paid_share", ["share": approximate($0)]) } ?? say("trace_paid")
                return round + say("trace_funded_equal_shares", values.merging(["paid": paid]) { $1 })
            case .phragmen:
                let load = event.share.map { say("trace_load", ["share": approximate($0)]) } ?? ""
                return round + say("trace_funded_phragmen", values.merging(["load": load]) { $1 })
            case .maxWelfare:
                let welfare = outcome.welfare.map { say("trace_welfare", ["welfare": "\($0)"]) } ?? ""
                return say("trace_funded_max_welfare", ["welfare": welfare])
            case .greedy:
                let left = money(event.remaining - instance.projects[event.project!].cost)
                return round + say("trace_funded_greedy", values.merging(["left": left]) { $1 })
            }
        case .completed: return round + say("trace_completed", values)
        case .tooExpensive: return round + say("trace_too_expensive", values)
        case .unaffordable: return round + say("trace_unaffordable", values)
        case .stopped: return round + say("trace_stopped", values)
        case .ineligible: return say("trace_ineligible", values)
        case .fundedAtShare: return round + say("trace_funded_at_share", values)
        case .budgetRaised:
            return round + say("trace_share_raised", ["share": event.share.map { say("trace_share_raised_to", ["share": approximate($0)]) } ?? ""])
        }
    }

    /// A project the rule never wrote about: why it could not have come up.
    private func untraced(_ project: Int, cost: String) -> String {
        if supporters[project] == 0 { return say("trace_unsupported") }
        if instance.projects[project].cost > instance.budget {
            return say("trace_over_budget", ["cost": cost, "budget": money(instance.budget)])
        }
        if case .maxWelfare = outcome.rule {
            return say("trace_not_max_welfare", ["welfare": outcome.welfare.map { say("trace_welfare_short", ["welfare": "\($0)"]) } ?? ""])
        }
        return say("trace_not_reached")
    }

    private func say(_ key: String, _ values: [String: String] = [:]) -> String { OutcomePhrases.english.phrase(key, values) }

    private func money(_ amount: Int) -> String { instance.format(amount) + instance.currencySuffix }

    private func approximate(_ amount: Rational) -> String { "≈ " + instance.approximately(amount) + instance.currencySuffix }
}

import BigInt

extension Outcome {
    /// The outcome with the next project funded when the money left covers at least `share` of
    /// its cost, as cities that "fund the next project when 80 % of its cost is left" count.
    ///
    /// Which project is next, and with how much money left:
    /// - greedy rules: each project the rule passed over because it did not fit, in the order the
    ///   rule met it, with the money left at that moment. The first one that money covers to
    ///   `share` is funded there and the count ends: the budget is spent, so nothing the rule
    ///   funded after it in the plain run is funded any more;
    /// - every other rule: the unfunded project with the most votes (points for points and ranked
    ///   ballots; ties as `tieBreaking` orders them), with the money the rule left. Only that one
    ///   is looked at.
    /// Projects left out by a threshold are never next.
    func fundingNext(atShare share: Rational, instance: Instance, profile: Profile, tieBreaking: TieBreaking) -> Outcome {
        // The total must still be an amount the engine holds: a project costing more than twice
        // the budget's headroom is never funded this way.
        func covers(_ remaining: Int, _ project: Int) -> Bool {
            let cost = instance.projects[project].cost
            return remaining >= 0 && !instance.budget.addingReportingOverflow(cost).overflow
                && BigInt(remaining) * share.denominator >= share.numerator * BigInt(cost)
        }
        if case .greedy = rule {
            var funded: [Int] = []
            for (position, event) in trace.enumerated() {
                guard let project = event.project else { continue }
                if event.kind == .funded { funded.append(project) }
                guard event.kind == .tooExpensive || event.kind == .stopped, covers(event.remaining, project) else { continue }
                let stretched = TraceEvent(
                    round: event.round, project: project, kind: .fundedAtShare, supporters: event.supporters, remaining: event.remaining)
                return replacing(selected: funded + [project], instance: instance, trace: Array(trace[..<position]) + [stretched])
            }
            return self
        }
        let chosen = Set(selected)
        let tallies = Tallies(instance: instance, profile: profile)
        let candidates = instance.projects.indices.filter { !chosen.contains($0) && exclusions[$0] == nil && tallies.supporters[$0] > 0 }
        let tied = tieBreaking.order(candidates, instance: instance, supporters: tallies.supporters)
        let score: (Int) -> Int128 = { profile.voteType == .approval ? Int128(tallies.supporters[$0]) : tallies.points[$0] }
        let ranked = tied.enumerated().sorted { a, b in
            let (sa, sb) = (score(a.element), score(b.element))
            return sa != sb ? sa > sb : a.offset < b.offset
        }
        guard let next = ranked.first?.element else { return self }
        let remaining = instance.budget - cost
        guard covers(remaining, next) else { return self }
        let round = (trace.map(\.round).max() ?? 0) + 1
        let stretched = TraceEvent(round: round, project: next, kind: .fundedAtShare, supporters: tallies.supporters[next], remaining: remaining)
        return replacing(selected: selected + [next], instance: instance, trace: trace + [stretched])
    }

    /// The same outcome with another selection and trace; everything else kept.
    private func replacing(selected: [Int], instance: Instance, trace: [TraceEvent]) -> Outcome {
        var outcome = Outcome(
            selected: selected, cost: selected.reduce(0) { $0 + instance.projects[$1].cost }, rule: rule, tieBreaking: tieBreaking,
            trace: trace, welfare: welfare)
        outcome.left = left
        outcome.leftDenominator = leftDenominator
        outcome.spendingGroup = spendingGroup
        outcome.budgetPerVoter = budgetPerVoter
        outcome.comparison = comparison
        outcome.exclusions = exclusions
        return outcome
    }
}

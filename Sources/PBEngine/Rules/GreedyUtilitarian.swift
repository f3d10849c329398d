import BigInt

/// Greedy utilitarian welfare: projects ordered by total satisfaction per unit of cost (with cost
/// utilities that is the number of supporters), each funded if it still fits. Ties keep the
/// tie-breaking order, which is applied first.
struct GreedyUtilitarian {
    let utility: Utility
    let skip: Bool

    /// Total satisfaction of a project: cost × supporters, supporters, or points × cost (so that
    /// per unit of cost it is the number of points).
    static func totalSatisfaction(_ project: Int, utility: Utility, instance: Instance, tallies: Tallies) -> BigInt {
        let cost = BigInt(instance.projects[project].cost)
        switch utility {
        case .cost: return BigInt(tallies.supporters[project]) * cost
        case .cardinality: return BigInt(tallies.supporters[project])
        case .points: return BigInt(tallies.points[project]) * cost
        }
    }

    /// Projects best first: tie-breaking order, then stably by satisfaction density.
    static func order(
        _ candidates: [Int], utility: Utility, instance: Instance, tallies: Tallies, tieBreaking: TieBreaking
    ) -> [Int] {
        let tied = tieBreaking.order(
            candidates.sorted { idPrecedes(instance.projects[$0].id, instance.projects[$1].id) }, instance: instance,
            supporters: tallies.supporters)
        // Density as a fraction; zero-cost projects with support come first, unsupported ones last.
        let density = tied.map { project -> (Rational, Bool) in
            let total = totalSatisfaction(project, utility: utility, instance: instance, tallies: tallies)
            let cost = instance.projects[project].cost
            if total == 0 { return (.zero, false) }
            if cost == 0 { return (.zero, true) }
            return (Rational(total, BigInt(cost)), false)
        }
        let positions = Array(tied.indices).sorted { a, b in
            let (da, infiniteA) = density[a], (db, infiniteB) = density[b]
            if infiniteA != infiniteB { return infiniteA }
            if da != db { return db < da }
            return a < b
        }
        return positions.map { tied[$0] }
    }

    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        var selected: [Int] = []
        var trace: [TraceEvent] = []
        var remaining = instance.budget
        let ordered = Self.order(
            Array(instance.projects.indices), utility: utility, instance: instance, tallies: tallies, tieBreaking: tieBreaking)
        for (round, project) in ordered.enumerated() {
            let cost = instance.projects[project].cost
            if cost <= remaining {
                selected.append(project)
                trace.append(TraceEvent(round: round + 1, project: project, kind: .funded, supporters: tallies.supporters[project], remaining: remaining))
                remaining -= cost
            } else {
                trace.append(TraceEvent(
                    round: round + 1, project: project, kind: skip ? .tooExpensive : .stopped,
                    supporters: tallies.supporters[project], remaining: remaining))
                if !skip { break }
            }
        }
        return Outcome(
            selected: selected, cost: instance.budget - remaining, rule: .greedy(utility, skip: skip), tieBreaking: tieBreaking,
            trace: trace, welfare: nil)
    }

    /// Greedy completion of an existing selection by number of supporters (cost utilities), as
    /// used after equal shares.
    static func complete(
        _ selection: [Int], instance: Instance, tallies: Tallies, tieBreaking: TieBreaking, firstRound: Int
    ) -> (selected: [Int], trace: [TraceEvent]) {
        var selected = selection
        var remaining = instance.budget - selection.reduce(0) { $0 + instance.projects[$1].cost }
        var trace: [TraceEvent] = []
        let chosen = Set(selection)
        let candidates = instance.projects.indices.filter { !chosen.contains($0) }
        for (offset, project) in order(candidates, utility: .cost, instance: instance, tallies: tallies, tieBreaking: tieBreaking).enumerated() {
            let cost = instance.projects[project].cost
            if cost <= remaining {
                selected.append(project)
                trace.append(TraceEvent(round: firstRound + offset, project: project, kind: .completed, supporters: tallies.supporters[project], remaining: remaining))
                remaining -= cost
            } else {
                trace.append(TraceEvent(round: firstRound + offset, project: project, kind: .tooExpensive, supporters: tallies.supporters[project], remaining: remaining))
            }
        }
        return (selected, trace)
    }
}

/// The feasible set of projects with the highest total satisfaction: an exact 0/1 knapsack solved
/// by branch and bound. The bound is a fractional relaxation widened by a safety margin, so it can
/// only be too generous (more search), never prune the optimum.
struct MaxWelfare {
    let utility: Utility
    /// Search nodes allowed before giving up; nil searches to the end. Branch and bound is fast
    /// on most elections but exponential when many projects have the same value per cost (every
    /// project with the same number of supporters, under cost utilities), so callers that cannot
    /// wait, such as an analysis run on a live server, set one. A count, not a clock, keeps the
    /// engine deterministic: the same instance always stops at the same place.
    var nodeLimit: Int? = nil

    /// A project's total satisfaction: 128 bits, since a cost times its supporters can exceed 64.
    func value(_ project: Int, _ instance: Instance, _ tallies: Tallies) -> Int128 {
        switch utility {
        case .cost: return Int128(instance.projects[project].cost) * Int128(tallies.supporters[project])
        case .cardinality: return Int128(tallies.supporters[project])
        case .points: return tallies.points[project]
        }
    }

    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        // Without a limit the search always finishes.
        MaxWelfare(utility: utility, nodeLimit: nil).limitedRun(instance, profile, tieBreaking)!
    }

    /// The optimum, or nil when `nodeLimit` search nodes did not suffice to prove one.
    func limitedRun(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome? {
        let tallies = Tallies(instance: instance, profile: profile)
        // Free projects with value are always taken; worthless ones never matter.
        var chosen: [Int] = []
        var items: [(project: Int, cost: Int, value: Int128)] = []
        for project in instance.projects.indices {
            let item = (project, instance.projects[project].cost, value(project, instance, tallies))
            if item.1 == 0 { if item.2 > 0 { chosen.append(project) } } else if item.2 > 0, item.1 <= instance.budget { items.append(item) }
        }
        // Best value per cost first; ties by id so the search is deterministic.
        items.sort { a, b in
            let left = Double(a.value) * Double(b.cost), right = Double(b.value) * Double(a.cost)
            if left != right { return left > right }
            return idPrecedes(instance.projects[a.project].id, instance.projects[b.project].id)
        }
        var best: Int128 = 0
        var bestSet: [Bool] = Array(repeating: false, count: items.count)
        var current: [Bool] = Array(repeating: false, count: items.count)

        func bound(_ index: Int, _ capacity: Int, _ value: Int128) -> Double {
            var total = Double(value), room = Double(capacity)
            var i = index
            while i < items.count {
                let item = items[i]
                if Double(item.cost) <= room {
                    room -= Double(item.cost)
                    total += Double(item.value)
                } else {
                    total += Double(item.value) * room / Double(item.cost)
                    break
                }
                i += 1
            }
            return total * (1 + 1e-9) + 1
        }

        var nodes = 0
        var exhausted = false
        func search(_ index: Int, _ capacity: Int, _ value: Int128) {
            if exhausted { return }
            nodes += 1
            if let nodeLimit, nodes > nodeLimit {
                exhausted = true
                return
            }
            if value > best {
                best = value
                bestSet = current
            }
            guard index < items.count, bound(index, capacity, value) > Double(best) else { return }
            let item = items[index]
            if item.cost <= capacity {
                current[index] = true
                search(index + 1, capacity - item.cost, value + item.value)
                current[index] = false
            }
            search(index + 1, capacity, value)
        }
        search(0, instance.budget, 0)
        if exhausted { return nil }

        let selected = chosen + items.indices.filter { bestSet[$0] }.map { items[$0].project }
        let cost = selected.reduce(0) { $0 + instance.projects[$1].cost }
        let trace = selected.enumerated().map { round, project in
            TraceEvent(round: round + 1, project: project, kind: .funded, supporters: tallies.supporters[project], remaining: instance.budget)
        }
        let welfare = selected.reduce(Int128(0)) { $0 + value($1, instance, tallies) }
        return Outcome(selected: selected, cost: cost, rule: .maxWelfare(utility), tieBreaking: tieBreaking, trace: trace, welfare: welfare)
    }
}

extension Rule {
    /// Runs the rule like `apply`, except that the optimal knapsack gives up and returns nil after
    /// `searchLimit` branch-and-bound nodes instead of searching on; the other rules always finish
    /// in polynomial time and ignore the limit.
    public func apply(to instance: Instance, profile: Profile, tieBreaking: TieBreaking = .lexicographic, searchLimit: Int) -> Outcome? {
        if case .maxWelfare(let utility) = self {
            return MaxWelfare(utility: utility, nodeLimit: searchLimit).limitedRun(instance, profile, tieBreaking)
        }
        return apply(to: instance, profile: profile, tieBreaking: tieBreaking)
    }
}

/// The feasible set of projects with the highest total satisfaction: an exact 0/1 knapsack solved
/// by branch and bound. The bound is a fractional relaxation widened by a safety margin, so it can
/// only be too generous (more search), never prune the optimum.
struct MaxWelfare {
    let utility: Utility

    func value(_ project: Int, _ instance: Instance, _ tallies: Tallies) -> Int {
        switch utility {
        case .cost: return instance.projects[project].cost * tallies.supporters[project]
        case .cardinality: return tallies.supporters[project]
        case .points: return tallies.points[project]
        }
    }

    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        // Free projects with value are always taken; worthless ones never matter.
        var chosen: [Int] = []
        var items: [(project: Int, cost: Int, value: Int)] = []
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
        var best = 0
        var bestSet: [Bool] = Array(repeating: false, count: items.count)
        var current: [Bool] = Array(repeating: false, count: items.count)

        func bound(_ index: Int, _ capacity: Int, _ value: Int) -> Double {
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

        func search(_ index: Int, _ capacity: Int, _ value: Int) {
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

        let selected = chosen + items.indices.filter { bestSet[$0] }.map { items[$0].project }
        let cost = selected.reduce(0) { $0 + instance.projects[$1].cost }
        let trace = selected.enumerated().map { round, project in
            TraceEvent(round: round + 1, project: project, kind: .funded, supporters: tallies.supporters[project], remaining: instance.budget)
        }
        let welfare = selected.reduce(0) { $0 + value($1, instance, tallies) }
        return Outcome(selected: selected, cost: cost, rule: .maxWelfare(utility), tieBreaking: tieBreaking, trace: trace, welfare: welfare)
    }
}

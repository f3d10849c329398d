import BigInt

/// Sequential Phragmén: voters earn money continuously; the first project whose supporters together
/// can pay for it is bought, its cost spread so that all its supporters end with the same load.
/// It stops at the first project that would be bought but does not fit the budget (it does not
/// skip ahead), as pabutools does.
///
/// A voter's load is always the new maximal load of the last funded project they support (or 0),
/// so loads are kept as one exact value per round and each voter only remembers that round: the
/// sum of a project's supporters' loads is then a short sum over rounds.
struct SequentialPhragmen {
    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        let projectCount = instance.projects.count
        var supporterGroups = Array(repeating: [Int](), count: projectCount)
        for (group, entry) in profile.groups.enumerated() {
            for item in Set(entry.ballot.entries.map(\.project)) { supporterGroups[item].append(group) }
        }
        /// The round whose load each voter group carries; -1 for no load yet.
        var loadRound = Array(repeating: -1, count: profile.groups.count)
        var roundLoads: [Rational] = []
        var candidates = Set(instance.projects.indices.filter { instance.projects[$0].cost <= instance.budget })
        var selected: [Int] = []
        var trace: [TraceEvent] = []
        var spent = 0

        while !candidates.isEmpty {
            // nil stands for an infinite load: a project nobody supports.
            var best: Rational?? = .none
            var tied: [Int] = []
            for project in candidates.sorted() {
                let load = newMaximalLoad(
                    project, instance: instance, tallies: tallies, groups: supporterGroups[project], profile: profile,
                    loadRound: loadRound, roundLoads: roundLoads)
                switch best {
                case .none:
                    best = .some(load)
                    tied = [project]
                case .some(let current):
                    if Self.less(load, current) {
                        best = .some(load)
                        tied = [project]
                    } else if load == current {
                        tied.append(project)
                    }
                }
            }
            guard case .some(let minimal) = best else { break }
            let round = selected.count + 1
            if let blocking = tied.first(where: { spent + instance.projects[$0].cost > instance.budget }) {
                trace.append(TraceEvent(
                    round: round, project: blocking, kind: .stopped, supporters: tallies.supporters[blocking],
                    remaining: instance.budget - spent, share: minimal))
                break
            }
            let winner = tieBreaking.order(tied, instance: instance, supporters: tallies.supporters)[0]
            trace.append(TraceEvent(
                round: round, project: winner, kind: .funded, supporters: tallies.supporters[winner],
                remaining: instance.budget - spent, share: minimal))
            if let minimal {
                roundLoads.append(minimal)
                for group in supporterGroups[winner] { loadRound[group] = roundLoads.count - 1 }
            }
            selected.append(winner)
            spent += instance.projects[winner].cost
            candidates.remove(winner)
        }
        return Outcome(
            selected: selected, cost: spent, rule: .phragmen, tieBreaking: tieBreaking, trace: trace, welfare: nil)
    }

    /// (Σ supporters' loads + cost) / supporters, or nil (infinite) without supporters.
    private func newMaximalLoad(
        _ project: Int, instance: Instance, tallies: Tallies, groups: [Int], profile: Profile, loadRound: [Int],
        roundLoads: [Rational]
    ) -> Rational? {
        let supporters = tallies.supporters[project]
        guard supporters > 0 else { return nil }
        var votersPerRound = Array(repeating: 0, count: roundLoads.count)
        for group in groups where loadRound[group] >= 0 {
            votersPerRound[loadRound[group]] += profile.groups[group].count
        }
        var total = Rational(instance.projects[project].cost)
        for (round, voters) in votersPerRound.enumerated() where voters > 0 {
            total = total + roundLoads[round] * voters
        }
        return total / Rational(BigInt(supporters))
    }

    /// Orders loads with nil as +∞.
    private static func less(_ a: Rational?, _ b: Rational?) -> Bool {
        switch (a, b) {
        case (.some(let x), .some(let y)): return x < y
        case (.some, .none): return true
        default: return false
        }
    }
}

import BigInt

/// Sequential Phragmén: voters earn money continuously; the first project whose supporters together
/// can pay for it is bought, its cost spread so that all its supporters end with the same load.
/// It stops at the first project that would be bought but does not fit the budget (it does not
/// skip ahead), as pabutools does; projects nobody supports carry an infinite load, so they come
/// last and, as in pabutools, are bought only while all of them still fit.
///
/// A voter's load is always the new maximal load of the last funded project they support (or 0).
/// Each project keeps the exact sum of its supporters' loads, updated when a funded project's
/// supporters take their new load: the update counts, per project, how many of those voters came
/// from each earlier load, so the exact arithmetic is one step per project and earlier round,
/// not one per voter. Loads and sums are integers over one shared denominator (multiplied by the
/// funded project's supporters each round), so no fraction is ever reduced.
struct SequentialPhragmen {
    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        let projectCount = instance.projects.count
        var supporterGroups = Array(repeating: [Int32](), count: projectCount)
        var ballots: [[Int]] = []
        ballots.reserveCapacity(profile.groups.count)
        for (group, entry) in profile.groups.enumerated() {
            let projects = Array(Set(entry.ballot.entries.map(\.project))).sorted()
            ballots.append(projects)
            for project in projects { supporterGroups[project].append(Int32(group)) }
        }
        /// The round whose load each voter group carries; -1 for no load yet.
        var loadRound = Array(repeating: -1, count: profile.groups.count)
        var denominator = BigInt(1)
        /// Each funded round's load × denominator.
        var roundLoads: [BigInt] = []
        /// Σ of each project's supporters' loads × denominator.
        var loadSum = Array(repeating: BigInt(0), count: projectCount)
        var candidates = instance.projects.indices.filter { instance.projects[$0].cost <= instance.budget }
        var selected: [Int] = []
        var trace: [TraceEvent] = []
        var spent = 0

        while !candidates.isEmpty {
            // The new maximal load of a project is (cost × D + loadSum) / (supporters × D); nil
            // (infinite) for a project nobody supports.
            func numerator(_ project: Int) -> BigInt { BigInt(instance.projects[project].cost) * denominator + loadSum[project] }
            var best: Int?
            var tied: [Int] = []
            for project in candidates {
                guard let leader = best else {
                    best = project
                    tied = [project]
                    continue
                }
                let order = Self.compare(
                    project, leader, numerator: numerator, supporters: tallies.supporters)
                if order < 0 {
                    best = project
                    tied = [project]
                } else if order == 0 {
                    tied.append(project)
                }
            }
            guard let leader = best else { break }
            let supportersOfLeader = tallies.supporters[leader]
            let minimal: Rational? =
                supportersOfLeader == 0 ? nil : Rational(numerator(leader), denominator * BigInt(supportersOfLeader))
            let round = selected.count + 1
            if let blocking = tied.first(where: { instance.projects[$0].cost > instance.budget - spent }) {
                trace.append(TraceEvent(
                    round: round, project: blocking, kind: .stopped, supporters: tallies.supporters[blocking],
                    remaining: instance.budget - spent, share: minimal))
                break
            }
            let winner = tieBreaking.order(tied, instance: instance, supporters: tallies.supporters)[0]
            trace.append(TraceEvent(
                round: round, project: winner, kind: .funded, supporters: tallies.supporters[winner],
                remaining: instance.budget - spent, share: minimal))
            let supporters = tallies.supporters[winner]
            if supporters > 0 {
                // The new load over the new denominator D × supporters is the winner's numerator.
                let newLoad = numerator(winner)
                let factor = BigInt(supporters)
                denominator *= factor
                for index in roundLoads.indices { roundLoads[index] *= factor }
                for index in loadSum.indices where !loadSum[index].isZero { loadSum[index] *= factor }
                roundLoads.append(newLoad)
                let newRound = roundLoads.count - 1
                // For each project, how many of the winner's supporters move from each earlier
                // load (index 0: no load yet).
                let width = newRound + 1
                var moved = Array(repeating: 0, count: projectCount * width)
                for group in supporterGroups[winner] {
                    let previous = loadRound[Int(group)] + 1
                    let count = profile.groups[Int(group)].count
                    for project in ballots[Int(group)] { moved[project * width + previous] += count }
                    loadRound[Int(group)] = newRound
                }
                for project in 0..<projectCount {
                    for previous in 0..<width where moved[project * width + previous] > 0 {
                        let increase = previous == 0 ? newLoad : newLoad - roundLoads[previous - 1]
                        loadSum[project] += increase * BigInt(moved[project * width + previous])
                    }
                }
            }
            selected.append(winner)
            spent += instance.projects[winner].cost
            candidates.removeAll { $0 == winner }
        }
        return Outcome(
            selected: selected, cost: spent, rule: .phragmen, tieBreaking: tieBreaking, trace: trace, welfare: nil)
    }

    /// Compares two projects' new maximal loads (numerator / (supporters × D)), an unsupported
    /// project's being infinite.
    private static func compare(_ a: Int, _ b: Int, numerator: (Int) -> BigInt, supporters: [Int]) -> Int {
        switch (supporters[a], supporters[b]) {
        case (0, 0): return 0
        case (0, _): return 1
        case (_, 0): return -1
        default:
            let left = numerator(a) * BigInt(supporters[b]), right = numerator(b) * BigInt(supporters[a])
            return left < right ? -1 : (left == right ? 0 : 1)
        }
    }
}

import PBEngine

/// Equal shares written the plain way — one exact budget per voter, every affordability
/// recomputed every round, completion rerun for every single increment — to check the engine's
/// shortcuts (wallet classes, lazy affordabilities, skipped increments) against.
enum ReferenceEqualShares {
    static func winners(_ election: GeneratedElection, utility: Utility, completion: Bool) -> Set<String> {
        let instance = election.instance
        let profile = election.profile
        let voters = election.ballots.count
        guard voters > 0 else { return [] }
        // satisfaction[v][p]
        let satisfaction: [[Int]] = election.ballots.map { ballot in
            var row = Array(repeating: 0, count: instance.projects.count)
            for entry in ballot.entries {
                switch utility {
                case .cost: row[entry.project] = instance.projects[entry.project].cost
                case .cardinality: row[entry.project] = 1
                case .points: row[entry.project] = profile.points(entry, of: ballot)
                }
            }
            return row
        }
        let supported = instance.projects.indices.filter { p in satisfaction.contains { $0[p] > 0 } }
        let free = supported.filter { instance.projects[$0].cost == 0 }
        let candidates = supported.filter { instance.projects[$0].cost > 0 }

        func run(_ perVoter: Rational) -> [Int] {
            var budget = Array(repeating: perVoter, count: voters)
            var selected = free
            var remaining = Set(candidates)
            while true {
                var best: (rho: Rational, project: Int)?
                for p in remaining.sorted() {
                    let cost = Rational(instance.projects[p].cost)
                    let payers = (0..<voters).filter { satisfaction[$0][p] > 0 }
                    let money = payers.reduce(Rational.zero) { $0 + budget[$1] }
                    if money < cost {
                        remaining.remove(p)
                        continue
                    }
                    // Poorest first (budget per unit of satisfaction); each who cannot pay the
                    // price that would cover the rest pays everything.
                    let order = payers.sorted { budget[$0] / Rational(satisfaction[$0][p]) < budget[$1] / Rational(satisfaction[$1][p]) }
                    var paid = Rational.zero
                    var weight = order.reduce(0) { $0 + satisfaction[$1][p] }
                    var rho: Rational?
                    for v in order {
                        let price = (cost - paid) / Rational(weight)
                        if price * satisfaction[v][p] <= budget[v] {
                            rho = price
                            break
                        }
                        paid = paid + budget[v]
                        weight -= satisfaction[v][p]
                    }
                    guard let rho else { continue }
                    if best == nil || rho < best!.rho
                        || (rho == best!.rho && instance.projects[p].id.unicodeScalars.lexicographicallyPrecedes(instance.projects[best!.project].id.unicodeScalars))
                    {
                        best = (rho, p)
                    }
                }
                guard let best else { return selected }
                for v in 0..<voters where satisfaction[v][best.project] > 0 {
                    let charge = best.rho * satisfaction[v][best.project]
                    budget[v] = charge < budget[v] ? budget[v] - charge : .zero
                }
                selected.append(best.project)
                remaining.remove(best.project)
            }
        }

        let start = Rational(instance.budget, voters)
        var outcome = run(start)
        if completion {
            var perVoter = start
            while true {
                let cost = outcome.reduce(0) { $0 + instance.projects[$1].cost }
                let exhaustive = candidates.allSatisfy { outcome.contains($0) || cost + instance.projects[$0].cost > instance.budget }
                if exhaustive { break }
                perVoter = perVoter + Rational(1)
                let next = run(perVoter)
                if next.reduce(0, { $0 + instance.projects[$1].cost }) > instance.budget { break }
                outcome = next
            }
        }
        return Set(outcome.map { instance.projects[$0].id })
    }
}

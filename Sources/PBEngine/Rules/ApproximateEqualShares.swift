import BigInt

/// A fast pass of equal shares in floating point whose every decision is checked against a
/// generous error bound.
///
/// Most runs of equal shares never come near a tie: which project is cheapest per unit of
/// satisfaction, and whether supporters can pay for a project, are decided by wide margins. This
/// pass makes those decisions with Doubles and gives up (returns nil) the moment a decision is
/// within its error bound — a tie or a near tie — so the caller reruns the exact solver. A run it
/// completes therefore selects exactly what the exact solver selects; it is only faster.
///
/// Who pays in full and who pays ρ × satisfaction need no such check: the price a project
/// costs its supporters moves continuously as any one supporter crosses that line.
extension EqualSharesProblem {
    /// The run — the projects it funds, in order, with a trace whose shares are approximate — or
    /// nil when a decision was too close to call.
    func solveApproximately(startingBudget: Double, tieBreaking: TieBreaking, tallies: Tallies, horizon: inout ChangeHorizon) -> Run? {
        var ledger = ApproximateLedger(start: startingBudget, groups: profile.groups.count, tracking: horizon.enabled)
        let totalMoney = startingBudget * Double(profile.voterCount)
        var selected = free
        // Last computed affordability and its slope: lower bounds of the current one.
        var lower = Array(repeating: Double.infinity, count: instance.projects.count)
        var lowerSlope = Array(repeating: 0.0, count: instance.projects.count)
        for project in candidates {
            lower[project] = Double(instance.projects[project].cost) / Double(totalSatisfaction[project])
        }
        var open = candidates
        var trace: [TraceEvent] = []
        // Wide: a run at a raised budget may overspend before the caller discards it.
        var spent = free.reduce(Int128(0)) { $0 + Int128(instance.projects[$1].cost) }
        var round = 0
        while !open.isEmpty {
            round += 1
            open.sort { a, b in lower[a] != lower[b] ? lower[a] < lower[b] : a < b }
            var best: ApproximateAffordability?
            var tied: [Int] = []
            var computed: [ApproximateAffordability] = []
            var unaffordable: Set<Int> = []
            for (position, project) in open.enumerated() {
                let cost = Double(instance.projects[project].cost)
                if let leader = best, lower[project] - leader.rho > ApproximateAffordability.margin * (lower[project] + leader.rho + leader.scale) {
                    // This lower bound, and all after it, are clearly above the best.
                    for later in open[position...] {
                        horizon.recordApproximately(gap: lower[later] - leader.rho, slope: lowerSlope[later] - leader.rhoSlope)
                    }
                    break
                }
                let holdings = ledger.holdings(of: supporters[project], uniform: uniformSatisfaction[project], counts: groupCounts)
                let money = ledger.total(of: holdings)
                let gap = money.value - cost
                if abs(gap) <= ApproximateAffordability.margin * (money.value + cost + totalMoney * 1e-3) { return nil }
                horizon.recordApproximately(gap: gap, slope: money.slope)
                if gap < 0 {
                    unaffordable.insert(project)
                    trace.append(TraceEvent(
                        round: round, project: project, kind: .unaffordable, supporters: tallies.supporters[project],
                        remaining: Int(clamping: Int128(instance.budget) - spent)))
                    continue
                }
                let affordability = ledger.affordability(
                    of: project, cost: instance.projects[project].cost, holdings: holdings, horizon: &horizon)
                (lower[project], lowerSlope[project]) = (affordability.rho, affordability.rhoSlope)
                computed.append(affordability)
                if let leader = best {
                    switch affordability.compare(with: leader) {
                    case .less:
                        best = affordability
                        tied = [project]
                    case .greater: break
                    case .equal: tied.append(project)
                    case .unsure: return nil
                    }
                } else {
                    best = affordability
                    tied = [project]
                }
            }
            guard let leader = best else { break }
            let first = tieBreaking.order(tied, instance: instance, supporters: tallies.supporters)[0]
            let winner = computed.first { $0.project == first }!
            for other in computed where other.project != winner.project {
                if tied.contains(other.project) {
                    // Exactly equal, and constant while nobody pays in full: a lasting tie.
                    continue
                }
                horizon.recordApproximately(gap: other.rho - leader.rho, slope: other.rhoSlope - leader.rhoSlope)
            }
            trace.append(TraceEvent(
                round: round, project: winner.project, kind: .funded, supporters: tallies.supporters[winner.project],
                remaining: Int(clamping: Int128(instance.budget) - spent), approximateShare: winner.rho * Double(uniformSatisfaction[winner.project] ?? 1)))
            ledger.pay(winner, supporters: supporters[winner.project], uniform: uniformSatisfaction[winner.project])
            spent += Int128(instance.projects[winner.project].cost)
            selected.append(winner.project)
            unaffordable.insert(winner.project)
            open.removeAll { unaffordable.contains($0) }
        }
        return Run(selected: selected, trace: trace)
    }
}

struct ApproximateAffordability {
    /// Relative error allowed before a decision is left to exact arithmetic: far above what
    /// rounding can accumulate over millions of terms and thousands of rounds (~1e-9).
    static let margin = 1e-7

    let project: Int
    let rho: Double
    let rhoSlope: Double
    /// (cost + paid by those paying in full) / weight: the size the error of ρ scales with.
    let scale: Double
    /// When every supporter clearly pays ρ × satisfaction, ρ is exactly cost / weight, whatever
    /// the wallets hold: then ties can be decided exactly.
    let exact: (cost: Int, weight: Int128)?

    enum Order { case less, greater, equal, unsure }

    func compare(with other: ApproximateAffordability) -> Order {
        let gap = rho - other.rho
        if abs(gap) > Self.margin * (rho + other.rho + scale + other.scale) { return gap < 0 ? .less : .greater }
        guard let mine = exact, let theirs = other.exact else { return .unsure }
        let left = BigInt(mine.cost) * BigInt(theirs.weight), right = BigInt(theirs.cost) * BigInt(mine.weight)
        return left < right ? .less : (left == right ? .equal : .greater)
    }
}

/// `Ledger` in Doubles: wallet classes with their amount and its slope in the starting budget.
struct ApproximateLedger {
    private var values: [Double]
    private var slopes: [Double]
    private var classes: WalletClasses
    private let tracking: Bool

    init(start: Double, groups: Int, tracking: Bool) {
        values = [start, 0]
        slopes = [1, 0]
        classes = WalletClasses(groups: groups)
        self.tracking = tracking
    }

    /// What the holdings' voters have left together, and its slope.
    func total(of holdings: [Holding]) -> (value: Double, slope: Double) {
        var value = 0.0, slope = 0.0
        for holding in holdings {
            value += values[Int(holding.wallet)] * Double(holding.voters)
            slope += slopes[Int(holding.wallet)] * Double(holding.voters)
        }
        return (value, slope)
    }

    /// The supporters' wallets that are not empty, merged by class and satisfaction.
    mutating func holdings(of supporters: [EqualSharesProblem.Support], uniform: Int?, counts: [Int]) -> [Holding] {
        classes.holdings(of: supporters, uniform: uniform, counts: counts)
    }

    /// The project's ρ; its supporters can pay for it (checked by the caller).
    ///
    /// ρ is found as a fixed point rather than by sorting wallets: start from everyone paying
    /// ρ × satisfaction, let those who cannot pay in full, and repeat; ρ only grows and usually
    /// settles in one or two passes.
    mutating func affordability(
        of project: Int, cost exactCost: Int, holdings: [Holding], horizon: inout ChangeHorizon
    ) -> ApproximateAffordability {
        let cost = Double(exactCost)
        let fullWeight = holdings.reduce(0.0) { $0 + Double($1.voters) * Double($1.satisfaction) }
        var rho = cost / fullWeight
        var paid = 0.0, paidSlope = 0.0, weight = fullWeight
        for _ in 0..<holdings.count + 1 {
            var nextPaid = 0.0, nextSlope = 0.0, nextWeight = fullWeight
            for holding in holdings where values[Int(holding.wallet)] < rho * Double(holding.satisfaction) {
                nextPaid += values[Int(holding.wallet)] * Double(holding.voters)
                nextSlope += slopes[Int(holding.wallet)] * Double(holding.voters)
                nextWeight -= Double(holding.voters) * Double(holding.satisfaction)
            }
            let next = (cost - nextPaid) / nextWeight
            (paid, paidSlope, weight) = (nextPaid, nextSlope, nextWeight)
            if next <= rho { break }
            rho = next
        }
        let rhoSlope = -paidSlope / weight
        var clearlyAllPay = paid == 0
        if clearlyAllPay {
            for holding in holdings {
                let amount = values[Int(holding.wallet)], due = rho * Double(holding.satisfaction)
                if amount - due <= ApproximateAffordability.margin * (amount + due) {
                    clearlyAllPay = false
                    break
                }
            }
        }
        if tracking {
            for holding in holdings {
                let satisfaction = Double(holding.satisfaction)
                let amount = values[Int(holding.wallet)]
                let gap = rho * satisfaction - amount
                if abs(gap) <= ApproximateAffordability.margin * (rho * satisfaction + amount) {
                    horizon.recordNearTie()
                } else {
                    horizon.recordApproximately(gap: gap, slope: rhoSlope * satisfaction - slopes[Int(holding.wallet)])
                }
            }
        }
        return ApproximateAffordability(
            project: project, rho: rho, rhoSlope: clearlyAllPay ? 0 : rhoSlope, scale: (cost + paid) / weight,
            exact: clearlyAllPay ? (exactCost, holdings.reduce(Int128(0)) { $0 + Int128($1.voters) * Int128($1.satisfaction) }) : nil)
    }

    /// Charges the supporters: ρ × satisfaction, or all they have when that is less.
    mutating func pay(_ affordability: ApproximateAffordability, supporters: [EqualSharesProblem.Support], uniform: Int?) {
        // With one satisfaction for all, a class's successor sits in the scratch slot (no hashing).
        var successor: [WalletClasses.Key: Int32] = [:]
        var created: [Int32] = []
        defer { for wallet in created { classes.slot[Int(wallet)] = 0 } }
        for supporter in supporters {
            let group = Int(supporter.group)
            let wallet = classes.classOf[group]
            if wallet == WalletClasses.empty { continue }
            let satisfaction = Double(supporter.satisfaction)
            if values[Int(wallet)] < affordability.rho * satisfaction {
                classes.classOf[group] = WalletClasses.empty
                continue
            }
            let key = WalletClasses.key(wallet, supporter.satisfaction)
            if uniform != nil, classes.slot[Int(wallet)] != 0 {
                classes.classOf[group] = classes.slot[Int(wallet)]
                continue
            }
            if uniform == nil, let next = successor[key] {
                classes.classOf[group] = next
                continue
            }
            values.append(values[Int(wallet)] - affordability.rho * satisfaction)
            slopes.append(slopes[Int(wallet)] - affordability.rhoSlope * satisfaction)
            classes.addClass()
            let next = Int32(values.count - 1)
            if uniform != nil {
                classes.slot[Int(wallet)] = next
                created.append(wallet)
            } else {
                successor[key] = next
            }
            classes.classOf[group] = next
        }
    }
}

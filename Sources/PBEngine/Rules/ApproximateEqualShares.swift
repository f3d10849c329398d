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
        var none: ApproximateCheckpoint?
        return solveApproximately(
            startingBudget: startingBudget, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon, checkpoint: &none, step: nil)
    }

    /// The same run, starting from `checkpoint` when it was taken at a budget no larger and less
    /// than its distance below (see `ApproximateCheckpoint`), and leaving in it the state of this
    /// run at the start of its first round whose decisions might change within `step` more per
    /// voter (the completion's next budget is at least `step` higher). With `step` nil, no
    /// checkpoint is read or kept.
    func solveApproximately(
        startingBudget: Double, tieBreaking: TieBreaking, tallies: Tallies, horizon: inout ChangeHorizon,
        checkpoint: inout ApproximateCheckpoint?, step: Double?
    ) -> Run? {
        // A group too large for the count its supports carry, or a satisfaction a Double does not
        // hold exactly, is left to the exact solver.
        guard groupCounts.allSatisfy({ $0 <= Int(Int32.max) }), largestSatisfaction < 1 << 53 else { return nil }
        var ledger = ApproximateLedger(
            start: startingBudget, counts: groupCounts, largest: supporters.reduce(0) { Swift.max($0, $1.count) }, tracking: horizon.enabled)
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
        // Whether the checkpoint still follows this run, round by round.
        var following = false
        if let step, horizon.enabled {
            if var saved = checkpoint, startingBudget >= saved.budget, startingBudget - saved.budget < saved.distance {
                saved.move(to: startingBudget)
                ledger.restore(saved.wallets)
                (selected, trace, spent, round, open) = (saved.selected, saved.trace, saved.spent, saved.round, saved.open)
                (lower, lowerSlope) = (saved.lower, saved.lowerSlope)
                horizon.recordDistance(saved.distance)
                checkpoint = saved
            } else {
                checkpoint = ApproximateCheckpoint(
                    budget: startingBudget, distance: .infinity, wallets: ledger.snapshot(), selected: selected, trace: trace, shareSlopes: [],
                    spent: spent, round: round, open: open, lower: lower, lowerSlope: lowerSlope)
            }
            following = checkpoint!.distance > step
        }
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
                let money = ledger.gather(supporters[project])
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
                    of: project, cost: instance.projects[project].cost, uniform: uniformSatisfaction[project], horizon: &horizon)
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
            ledger.pay(winner, supporters: supporters[winner.project])
            spent += Int128(instance.projects[winner.project].cost)
            selected.append(winner.project)
            unaffordable.insert(winner.project)
            open.removeAll { unaffordable.contains($0) }
            if following, let step {
                // This round's decisions hold for `step` more per voter: the next run can start after it.
                let distance = horizon.isSaturated ? 0 : horizon.approximateDistance ?? .infinity
                following = distance > step
                if following {
                    ledger.pay(winner, supporters: supporters[winner.project], into: &checkpoint!.wallets)
                    checkpoint!.advance(
                        distance: distance, selected: selected, trace: trace,
                        shareSlope: winner.rhoSlope * Double(uniformSatisfaction[winner.project] ?? 1), spent: spent, round: round,
                        open: open, lower: lower, lowerSlope: lowerSlope)
                }
            }
        }
        return Run(selected: selected, trace: trace)
    }
}

/// The state of a run of the fast pass at the start of a round, kept for the run at a larger
/// budget per voter.
///
/// The completion reruns equal shares at budgets a currency unit apart, and with many voters every
/// such run changes somewhere — yet its first rounds, where the most supported projects are priced
/// and most of the reading is done, often decide exactly as before. Within one run every amount is
/// linear in the starting budget until some recorded comparison flips (see `ChangeHorizon`): rounds
/// whose comparisons all hold for `distance` more per voter decide the same at any budget up to
/// that much larger, and leave each wallet at its amount plus its slope times the raise. So the
/// next run starts from this state, moved to its budget, with the horizon those rounds recorded,
/// less the raise; it is the argument by which the completion already skips budgets, applied to a
/// prefix of the rounds instead of the whole run. Every later decision is checked as usual.
struct ApproximateCheckpoint {
    /// The starting budget per voter the state is at.
    private(set) var budget: Double
    /// How much more per voter every decision before `round` stays the same (the horizon after
    /// those rounds, already shortened by its safety margin).
    private(set) var distance: Double
    var wallets: [ApproximateLedger.Wallet]
    private(set) var selected: [Int]
    private(set) var trace: [TraceEvent]
    /// For each funded event of `trace`, in order: the slope of its approximate share.
    private(set) var shareSlopes: [Double]
    private(set) var spent: Int128
    /// Rounds done.
    private(set) var round: Int
    private(set) var open: [Int]
    private(set) var lower: [Double]
    private(set) var lowerSlope: [Double]

    init(
        budget: Double, distance: Double, wallets: [ApproximateLedger.Wallet], selected: [Int], trace: [TraceEvent], shareSlopes: [Double],
        spent: Int128, round: Int, open: [Int], lower: [Double], lowerSlope: [Double]
    ) {
        (self.budget, self.distance, self.wallets, self.selected, self.trace, self.shareSlopes) = (budget, distance, wallets, selected, trace, shareSlopes)
        (self.spent, self.round, self.open, self.lower, self.lowerSlope) = (spent, round, open, lower, lowerSlope)
    }

    /// One more round done (its payment already made on `wallets`).
    mutating func advance(
        distance: Double, selected: [Int], trace: [TraceEvent], shareSlope: Double, spent: Int128, round: Int, open: [Int],
        lower: [Double], lowerSlope: [Double]
    ) {
        (self.distance, self.selected, self.trace, self.spent, self.round, self.open) = (distance, selected, trace, spent, round, open)
        (self.lower, self.lowerSlope) = (lower, lowerSlope)
        shareSlopes.append(shareSlope)
    }

    /// The same state at a budget `raise` per voter higher, less than `distance` above: each amount
    /// moves by its slope (an empty wallet stays empty), and so do the lower bounds, the shares of
    /// the trace and the distance left.
    mutating func move(to newBudget: Double) {
        let raise = newBudget - budget
        guard raise > 0 else { return }
        wallets.withUnsafeMutableBufferPointer { wallets in
            for index in wallets.indices where wallets[index].amount >= 0 {
                wallets[index].amount += wallets[index].slope * raise
            }
        }
        for index in lower.indices where lowerSlope[index] != 0 { lower[index] += lowerSlope[index] * raise }
        var funded = 0
        trace = trace.map { event in
            guard event.kind == .funded, let share = event.approximateShare else { return event }
            defer { funded += 1 }
            let slope = shareSlopes[funded]
            guard slope != 0 else { return event }
            return TraceEvent(
                round: event.round, project: event.project, kind: event.kind, supporters: event.supporters, remaining: event.remaining,
                approximateShare: share + slope * raise)
        }
        // What a run from the first round would record at the new budget: its comparisons' distances
        // less the raise, then shortened by the horizon's margin (here already applied to the whole
        // distance, raise included).
        distance -= raise * (1 - ChangeHorizon.safety)
        budget = newBudget
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

/// `Ledger` in Doubles, one wallet per voter group.
///
/// The exact ledger merges groups into wallet classes because its arithmetic is costly; here an
/// operation on a Double costs less than finding a group's class, and once a few dozen projects
/// are funded nearly every supporter of a project is in a class of its own anyway. A wallet per
/// group, holding its voter count beside its amount, costs one memory access per supporter where
/// classes cost four (class, count, merge slot, amount) scattered over arrays that grew with every
/// payment: with a million voters and a thousand projects that was most of the ranking time.
struct ApproximateLedger {
    /// A group's amount per voter and its slope in the starting budget; `amount` is negative once
    /// the group has paid everything it had (a wallet that paid exactly its amount holds 0 and
    /// still counts as a supporter's, as the exact ledger keeps it).
    ///
    /// The group's voter count is not here but in each of its supports: 16 bytes, four wallets to
    /// a cache line and none across two, where 24 bytes put one read in four across two lines
    /// and made the wallets half as large again for the cache to hold.
    struct Wallet {
        var amount: Double
        var slope: Double
    }

    /// The wallet of a group that paid everything.
    static let emptied = -1.0
    /// Wallets `gather` reads ahead: 1,024 × 16 bytes, half the nearest cache.
    static let blockSize = 1024

    private var wallets: [Wallet]
    /// Scratch: the wallets that are not empty of the project being priced, gathered in a row so
    /// the passes of `affordability` read them in order; `live` of them are in use.
    private var stakes: [Stake]
    private var live = 0
    /// Scratch for `gather` and `pay`: wallets read ahead of the arithmetic on them.
    private var block: [Wallet]
    /// Σ voters × satisfaction over the gathered wallets, their voters, and their smallest
    /// amount and slope.
    private var gatheredWeight = 0.0
    private var gatheredVoters = 0
    private var smallestAmount = 0.0
    private var smallestSlope = 0.0
    private let tracking: Bool

    /// A gathered wallet with its group's voters and satisfaction, as Doubles: the passes of
    /// `affordability` read them many times, and converted once here they are the same values
    /// those passes computed (exact: voters fit in 32 bits, and satisfactions of 2⁵³ or more are
    /// left to the exact solver).
    struct Stake {
        var amount: Double
        var slope: Double
        var voters: Double
        var satisfaction: Double
    }

    /// `largest`: the most supporters any project has.
    init(start: Double, counts: [Int], largest: Int, tracking: Bool) {
        wallets = Array(repeating: Wallet(amount: start, slope: 1), count: counts.count)
        stakes = Array(repeating: Stake(amount: 0, slope: 0, voters: 0, satisfaction: 0), count: largest)
        block = Array(repeating: Wallet(amount: 0, slope: 0), count: Swift.max(1, Swift.min(largest, Self.blockSize)))
        self.tracking = tracking
    }

    /// Copies the supporters' wallets into `block`, a block at a time, by a loop that does nothing
    /// else, and hands each block to `body` (the supporters' positions from start to end).
    @inline(__always)
    private static func readAhead(
        _ supporters: UnsafeBufferPointer<EqualSharesProblem.Support>, from wallets: UnsafeBufferPointer<Wallet>,
        into block: UnsafeMutableBufferPointer<Wallet>, _ body: (_ start: Int, _ end: Int) -> Void
    ) {
        var start = 0
        while start < supporters.count {
            let end = Swift.min(start + block.count, supporters.count)
            for index in start..<end { block[index - start] = wallets[Int(supporters[index].group)] }
            body(start, end)
            start = end
        }
    }

    /// Gathers the supporters' wallets that are not empty; returns what they hold together, and
    /// its slope.
    ///
    /// Reading the wallets is nearly all the work, and each read misses the cache. The processor
    /// overlaps misses only as far ahead as its window of instructions reaches, so the reads are
    /// done in blocks by a loop that does nothing else (a load and a store per supporter: dozens of
    /// reads in flight, where the whole computation per supporter let only a few overlap); a
    /// second loop then works on the block, which is in the nearest cache. Neither loop branches
    /// on what it reads (an empty wallet is written and then overwritten). The sums are those of
    /// one loop over the supporters in order, to the last bit.
    mutating func gather(_ supporters: [EqualSharesProblem.Support]) -> (value: Double, slope: Double) {
        var value = 0.0, slope = 0.0, weight = 0.0, count = 0, voters = 0
        var smallestAmount = Double.infinity, smallestSlope = Double.infinity
        wallets.withUnsafeBufferPointer { wallets in
            stakes.withUnsafeMutableBufferPointer { stakes in
                block.withUnsafeMutableBufferPointer { block in
                    supporters.withUnsafeBufferPointer { supporters in
                        Self.readAhead(supporters, from: wallets, into: block) { start, end in
                            for index in start..<end {
                                let supporter = supporters[index]
                                let wallet = block[index - start]
                                // 1 for a wallet with money (its amount's sign bit is clear), 0 for an empty one.
                                let held = 1 - Int(wallet.amount.bitPattern >> 63)
                                let members = Int(supporter.voters)
                                let satisfaction = Double(supporter.satisfaction)
                                stakes[count] = Stake(
                                    amount: wallet.amount, slope: wallet.slope, voters: Double(members), satisfaction: satisfaction)
                                count += held
                                voters += members * held
                                let counted = Double(members * held)
                                value += wallet.amount * counted
                                slope += wallet.slope * counted
                                weight += counted * satisfaction
                                smallestAmount = Swift.min(smallestAmount, held == 1 ? wallet.amount : .infinity)
                                smallestSlope = Swift.min(smallestSlope, held == 1 ? wallet.slope : .infinity)
                            }
                        }
                    }
                }
            }
        }
        live = count
        gatheredWeight = weight
        gatheredVoters = voters
        self.smallestAmount = smallestAmount
        self.smallestSlope = smallestSlope
        return (value, slope)
    }

    /// The project's ρ, from the wallets `gather` collected; its supporters can pay for it
    /// (checked by the caller).
    ///
    /// ρ is found as a fixed point rather than by sorting wallets: start from everyone paying
    /// ρ × satisfaction, let those who cannot pay in full, and repeat; ρ only grows and usually
    /// settles in one or two passes.
    ///
    /// `uniform`: the satisfaction every supporter has, if it is the same for all. Then the
    /// poorest wallet alone tells whether everyone clearly pays ρ × satisfaction at ρ = cost /
    /// weight; if so, and every wallet's slope is positive, nothing in the passes below can
    /// change ρ or be recorded (a wallet that pays ρ × satisfaction and grows with the budget never
    /// comes nearer to paying in full), and they are skipped. The test is twice as strict as theirs,
    /// so rounding cannot make it pass where they would find a near tie.
    mutating func affordability(of project: Int, cost exactCost: Int, uniform: Int?, horizon: inout ChangeHorizon) -> ApproximateAffordability {
        let cost = Double(exactCost)
        let stakes = self.stakes[..<live]
        let fullWeight = gatheredWeight
        if let uniform, smallestSlope > 0 {
            let rho = cost / fullWeight, due = rho * Double(uniform)
            if smallestAmount - due > 2 * ApproximateAffordability.margin * (smallestAmount + due) {
                return ApproximateAffordability(
                    project: project, rho: rho, rhoSlope: 0, scale: cost / fullWeight,
                    exact: (exactCost, Int128(gatheredVoters) * Int128(uniform)))
            }
        }
        var rho = cost / fullWeight
        var paid = 0.0, paidSlope = 0.0, weight = fullWeight
        for _ in 0..<stakes.count + 1 {
            var nextPaid = 0.0, nextSlope = 0.0, nextWeight = fullWeight
            // Without a branch on which wallets fall short (about as many as not, late in a run, so
            // a branch would be mispredicted often): the others add exactly +0, leaving the sums as
            // the wallets that fall short alone make them.
            for stake in stakes {
                let short: Double = stake.amount < rho * stake.satisfaction ? 1 : 0
                nextPaid += stake.amount * stake.voters * short
                nextSlope += stake.slope * stake.voters * short
                nextWeight -= stake.voters * stake.satisfaction * short
            }
            let next = (cost - nextPaid) / nextWeight
            (paid, paidSlope, weight) = (nextPaid, nextSlope, nextWeight)
            if next <= rho { break }
            rho = next
        }
        let rhoSlope = -paidSlope / weight
        // One pass for two questions about each wallet and ρ × satisfaction: are they too close to
        // call (then ρ is not known to be cost / weight, and the wallet may switch between paying
        // in full and paying ρ × satisfaction at any larger budget), and, if not, how far the
        // budget can grow before they cross. Only the nearest crossing is recorded: the horizon
        // keeps nothing else.
        var nearTie = false, paysInFull = false
        // The nearest crossing so far, as gap and slope: its distance is |gap| / |slope|, compared
        // by cross-multiplying (all four are positive) rather than dividing for every wallet.
        var nearest: (gap: Double, slope: Double)?
        for stake in stakes {
            let satisfaction = stake.satisfaction
            let amount = stake.amount
            let gap = rho * satisfaction - amount
            // A wallet holding exactly nothing pays in full without adding to `paid`.
            if gap > 0 { paysInFull = true }
            if abs(gap) <= ApproximateAffordability.margin * (rho * satisfaction + amount) {
                nearTie = true
                if !tracking { break }
                continue
            }
            guard tracking else { continue }
            let slope = rhoSlope * satisfaction - stake.slope
            guard slope != 0, (gap < 0) != (slope < 0) else { continue }
            if let current = nearest, abs(gap) * abs(current.slope) >= abs(current.gap) * abs(slope) { continue }
            nearest = (gap, slope)
        }
        if let nearest { horizon.recordApproximately(gap: nearest.gap, slope: nearest.slope) }
        if nearTie { horizon.recordNearTie() }
        // With nobody paying in full (and nobody near it), ρ is exactly cost / weight.
        let clearlyAllPay = paid == 0 && !paysInFull && !nearTie
        return ApproximateAffordability(
            project: project, rho: rho, rhoSlope: clearlyAllPay ? 0 : rhoSlope, scale: (cost + paid) / weight,
            exact: clearlyAllPay ? (exactCost, stakes.reduce(Int128(0)) { $0 + Int128($1.voters) * Int128($1.satisfaction) }) : nil)
    }

    /// The wallets, for a checkpoint.
    func snapshot() -> [Wallet] { wallets }

    /// Starts from a checkpoint's wallets.
    mutating func restore(_ saved: [Wallet]) { wallets = saved }

    /// Charges the supporters: ρ × satisfaction, or all they have when that is less.
    mutating func pay(_ affordability: ApproximateAffordability, supporters: [EqualSharesProblem.Support]) {
        Self.charge(affordability, supporters: supporters, wallets: &wallets, block: &block)
    }

    /// The same charge on other wallets (a checkpoint's). The wallets are read in blocks ahead of
    /// the arithmetic, as `gather` reads them (a group supports a project once, so no wallet is
    /// read twice in a block).
    mutating func pay(_ affordability: ApproximateAffordability, supporters: [EqualSharesProblem.Support], into wallets: inout [Wallet]) {
        Self.charge(affordability, supporters: supporters, wallets: &wallets, block: &block)
    }

    private static func charge(
        _ affordability: ApproximateAffordability, supporters: [EqualSharesProblem.Support], wallets: inout [Wallet], block: inout [Wallet]
    ) {
        let rho = affordability.rho, rhoSlope = affordability.rhoSlope
        wallets.withUnsafeMutableBufferPointer { wallets in
            block.withUnsafeMutableBufferPointer { block in
                supporters.withUnsafeBufferPointer { supporters in
                    Self.readAhead(supporters, from: UnsafeBufferPointer(wallets), into: block) { start, end in
                        for index in start..<end {
                            let wallet = block[index - start]
                            if wallet.amount < 0 { continue }
                            let group = Int(supporters[index].group)
                            let satisfaction = Double(supporters[index].satisfaction)
                            if wallet.amount < rho * satisfaction {
                                wallets[group].amount = Self.emptied
                                continue
                            }
                            wallets[group] = Wallet(amount: wallet.amount - rho * satisfaction, slope: wallet.slope - rhoSlope * satisfaction)
                        }
                    }
                }
            }
        }
    }
}

import BigInt

/// The Method of Equal Shares (Peters & Skowron), as pabutools and equalshares.net compute it.
///
/// Every voter starts with an equal share of the budget. In each round the project that can be
/// paid by its supporters at the lowest price per unit of satisfaction (its affordability ρ) is
/// funded: supporters who can pay ρ × their satisfaction do, the others pay all they have left.
/// The rule ends when no remaining project can be paid by its supporters.
///
/// With `completion`, the starting budget per voter is raised one currency unit at a time and the
/// rule rerun, until the outcome is exhaustive or would overspend (then the previous outcome
/// stands). Increments that cannot change the outcome are skipped (see `ChangeHorizon`), so the
/// result is the one a step-by-step rerun gives, without the reruns. `greedyCompletion` then
/// funds what still fits, by number of supporters.
struct EqualShares {
    let utility: Utility
    let completion: Bool
    let greedyCompletion: Bool

    func run(_ instance: Instance, _ profile: Profile, _ tieBreaking: TieBreaking) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        let rule = Rule.equalShares(utility, completion: completion, greedyCompletion: greedyCompletion)
        let problem = EqualSharesProblem(instance: instance, profile: profile, utility: utility)
        let voters = profile.voterCount
        guard voters > 0 else {
            return finish(EqualSharesProblem.Run(selected: problem.free, trace: []), instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
        }
        let start = Rational(BigInt(instance.budget), BigInt(voters))
        guard completion else {
            var horizon = ChangeHorizon(enabled: false)
            let run = problem.solve(startingBudget: BigInt(instance.budget), voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            return finish(run, instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
        }

        // One currency unit per step, in the instance's scaled units.
        var unit = BigInt(1)
        for _ in 0..<instance.scale { unit *= 10 }
        var step = BigInt(0)
        var previous: (run: EqualSharesProblem.Run, perVoter: Rational, numerator: BigInt)?
        // The fast pass's state after the rounds each run shares with the next (see `ApproximateCheckpoint`).
        var checkpoint: ApproximateCheckpoint?
        let unitPerVoter = Double(unit)
        while true {
            let perVoter = start + Rational(step * unit)
            let numerator = BigInt(instance.budget) + step * unit * BigInt(voters)
            var horizon = ChangeHorizon(enabled: true)
            let run: EqualSharesProblem.Run
            if let fast = problem.solveApproximately(
                startingBudget: approximateRatio(numerator, BigInt(voters)), tieBreaking: tieBreaking, tallies: tallies,
                horizon: &horizon, checkpoint: &checkpoint, step: unitPerVoter)
            {
                run = fast
            } else {
                horizon = ChangeHorizon(enabled: true)
                run = problem.solve(startingBudget: numerator, voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            }
            // Wide: a raised budget may select more than any 64-bit amount can hold.
            let wideCost = run.selected.reduce(Int128(0)) { $0 + Int128(instance.projects[$1].cost) }
            if wideCost > Int128(instance.budget) {
                // This budget overspends: the outcome of the last budget that did not stands.
                guard let kept = previous else {
                    return finish(EqualSharesProblem.Run(selected: problem.free, trace: []), instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
                }
                return exactly(kept.numerator, kept.run, voters: voters, problem: problem, start: start, instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
            }
            let cost = Int(wideCost)
            let chosen = Set(run.selected)
            let exhaustive = problem.candidates.allSatisfy { chosen.contains($0) || instance.projects[$0].cost > instance.budget - cost }
            // Exhaustive, or no comparison can ever flip: the outcome is final.
            guard !exhaustive, let next = horizon.nextStep(unit: unit) else {
                return exactly(numerator, run, voters: voters, problem: problem, start: start, instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
            }
            previous = (run, perVoter, numerator)
            // The next step at or beyond the first budget where some comparison could flip.
            step += next
        }
    }

    /// Profiles up to this many distinct ballots get their final run replayed exactly, for exact
    /// shares in the trace and each voter's payment; beyond it the fast pass's trace stands.
    static let exactReplayLimit = 200_000

    /// The final outcome, recomputed in exact arithmetic at the chosen budget for its trace and
    /// payments (the fast pass computes both only approximately).
    private func exactly(
        _ numerator: BigInt, _ chosen: EqualSharesProblem.Run, voters: Int, problem: EqualSharesProblem, start: Rational,
        instance: Instance, tallies: Tallies, tieBreaking: TieBreaking, rule: Rule
    ) -> Outcome {
        var run = chosen
        // A run from the exact solver has its payments already.
        if chosen.left.isEmpty, problem.profile.groups.count <= Self.exactReplayLimit {
            var horizon = ChangeHorizon(enabled: false)
            run = problem.solve(startingBudget: numerator, voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            assert(run.selected == chosen.selected, "the exact replay of equal shares departs from the certified fast pass")
        }
        run.perVoter = Rational(numerator, BigInt(voters))
        return finish(
            run, extra: raised(Rational(numerator, BigInt(voters)), from: start, instance, voters), instance: instance,
            tallies: tallies, tieBreaking: tieBreaking, rule: rule)
    }

    /// The completion's record of the budget per voter the outcome was computed with.
    private func raised(_ perVoter: Rational, from start: Rational, _ instance: Instance, _ voters: Int) -> [TraceEvent] {
        guard perVoter != start else { return [] }
        return [TraceEvent(round: 0, project: nil, kind: .budgetRaised, supporters: voters, remaining: instance.budget, share: perVoter)]
    }

    private func finish(
        _ run: EqualSharesProblem.Run, extra: [TraceEvent] = [], instance: Instance, tallies: Tallies, tieBreaking: TieBreaking,
        rule: Rule
    ) -> Outcome {
        let selection = run.selected, trace = run.trace + extra
        var selected = selection
        var events = trace
        if greedyCompletion {
            let completed = GreedyUtilitarian.complete(
                selection, instance: instance, tallies: tallies, tieBreaking: tieBreaking,
                firstRound: (trace.map(\.round).max() ?? 0) + 1)
            selected = completed.selected
            events += completed.trace
        }
        let cost = selected.reduce(0) { $0 + instance.projects[$1].cost }
        var outcome = Outcome(selected: selected, cost: cost, rule: rule, tieBreaking: tieBreaking, trace: events, welfare: nil)
        outcome.left = run.left
        outcome.leftDenominator = run.denominator
        outcome.budgetPerVoter = run.perVoter
        outcome.spendingGroup = run.spendingGroup
        return outcome
    }
}

/// The fixed part of an equal-shares election: who supports what, with which satisfaction.
struct EqualSharesProblem {
    struct Support {
        let group: Int32
        /// The group's voter count when it fits in 32 bits (else 0, and the floating-point pass
        /// declines): it fills what would be padding, so the floating-point pass reads it with the
        /// support instead of from each wallet, and a wallet fits in 16 bytes.
        let voters: Int32
        let satisfaction: Int
    }

    struct Run {
        let selected: [Int]
        let trace: [TraceEvent]
        /// What is left in each wallet class in use (× `denominator`), and each group's class among them.
        var left: [BigInt] = []
        var denominator = BigInt(1)
        var spendingGroup: [Int32] = []
        var perVoter: Rational = .zero
    }

    let instance: Instance
    let profile: Profile
    /// Supporters of each project (voter groups with positive satisfaction), by the group's
    /// number here (see `number`), in increasing order.
    let supporters: [[Support]]
    /// The number each profile group has here. The rule reads the wallets of a project's
    /// supporters round after round; numbered as the profile has them (in the order ballots were
    /// first seen), a popular project's supporters are spread over all the wallets and nearly every
    /// read misses the cache. Numbered in the order of their ballots' projects, most supported
    /// first (see `localityOrder`), the groups that share a ballot's leading projects sit together.
    let number: [Int32]
    /// The satisfaction every supporter of the project has, when it is the same for all (always
    /// with cost and cardinality utilities): their wallets then merge by class alone.
    let uniformSatisfaction: [Int?]
    /// Σ count × satisfaction over supporters (a cost times a count: 128 bits).
    let totalSatisfaction: [Int128]
    /// The largest satisfaction of any supporter (0 with none).
    let largestSatisfaction: Int
    /// Voters of each profile group.
    let groupCounts: [Int]
    /// Projects the rule considers: supported and not free.
    let candidates: [Int]
    /// Supported projects that cost nothing: funded before anything else.
    let free: [Int]

    /// `fundsFreeProjects`: whether supported projects that cost nothing are funded first
    /// (pabutools) or left to a completion (equalshares.net).
    init(instance: Instance, profile: Profile, utility: Utility, fundsFreeProjects: Bool = true) {
        self.instance = instance
        self.profile = profile
        let order = Self.localityOrder(instance: instance, profile: profile)
        var number = Array(repeating: Int32(0), count: order.count)
        var supporters = Array(repeating: [Support](), count: instance.projects.count)
        // The last group that listed each project: a project listed twice on a ballot counts once.
        var listedBy = Array(repeating: -1, count: instance.projects.count)
        for (position, group) in order.enumerated() {
            number[Int(group)] = Int32(position)
            let item = profile.groups[Int(group)]
            let voters = Int32(exactly: item.count) ?? 0
            for entry in item.ballot.entries where listedBy[entry.project] != position {
                listedBy[entry.project] = position
                let satisfaction = utility.value(of: entry, of: item.ballot, cost: instance.projects[entry.project].cost, in: profile)
                if satisfaction > 0 {
                    supporters[entry.project].append(Support(group: Int32(position), voters: voters, satisfaction: satisfaction))
                }
            }
        }
        self.supporters = supporters
        self.number = number
        let groupCounts = order.map { profile.groups[Int($0)].count }
        self.groupCounts = groupCounts
        uniformSatisfaction = supporters.map { list in
            guard let first = list.first?.satisfaction, list.allSatisfy({ $0.satisfaction == first }) else { return nil }
            return first
        }
        let totals = supporters.map { list in
            list.reduce(Int128(0)) { $0 + Int128(groupCounts[Int($1.group)]) * Int128($1.satisfaction) }
        }
        totalSatisfaction = totals
        largestSatisfaction = supporters.reduce(0) { largest, list in list.reduce(largest) { Swift.max($0, $1.satisfaction) } }
        candidates = instance.projects.indices.filter { totals[$0] > 0 && instance.projects[$0].cost > 0 }
        free = fundsFreeProjects ? instance.projects.indices.filter { totals[$0] > 0 && instance.projects[$0].cost == 0 } : []
    }

    /// The profile's groups ordered by their ballots read as lists of projects, most supported
    /// project first: groups sharing their leading projects come together, so the supporters of
    /// the popular projects — read most often — lie in long runs. Only the first few projects of
    /// each ballot that fit in 64 bits are compared; the order changes no outcome, only where
    /// each group's wallet is kept.
    static func localityOrder(instance: Instance, profile: Profile) -> [Int32] {
        var voters = Array(repeating: 0, count: instance.projects.count)
        for group in profile.groups {
            for entry in group.ballot.entries { voters[entry.project] += group.count }
        }
        var rank = Array(repeating: 0, count: instance.projects.count)
        for (position, project) in instance.projects.indices.sorted(by: { voters[$0] != voters[$1] ? voters[$0] > voters[$1] : $0 < $1 }).enumerated() {
            rank[project] = position
        }
        // 1 + rank per project, so a shorter ballot comes before the longer ones it begins.
        let width = (instance.projects.count + 1).bitWidth - (instance.projects.count + 1).leadingZeroBitCount
        let places = Swift.max(1, 64 / Swift.max(1, width))
        var keyed: [(key: UInt64, group: Int32)] = []
        keyed.reserveCapacity(profile.groups.count)
        var ranks: [Int] = []
        for (index, group) in profile.groups.enumerated() {
            ranks.removeAll(keepingCapacity: true)
            for entry in group.ballot.entries { ranks.append(rank[entry.project]) }
            ranks.sort()
            var key: UInt64 = 0
            for place in 0..<places {
                key = key << UInt64(width) | (place < ranks.count ? UInt64(ranks[place] + 1) : 0)
            }
            keyed.append((key, Int32(index)))
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.group < $1.group }
        return keyed.map(\.group)
    }

    /// One run of equal shares with `startingBudget / voters` per voter. Comparisons are recorded
    /// in `horizon` so the caller knows how far the budget can grow with the same run.
    func solve(startingBudget: BigInt, voters: Int, tieBreaking: TieBreaking, tallies: Tallies, horizon: inout ChangeHorizon) -> Run {
        var ledger = Ledger(
            start: startingBudget, denominator: BigInt(voters), groups: profile.groups.count, tracking: horizon.enabled)
        var selected = free
        var trace: [TraceEvent] = []
        // Wide: a run at a raised budget may overspend before the caller discards it.
        var spent = free.reduce(Int128(0)) { $0 + Int128(instance.projects[$1].cost) }
        // Last computed affordability (value and slope, approximately): a lower bound of the
        // current one, since budgets only shrink.
        var bound: [Int: (value: Double, slope: Double)] = [:]
        for project in candidates {
            bound[project] = (Double(instance.projects[project].cost) / Double(totalSatisfaction[project]), 0)
        }
        var round = 0
        while !bound.isEmpty {
            round += 1
            let order = bound.keys.sorted { a, b in
                let x = bound[a]!.value, y = bound[b]!.value
                return x != y ? x < y : a < b
            }
            var best: (project: Int, affordability: Affordability)?
            var tied: [Int] = []
            var computed: [Affordability] = []
            for (position, project) in order.enumerated() {
                guard
                    let affordability = ledger.affordability(
                        of: project, cost: instance.projects[project].cost, supporters: supporters[project],
                        uniform: uniformSatisfaction[project], counts: groupCounts, horizon: &horizon,
                        unlessAbove: best.map { (bound[project]!.value, $0.affordability.approximate) })
                else {
                    if ledger.lastWasUnaffordable {
                        bound[project] = nil
                        trace.append(TraceEvent(
                            round: round, project: project, kind: .unaffordable, supporters: tallies.supporters[project],
                            remaining: Int(clamping: Int128(instance.budget) - spent)))
                        continue
                    }
                    // This project's lower bound is clearly above the best, and so are those of
                    // all the projects after it: none of them can win this round.
                    let leader = best!.affordability
                    for later in order[position...] where bound[later] != nil {
                        horizon.recordApproximately(
                            gap: bound[later]!.value - leader.approximate, slope: bound[later]!.slope - leader.approximateSlope)
                    }
                    break
                }
                bound[project] = (affordability.approximate, affordability.approximateSlope)
                computed.append(affordability)
                if let current = best {
                    let order = affordability.compare(with: current.affordability)
                    if order < 0 {
                        best = (project, affordability)
                        tied = [project]
                    } else if order == 0 {
                        tied.append(project)
                    }
                } else {
                    best = (project, affordability)
                    tied = [project]
                }
            }
            guard let leader = best?.affordability else { break }
            if horizon.enabled {
                for other in computed where other.project != leader.project { other.recordComparison(with: leader, in: &horizon) }
            }
            let winner = tieBreaking.order(tied, instance: instance, supporters: tallies.supporters)[0]
            let payment = computed.first { $0.project == winner }!
            trace.append(TraceEvent(
                round: round, project: winner, kind: .funded, supporters: tallies.supporters[winner],
                remaining: Int(clamping: Int128(instance.budget) - spent), share: ledger.price(of: payment)))
            ledger.pay(payment, supporters: supporters[winner])
            selected.append(winner)
            spent += Int128(instance.projects[winner].cost)
            bound[winner] = nil
        }
        let left = ledger.amounts(numbering: number)
        return Run(
            selected: selected, trace: trace, left: left.amounts, denominator: ledger.denominator, spendingGroup: left.groupIndex,
            perVoter: Rational(startingBudget, BigInt(voters)))
    }
}

/// A project's affordability in the current round: ρ = numerator / (D × weight), D being the
/// ledger's denominator, with the split of its supporters into those who pay everything they
/// have and those who pay ρ × satisfaction.
struct Affordability {
    let project: Int
    let numerator: BigInt
    /// d(numerator)/dx; zero when not tracking.
    let numeratorSlope: BigInt
    /// Σ voters × satisfaction over the supporters who pay ρ × satisfaction (128 bits: a cost
    /// times a number of voters).
    let weight: Int128
    /// Supporters' wallets, poorest first relative to satisfaction.
    let holdings: [Holding]
    /// Holdings before this index pay everything they have.
    let firstPaying: Int
    let approximate: Double
    let approximateSlope: Double

    /// -1, 0 or 1 as this ρ is below, equal to or above the other's (same round, same ledger).
    func compare(with other: Affordability) -> Int {
        let a = approximate, b = other.approximate
        if abs(a - b) > 1e-9 * max(abs(a), abs(b)) { return a < b ? -1 : 1 }
        let left = numerator * BigInt(other.weight), right = other.numerator * BigInt(weight)
        return left < right ? -1 : (left == right ? 0 : 1)
    }

    func recordComparison(with other: Affordability, in horizon: inout ChangeHorizon) {
        horizon.record(
            gap: numerator * BigInt(other.weight) - other.numerator * BigInt(weight),
            slope: numeratorSlope * BigInt(other.weight) - other.numeratorSlope * BigInt(weight))
    }
}

/// What every voter group has left, exactly.
///
/// Groups that paid the same prices for the same projects hold the same amount, so amounts are
/// kept per wallet class and each group points to its class: the exact arithmetic is done once
/// per class, not once per voter. All amounts share one denominator `D`, so sums and
/// comparisons are integer operations; funding a project multiplies `D` by the paying weight.
struct Ledger {
    private(set) var denominator: BigInt
    /// Amount × D of each class; class 0 holds the starting budget, class 1 is the empty wallet.
    private var values: [BigInt]
    /// d(amount × D)/dx of each class, when tracking.
    private var slopes: [BigInt]
    /// Amounts as Doubles, for ordering only.
    private var approximations: [Double]
    private var classes: WalletClasses
    private let tracking: Bool
    private(set) var lastWasUnaffordable = false

    init(start: BigInt, denominator: BigInt, groups: Int, tracking: Bool) {
        self.denominator = denominator
        self.tracking = tracking
        values = [start, 0]
        slopes = tracking ? [denominator, 0] : []
        approximations = [approximateRatio(start, denominator), 0]
        classes = WalletClasses(groups: groups)
    }

    /// The project's affordability, or nil when its supporters cannot pay for it
    /// (`lastWasUnaffordable`) or when `unlessAbove` (its lower bound, the best so far) shows
    /// clearly that it cannot beat the best.
    mutating func affordability(
        of project: Int, cost: Int, supporters: [EqualSharesProblem.Support], uniform: Int?, counts: [Int],
        horizon: inout ChangeHorizon, unlessAbove: (bound: Double, best: Double)?
    ) -> Affordability? {
        lastWasUnaffordable = false
        var holdings = classes.holdings(of: supporters, uniform: uniform, counts: counts)
        var money = BigInt(0), moneySlope = BigInt(0)
        for holding in holdings {
            money += values[Int(holding.wallet)] * BigInt(holding.voters)
            if tracking { moneySlope += slopes[Int(holding.wallet)] * BigInt(holding.voters) }
        }
        let price = BigInt(cost) * denominator
        horizon.record(gap: money - price, slope: moneySlope)
        if money < price {
            lastWasUnaffordable = true
            return nil
        }
        if let (bound, best) = unlessAbove, bound - best > 1e-9 * max(abs(bound), abs(best)) { return nil }

        // Poorest first relative to satisfaction; exact where the Doubles are too close to tell.
        holdings.sort { a, b in
            let x = approximations[Int(a.wallet)] / Double(a.satisfaction), y = approximations[Int(b.wallet)] / Double(b.satisfaction)
            if abs(x - y) > 1e-9 * max(abs(x), abs(y)) { return x < y }
            let left = values[Int(a.wallet)] * BigInt(b.satisfaction), right = values[Int(b.wallet)] * BigInt(a.satisfaction)
            if left != right { return left < right }
            return (a.wallet, a.satisfaction) < (b.wallet, b.satisfaction)
        }
        var paid = BigInt(0), paidSlope = BigInt(0)
        var weight = holdings.reduce(Int128(0)) { $0 + Int128($1.voters) * Int128($1.satisfaction) }
        var firstPaying = holdings.count
        for (index, holding) in holdings.enumerated() {
            // Can this holding pay ρ × satisfaction, with ρ = (price − paid) / (D × weight)?
            if (price - paid) * BigInt(holding.satisfaction) <= values[Int(holding.wallet)] * BigInt(weight) {
                firstPaying = index
                break
            }
            paid += values[Int(holding.wallet)] * BigInt(holding.voters)
            if tracking { paidSlope += slopes[Int(holding.wallet)] * BigInt(holding.voters) }
            weight -= Int128(holding.voters) * Int128(holding.satisfaction)
        }
        let numerator = price - paid
        if tracking {
            for holding in holdings {
                if horizon.isSaturated { break }
                let satisfaction = BigInt(holding.satisfaction)
                horizon.record(
                    gap: numerator * satisfaction - values[Int(holding.wallet)] * BigInt(weight),
                    slope: -paidSlope * satisfaction - slopes[Int(holding.wallet)] * BigInt(weight))
            }
        }
        let scale = denominator * BigInt(weight)
        return Affordability(
            project: project, numerator: numerator, numeratorSlope: -paidSlope, weight: weight, holdings: holdings,
            firstPaying: firstPaying, approximate: approximateRatio(numerator, scale),
            approximateSlope: tracking ? approximateRatio(-paidSlope, scale) : 0)
    }

    /// What one paying supporter pays when all paying supporters have the same satisfaction;
    /// otherwise ρ, the price per unit of satisfaction.
    func price(of affordability: Affordability) -> Rational {
        let paying = affordability.holdings[affordability.firstPaying...]
        let satisfaction = paying.first.map { first in paying.allSatisfy { $0.satisfaction == first.satisfaction } ? first.satisfaction : 1 } ?? 1
        return Rational(affordability.numerator * BigInt(satisfaction), denominator * BigInt(affordability.weight))
    }

    /// Charges the supporters of a funded project: ρ × satisfaction, or everything for those who
    /// cannot afford it.
    mutating func pay(_ affordability: Affordability, supporters: [EqualSharesProblem.Support]) {
        let paying = affordability.holdings[affordability.firstPaying...]
        // ρ × satisfaction = numerator × (satisfaction / g) / (D × weight / g): the new denominator
        // only needs weight / g, g dividing the weight and every paying satisfaction.
        var common = affordability.weight
        for holding in paying { common = greatestCommonDivisor(common, Int128(holding.satisfaction)) }
        let factor = affordability.weight / common
        if factor != 1 {
            let multiplier = BigInt(factor)
            for index in values.indices { values[index] *= multiplier }
            if tracking { for index in slopes.indices { slopes[index] *= multiplier } }
            denominator *= multiplier
        }
        var successor: [WalletClasses.Key: Int32] = [:]
        for holding in paying {
            let key = WalletClasses.key(holding.wallet, holding.satisfaction)
            let share = BigInt(Int128(holding.satisfaction) / common)
            values.append(values[Int(holding.wallet)] - affordability.numerator * share)
            if tracking { slopes.append(slopes[Int(holding.wallet)] - affordability.numeratorSlope * share) }
            approximations.append(approximateRatio(values[values.count - 1], denominator))
            classes.addClass()
            successor[key] = Int32(values.count - 1)
        }
        let exhausted = Set(affordability.holdings[..<affordability.firstPaying].map { WalletClasses.key($0.wallet, $0.satisfaction) })
        for supporter in supporters {
            let wallet = classes.classOf[Int(supporter.group)]
            if wallet == WalletClasses.empty { continue }
            let key = WalletClasses.key(wallet, supporter.satisfaction)
            if exhausted.contains(key) {
                classes.classOf[Int(supporter.group)] = WalletClasses.empty
            } else if let next = successor[key] {
                classes.classOf[Int(supporter.group)] = next
            }
        }
    }

    /// The amounts left (× D), per class in use, and each profile group's class among them;
    /// `numbering` gives each profile group's number in the ledger.
    func amounts(numbering: [Int32]) -> (amounts: [BigInt], groupIndex: [Int32]) {
        var position: [Int32: Int32] = [:]
        var amounts: [BigInt] = []
        var groupIndex: [Int32] = []
        groupIndex.reserveCapacity(classes.classOf.count)
        for number in numbering {
            let wallet = classes.classOf[Int(number)]
            if let known = position[wallet] {
                groupIndex.append(known)
            } else {
                position[wallet] = Int32(amounts.count)
                groupIndex.append(Int32(amounts.count))
                amounts.append(values[Int(wallet)])
            }
        }
        return (amounts, groupIndex)
    }
}

private func greatestCommonDivisor(_ a: Int128, _ b: Int128) -> Int128 {
    var (x, y) = (abs(a), abs(b))
    while y != 0 { (x, y) = (y, x % y) }
    return x
}

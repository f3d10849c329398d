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
/// stands). Increments that cannot change the outcome are skipped (see `Parametric`), so the
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
            let run = problem.solve(startingBudget: start, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            return finish(run, instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
        }

        // One currency unit per step, in the instance's scaled units.
        var unit = BigInt(1)
        for _ in 0..<instance.scale { unit *= 10 }
        var step = BigInt(0)
        var previous: (run: EqualSharesProblem.Run, perVoter: Rational)?
        while true {
            let perVoter = start + Rational(step * unit)
            var horizon = ChangeHorizon(enabled: true)
            let run = problem.solve(startingBudget: perVoter, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            let cost = run.selected.reduce(0) { $0 + instance.projects[$1].cost }
            if cost > instance.budget {
                // This budget overspends: the outcome of the last budget that did not stands.
                let kept = previous ?? (EqualSharesProblem.Run(selected: problem.free, trace: []), start)
                return finish(
                    kept.run, extra: raised(kept.perVoter, from: start, instance, voters),
                    instance: instance, tallies: tallies, tieBreaking: tieBreaking, rule: rule)
            }
            let chosen = Set(run.selected)
            let exhaustive = problem.candidates.allSatisfy { chosen.contains($0) || cost + instance.projects[$0].cost > instance.budget }
            // Exhaustive, or no comparison can ever flip: the outcome is final.
            guard !exhaustive, let reach = horizon.distance else {
                return finish(
                    run, extra: raised(perVoter, from: start, instance, voters), instance: instance,
                    tallies: tallies, tieBreaking: tieBreaking, rule: rule)
            }
            previous = (run, perVoter)
            // The next step at or beyond the first budget where some comparison could flip.
            let unitsAway = (reach.numerator + reach.denominator * unit - 1) / (reach.denominator * unit)
            step += max(BigInt(1), unitsAway)
        }
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
        outcome.spending = run.spending
        outcome.budgetPerVoter = run.perVoter
        return outcome
    }
}

/// The fixed part of an equal-shares election: who supports what, with which satisfaction.
struct EqualSharesProblem {
    struct Support {
        let group: Int
        let satisfaction: Int
    }

    struct Run {
        let selected: [Int]
        let trace: [TraceEvent]
        /// What one voter of each group paid.
        var spending: [Rational] = []
        var perVoter: Rational = .zero
    }

    let instance: Instance
    let profile: Profile
    /// Supporters of each project (voter groups with positive satisfaction).
    let supporters: [[Support]]
    /// Σ count × satisfaction over supporters.
    let totalSatisfaction: [Int]
    /// Projects the rule considers: supported and not free.
    let candidates: [Int]
    /// Supported projects that cost nothing: funded before anything else.
    let free: [Int]

    init(instance: Instance, profile: Profile, utility: Utility) {
        self.instance = instance
        self.profile = profile
        var supporters = Array(repeating: [Support](), count: instance.projects.count)
        for (group, item) in profile.groups.enumerated() {
            var seen = Set<Int>()
            for entry in item.ballot.entries where seen.insert(entry.project).inserted {
                let satisfaction = utility.value(of: entry, cost: instance.projects[entry.project].cost, in: profile)
                if satisfaction > 0 { supporters[entry.project].append(Support(group: group, satisfaction: satisfaction)) }
            }
        }
        self.supporters = supporters
        let totals = supporters.map { list in list.reduce(0) { $0 + profile.groups[$1.group].count * $1.satisfaction } }
        totalSatisfaction = totals
        candidates = instance.projects.indices.filter { totals[$0] > 0 && instance.projects[$0].cost > 0 }
        free = instance.projects.indices.filter { totals[$0] > 0 && instance.projects[$0].cost == 0 }
    }

    /// One run of equal shares from the given budget per voter. Comparisons are recorded in
    /// `horizon` so the caller knows how far the budget can grow with the same run.
    func solve(startingBudget: Rational, tieBreaking: TieBreaking, tallies: Tallies, horizon: inout ChangeHorizon) -> Run {
        var wallets = Wallets(
            start: Parametric(value: startingBudget, slope: horizon.enabled ? Rational(1) : nil),
            groups: profile.groups.count)
        var selected = free
        var trace: [TraceEvent] = []
        var spent = free.reduce(0) { $0 + instance.projects[$1].cost }
        // Last computed affordability: a lower bound of the current one, since budgets only shrink.
        var bound: [Int: Parametric] = [:]
        for project in candidates {
            bound[project] = .constant(Rational(BigInt(instance.projects[project].cost), BigInt(totalSatisfaction[project])))
        }
        var round = 0
        while !bound.isEmpty {
            round += 1
            let order = bound.keys.sorted { a, b in
                let x = bound[a]!.value, y = bound[b]!.value
                return x != y ? x < y : a < b
            }
            var best: Parametric?
            var tied: [Int] = []
            var computed: [(project: Int, affordability: Affordability)] = []
            for (position, project) in order.enumerated() {
                let cost = Parametric.constant(Rational(instance.projects[project].cost))
                let money = wallets.total(of: supporters[project], profile: profile)
                horizon.record(money, cost)
                if money.value < cost.value {
                    bound[project] = nil
                    trace.append(TraceEvent(
                        round: round, project: project, kind: .unaffordable, supporters: tallies.supporters[project],
                        remaining: instance.budget - spent))
                    continue
                }
                if let best, best.value < bound[project]!.value {
                    // Every project from here on has a lower bound above the best: none can win.
                    for later in order[position...] where bound[later] != nil { horizon.record(bound[later]!, best) }
                    break
                }
                let affordability = wallets.affordability(
                    cost: instance.projects[project].cost, supporters: supporters[project], profile: profile, horizon: &horizon)
                bound[project] = affordability.rho
                computed.append((project, affordability))
                if best == nil || affordability.rho.value < best!.value {
                    best = affordability.rho
                    tied = [project]
                } else if affordability.rho.value == best!.value {
                    tied.append(project)
                }
            }
            guard let best, !tied.isEmpty else { break }
            for item in computed { horizon.record(item.affordability.rho, best) }
            let winner = tieBreaking.order(tied, instance: instance, supporters: tallies.supporters)[0]
            let payment = computed.first { $0.project == winner }!.affordability
            let share = utility(of: winner) * best.value
            trace.append(TraceEvent(
                round: round, project: winner, kind: .funded, supporters: tallies.supporters[winner],
                remaining: instance.budget - spent, share: share))
            wallets.pay(payment, supporters: supporters[winner])
            selected.append(winner)
            spent += instance.projects[winner].cost
            bound[winner] = nil
        }
        return Run(
            selected: selected, trace: trace,
            spending: (0..<profile.groups.count).map { startingBudget - wallets.amount(of: $0) }, perVoter: startingBudget)
    }

    /// What one paying supporter pays per unit of ρ: the cost for cost utilities, else 1.
    private func utility(of project: Int) -> Rational {
        let list = supporters[project]
        guard let first = list.first, list.allSatisfy({ $0.satisfaction == first.satisfaction }) else { return Rational(1) }
        return Rational(first.satisfaction)
    }
}

/// The price per unit of satisfaction at which a project's supporters can pay for it, and who
/// among them cannot afford their part (they pay what they have).
struct Affordability {
    let rho: Parametric
    /// Wallet classes, keyed with the supporter's satisfaction, that pay everything they have.
    let exhausted: Set<WalletKey>
}

struct WalletKey: Hashable {
    let wallet: Int
    let satisfaction: Int
}

/// What each voter group has left. Groups that paid the same prices for the same projects hold
/// the same amount, so amounts are kept per wallet class and groups point to their class: the
/// exact arithmetic is then done once per class instead of once per voter.
struct Wallets {
    /// Amount of each class; class 0 is the starting budget, class 1 the empty wallet.
    private var amounts: [Parametric]
    private var classOf: [Int]
    private static let empty = 1

    init(start: Parametric, groups: Int) {
        amounts = [start, .zero]
        classOf = Array(repeating: 0, count: groups)
    }

    /// Supporters' wallets merged by class and satisfaction, with their voter counts.
    private func holdings(of supporters: [EqualSharesProblem.Support], profile: Profile) -> [WalletKey: Int] {
        var weights: [WalletKey: Int] = [:]
        for supporter in supporters where classOf[supporter.group] != Self.empty {
            weights[WalletKey(wallet: classOf[supporter.group], satisfaction: supporter.satisfaction), default: 0] +=
                profile.groups[supporter.group].count
        }
        return weights
    }

    /// What one voter of the group has left.
    func amount(of group: Int) -> Rational { amounts[classOf[group]].value }

    func total(of supporters: [EqualSharesProblem.Support], profile: Profile) -> Parametric {
        var byClass: [Int: Int] = [:]
        for supporter in supporters where classOf[supporter.group] != Self.empty {
            byClass[classOf[supporter.group], default: 0] += profile.groups[supporter.group].count
        }
        return byClass.sorted { $0.key < $1.key }.reduce(Parametric.zero) { $0 + amounts[$1.key] * $1.value }
    }

    /// The smallest ρ with Σ min(amount, ρ × satisfaction) = cost over the supporters; the
    /// project must be affordable.
    func affordability(
        cost: Int, supporters: [EqualSharesProblem.Support], profile: Profile, horizon: inout ChangeHorizon
    ) -> Affordability {
        let weights = holdings(of: supporters, profile: profile)
        // Poorest first relative to satisfaction: amount / satisfaction ascending.
        let ordered = weights.keys.sorted { a, b in
            let left = amounts[a.wallet].value * b.satisfaction, right = amounts[b.wallet].value * a.satisfaction
            return left != right ? left < right : (a.wallet, a.satisfaction) < (b.wallet, b.satisfaction)
        }
        var paid = Parametric.zero
        var denominator = weights.reduce(0) { $0 + $1.key.satisfaction * $1.value }
        let price = Parametric.constant(Rational(cost))
        var rho = Parametric.zero
        var firstRich = ordered.count
        for (index, key) in ordered.enumerated() {
            rho = (price - paid) / denominator
            if (rho * key.satisfaction).value <= amounts[key.wallet].value {
                firstRich = index
                break
            }
            paid = paid + amounts[key.wallet] * weights[key]!
            denominator -= key.satisfaction * weights[key]!
        }
        if horizon.enabled {
            for key in ordered { horizon.record(rho * key.satisfaction, amounts[key.wallet]) }
        }
        return Affordability(rho: rho, exhausted: Set(ordered[..<firstRich]))
    }

    /// Charges the supporters of a funded project: ρ × satisfaction, or everything for those who
    /// cannot afford it.
    mutating func pay(_ affordability: Affordability, supporters: [EqualSharesProblem.Support]) {
        var successor: [WalletKey: Int] = [:]
        for supporter in supporters where classOf[supporter.group] != Self.empty {
            let key = WalletKey(wallet: classOf[supporter.group], satisfaction: supporter.satisfaction)
            if affordability.exhausted.contains(key) {
                classOf[supporter.group] = Self.empty
                continue
            }
            if let next = successor[key] {
                classOf[supporter.group] = next
            } else {
                amounts.append(amounts[key.wallet] - affordability.rho * key.satisfaction)
                successor[key] = amounts.count - 1
                classOf[supporter.group] = amounts.count - 1
            }
        }
    }
}

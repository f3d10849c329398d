import BigInt

/// How equalshares.net's compute tool runs the Method of Equal Shares: the procedure the cities
/// that use the method published their results with (Wieliczka, Świecie, Assen…).
///
/// It differs from pabutools' add-one completion (`Rule.equalShares`), which stays as it is:
/// - the per-voter budget may start at a whole number of currency units (`integral`) and grows by
///   `increment` whole units per step;
/// - the raising goes on until the next step would overspend, unless `stopsWhenExhaustive`
///   (the tool's "stop when exhaustive" box) ends it at the first exhaustive outcome;
/// - when the whole ballot fits the budget, the budget is not raised at all;
/// - projects that cost nothing are never bought by the method itself, only by a completion;
/// - the utilitarian completion and the greedy outcome order projects by supporters alone, ties in
///   the tool's project order;
/// - an optional comparison keeps the greedy outcome when more voters prefer it.
/// Satisfaction is the project's cost (`mes_cost`); ballots are read as approvals.
public struct EqualSharesNetOptions: Sendable, Hashable {
    /// The tool's completion methods; `e` stops raising at the first exhaustive outcome, `u` adds
    /// the utilitarian completion.
    public enum Completion: String, Sendable, CaseIterable {
        case none, utilitarian, add1, add1e, add1u, add1eu

        public var raisesBudget: Bool { self != .none && self != .utilitarian }
        public var stopsWhenExhaustive: Bool { self == .add1e || self == .add1eu }
        public var completesUtilitarian: Bool { self == .utilitarian || self == .add1u || self == .add1eu }
    }

    /// The comparison step: by the number of a voter's approved projects funded
    /// (`satisfaction`), or by whether at least one is (`exclusionRatio`).
    public enum Comparison: String, Sendable, CaseIterable {
        case none, satisfaction, exclusionRatio
    }

    public var completion: Completion
    /// Start from ⌊budget / voters⌋ whole units per voter instead of budget / voters.
    public var integral: Bool
    /// Whole currency units added to every voter's budget at each step (at least 1).
    public var increment: Int
    public var comparison: Comparison
    /// Criteria for ties, in order; what remains tied goes by the tool's project order.
    public var tieBreaking: [TieCriterion]

    public init(
        completion: Completion = .add1, integral: Bool = false, increment: Int = 1, comparison: Comparison = .none,
        tieBreaking: [TieCriterion] = []
    ) {
        self.completion = completion
        self.integral = integral
        self.increment = max(1, increment)
        self.comparison = comparison
        self.tieBreaking = tieBreaking
    }

    /// `equalshares/COMPLETION`, then the options that differ from the defaults as
    /// `?integral&increment=N&comparison=M&tie=A,B`; e.g. `equalshares/add1u?integral&comparison=satisfaction`.
    public var key: String {
        var options: [String] = []
        if integral { options.append("integral") }
        if increment != 1 { options.append("increment=\(increment)") }
        if comparison != .none { options.append("comparison=\(comparison.rawValue)") }
        if !tieBreaking.isEmpty { options.append("tie=" + tieBreaking.map(\.rawValue).joined(separator: ",")) }
        return "equalshares/\(completion.rawValue)" + (options.isEmpty ? "" : "?" + options.joined(separator: "&"))
    }

    /// Reads `key`'s form; nil for anything else.
    public init?(key: String) {
        guard key.hasPrefix("equalshares/") else { return nil }
        let parts = key.dropFirst("equalshares/".count).split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let completion = Completion(rawValue: String(parts[0])) else { return nil }
        self.init(completion: completion)
        guard parts.count == 2 else { return }
        for option in parts[1].split(separator: "&", omittingEmptySubsequences: false) {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (pair.first, pair.count) {
            case ("integral", 1): integral = true
            case ("increment", 2):
                guard let value = Int(pair[1]), value >= 1 else { return nil }
                increment = value
            case ("comparison", 2):
                guard let value = Comparison(rawValue: pair[1]) else { return nil }
                comparison = value
            case ("tie", 2):
                var list: [TieCriterion] = []
                for name in pair[1].split(separator: ",") {
                    guard let criterion = TieCriterion(rawValue: String(name)), !list.contains(criterion) else { return nil }
                    list.append(criterion)
                }
                tieBreaking = list
            default: return nil
            }
        }
    }
}

/// Runs `EqualSharesNetOptions` on an instance.
struct EqualSharesNet {
    let options: EqualSharesNetOptions

    func run(_ instance: Instance, _ profile: Profile) -> Outcome {
        let tallies = Tallies(instance: instance, profile: profile)
        let tieBreaking = TieBreaking.criteria(options.tieBreaking)
        let problem = EqualSharesProblem(instance: instance, profile: profile, utility: .cost, fundsFreeProjects: false)
        let voters = profile.voterCount
        var run = EqualSharesProblem.Run(selected: [], trace: [])
        var total = BigInt(instance.budget)
        if voters > 0 {
            let everythingFits = instance.projects.reduce(Int128(0)) { $0 + Int128($1.cost) } <= Int128(instance.budget)
            if options.completion.raisesBudget, !everythingFits {
                (run, total) = raise(problem, instance: instance, voters: voters, tieBreaking: tieBreaking, tallies: tallies)
            } else {
                var horizon = ChangeHorizon(enabled: false)
                run = problem.solve(startingBudget: total, voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
            }
        }
        var selected = run.selected
        var trace = run.trace
        if total != BigInt(instance.budget) {
            trace.append(TraceEvent(
                round: 0, project: nil, kind: .budgetRaised, supporters: voters, remaining: instance.budget,
                share: Rational(total, BigInt(voters))))
        }
        if options.completion.completesUtilitarian {
            let completed = Self.utilitarian(from: selected, instance: instance, tallies: tallies, firstRound: (trace.map(\.round).max() ?? 0) + 1)
            selected = completed.selected
            trace += completed.trace
        }
        var comparison: GreedyComparison?
        if options.comparison != .none {
            let greedy = Self.utilitarian(from: [], instance: instance, tallies: tallies, firstRound: 1)
            let counts = Self.preferences(selected, greedy.selected, measure: options.comparison, instance: instance, profile: profile)
            comparison = GreedyComparison(
                measure: options.comparison, prefersEqualShares: counts.equalShares, prefersGreedy: counts.greedy,
                equalSharesSelection: selected, greedySelection: greedy.selected)
            if counts.greedy > counts.equalShares {
                selected = greedy.selected
                trace = greedy.trace
            }
        }
        let cost = selected.reduce(0) { $0 + instance.projects[$1].cost }
        var outcome = Outcome(
            selected: selected, cost: cost, rule: .equalSharesNet(options), tieBreaking: tieBreaking, trace: trace, welfare: nil)
        if voters > 0, comparison?.keptGreedy != true {
            outcome.left = run.left
            outcome.leftDenominator = run.denominator
            outcome.spendingGroup = run.spendingGroup
            outcome.budgetPerVoter = Rational(total, BigInt(voters))
        }
        outcome.comparison = comparison
        return outcome
    }

    /// Raises the total budget by `voters × increment` units per step while the outcome stays
    /// within the budget, as the tool's Add1 loop does, and returns the last run that did with the
    /// total budget the tool ends on. Steps that cannot change the run are skipped (see
    /// `ChangeHorizon`): their outcome is the one already computed.
    private func raise(
        _ problem: EqualSharesProblem, instance: Instance, voters: Int, tieBreaking: TieBreaking, tallies: Tallies
    ) -> (EqualSharesProblem.Run, BigInt) {
        var currency = BigInt(1)
        for _ in 0..<instance.scale { currency *= 10 }
        let budget = BigInt(instance.budget)
        let start = options.integral ? budget / (BigInt(voters) * currency) * BigInt(voters) * currency : budget
        let unit = BigInt(options.increment) * currency
        func solve(_ total: BigInt, _ horizon: inout ChangeHorizon) -> EqualSharesProblem.Run {
            // The fast pass serves only when it also bounds the next change: a near tie it could not
            // place would make every following step a single increment, which on large budgets
            // never ends; the exact run places it.
            if let fast = problem.solveApproximately(
                startingBudget: approximateRatio(total, BigInt(voters)), tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon),
                !horizon.isSaturated
            {
                return fast
            }
            horizon = ChangeHorizon(enabled: true)
            return problem.solve(startingBudget: total, voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &horizon)
        }
        func cost(_ run: EqualSharesProblem.Run) -> Int128 { run.selected.reduce(Int128(0)) { $0 + Int128(instance.projects[$1].cost) } }

        var step = BigInt(0)
        var horizon = ChangeHorizon(enabled: true)
        var accepted = solve(start, &horizon)
        var acceptedStep = step
        while true {
            let spent = cost(accepted)
            if options.completion.stopsWhenExhaustive {
                let chosen = Set(accepted.selected)
                let exhaustive = instance.projects.indices.allSatisfy {
                    chosen.contains($0) || Int128(instance.projects[$0].cost) > Int128(instance.budget) - spent
                }
                if exhaustive { break }
            }
            // Once the method buys every project it can consider, raising the budget buys nothing
            // more: the tool would raise it forever; the outcome is final.
            if accepted.selected.count == problem.candidates.count { break }
            // Every step before `next` gives the same run, within the budget: the tool accepts
            // each of them, so the last one it accepts is the step before the first change.
            guard let next = horizon.nextStep(unit: unit) else { break }
            var candidateHorizon = ChangeHorizon(enabled: true)
            let candidate = solve(start + (step + next) * BigInt(voters) * unit, &candidateHorizon)
            if cost(candidate) > Int128(instance.budget) {
                acceptedStep = step + next - 1
                break
            }
            step += next
            accepted = candidate
            acceptedStep = step
            horizon = candidateHorizon
        }
        let total = start + acceptedStep * BigInt(voters) * unit
        // The chosen run, replayed exactly at the budget the tool ends on, for its trace and payments.
        var exact = ChangeHorizon(enabled: false)
        let replay = problem.solve(startingBudget: total, voters: voters, tieBreaking: tieBreaking, tallies: tallies, horizon: &exact)
        return (replay.selected == accepted.selected ? replay : accepted, total)
    }

    /// The tool's utilitarian completion: from `selection`, every other project by number of
    /// supporters (ties in the tool's project order) that still fits.
    static func utilitarian(from selection: [Int], instance: Instance, tallies: Tallies, firstRound: Int) -> (selected: [Int], trace: [TraceEvent]) {
        let position = TieCriterion.toolOrder(instance)
        let chosen = Set(selection)
        let order = instance.projects.indices.filter { !chosen.contains($0) }.sorted { a, b in
            tallies.supporters[a] != tallies.supporters[b] ? tallies.supporters[a] > tallies.supporters[b] : position[a] < position[b]
        }
        var selected = selection
        var remaining = instance.budget - selection.reduce(0) { $0 + instance.projects[$1].cost }
        var trace: [TraceEvent] = []
        for (offset, project) in order.enumerated() {
            let cost = instance.projects[project].cost
            let kind: TraceEvent.Kind = cost <= remaining ? .completed : .tooExpensive
            trace.append(TraceEvent(round: firstRound + offset, project: project, kind: kind, supporters: tallies.supporters[project], remaining: remaining))
            if kind == .completed {
                selected.append(project)
                remaining -= cost
            }
        }
        return (selected, trace)
    }

    /// Voters who prefer each outcome, counted as the tool counts them. By `satisfaction`, only
    /// voters with at least one approved project funded in both outcomes are compared (the tool
    /// compares per-voter counts that are undefined, so neither larger nor smaller, for a voter
    /// with none); by `exclusionRatio`, a voter prefers the outcome that funds one of their
    /// projects when the other funds none.
    static func preferences(
        _ equalShares: [Int], _ greedy: [Int], measure: EqualSharesNetOptions.Comparison, instance: Instance, profile: Profile
    ) -> (equalShares: Int, greedy: Int) {
        let inEqualShares = Set(equalShares), inGreedy = Set(greedy)
        var prefersEqualShares = 0, prefersGreedy = 0
        for group in profile.groups {
            var mine = 0, theirs = 0
            for entry in Set(group.ballot.entries.map(\.project)) {
                if inEqualShares.contains(entry) { mine += 1 }
                if inGreedy.contains(entry) { theirs += 1 }
            }
            switch measure {
            case .none: break
            case .satisfaction:
                guard mine > 0, theirs > 0 else { continue }
                if mine > theirs { prefersEqualShares += group.count } else if theirs > mine { prefersGreedy += group.count }
            case .exclusionRatio:
                if mine > 0, theirs == 0 { prefersEqualShares += group.count } else if theirs > 0, mine == 0 { prefersGreedy += group.count }
            }
        }
        return (prefersEqualShares, prefersGreedy)
    }
}

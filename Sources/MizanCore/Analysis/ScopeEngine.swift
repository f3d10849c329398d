import PBEngine

/// Runs the engine on one scope again and again with small changes — another rule, budget or
/// cost, or a few more ballots — without rebuilding what stays the same. Every run goes through
/// `TallyComputation`, so an unchanged run is exactly the stored tally.
struct ScopeEngine {
    let election: AnalysisElection
    let scope: AnalysisScope
    /// The scope's projects in the instance's order (by number).
    let inputs: [TallyProjectInput]
    /// The scope's ballots as the engine takes them.
    let base: Profile
    let voteType: VoteType
    /// Engine runs made so far, for the work limits of the searches.
    private(set) var runs = 0
    /// `base` as one ballot per voter, kept once built: runs with extra ballots rebuild the
    /// profile from it (a `Profile` merges identical ballots itself).
    private var expanded: [PBEngine.Ballot]?

    init(election: AnalysisElection, scope: AnalysisScope) {
        self.election = election
        self.scope = scope
        inputs = scope.projects.map { TallyProjectInput(id: $0.id, cost: $0.cost, title: $0.title) }
        voteType = EngineSettings.voteType(for: election.ballot)
        let maxLength: Int? = if case .ranked(let depth) = election.ballot { depth } else { nil }
        base = TallyComputation.profile(
            groups: scope.groups, instance: TallyComputation.instance(projects: inputs, budget: scope.budget), voteType: voteType,
            maxLength: maxLength)
    }

    /// The engine rule of the cycle's own winner rule for its ballot kind.
    var cycleRule: Rule { EngineSettings.rule(for: election.rule, ballot: election.ballot, options: election.options) }

    /// One run. `costs` replaces some projects' costs; `extra` adds `count` ballots that support
    /// only project `project`, in the strongest single-project form the ballot kind has (see
    /// `supportBallot`). Returns nil only when `searchLimit` stopped the optimal knapsack.
    mutating func run(
        _ rule: Rule, budget: Money? = nil, costs: [Int: Money] = [:], extra: (project: Int, count: Int)? = nil, searchLimit: Int? = nil
    ) -> TallyResult? {
        runs += 1
        let projects = costs.isEmpty ? inputs : inputs.map { input in
            costs[input.id].map { TallyProjectInput(id: input.id, cost: $0, title: input.title) } ?? input
        }
        let instance = TallyComputation.instance(projects: projects, budget: budget ?? scope.budget)
        var profile = base
        if let extra, extra.count > 0, let position = inputs.firstIndex(where: { $0.id == extra.project }) {
            if expanded == nil {
                var ballots: [PBEngine.Ballot] = []
                ballots.reserveCapacity(base.voterCount)
                for group in base.groups { ballots.append(contentsOf: repeatElement(group.ballot, count: group.count)) }
                expanded = ballots
            }
            var ballots = expanded!
            ballots.append(contentsOf: repeatElement(supportBallot(position), count: extra.count))
            profile = Profile(voteType: voteType, ballots: ballots, maxLength: base.maxLength)
        }
        let tieBreaking = EngineSettings.tieBreaking(election.tieBreak, projectIDs: instance.projects.map(\.id))
        let outcome: Outcome?
        if let searchLimit {
            outcome = rule.apply(to: instance, profile: profile, tieBreaking: tieBreaking, searchLimit: searchLimit)
        } else {
            outcome = rule.apply(to: instance, profile: profile, tieBreaking: tieBreaking, eligibility: election.options.thresholds)
        }
        return outcome.map { TallyComputation.summarize($0, instance: instance, profile: profile, thresholds: election.options.thresholds) }
    }

    /// A ballot for the project at `position` alone: approved (approval, knapsack), given every
    /// point one project may receive (points: the total, or the cap per project if lower), or
    /// ranked first (ranked).
    func supportBallot(_ position: Int) -> PBEngine.Ballot {
        let value: Int
        switch election.ballot {
        case .approval, .knapsack: value = 1
        case .points(let total, let cap): value = min(total, cap ?? total)
        case .ranked: value = 0
        }
        return PBEngine.Ballot(entries: [.init(project: position, value: value)])
    }
}

extension TallyResult {
    /// Funded project numbers (the proposals' ids, kept as text in results), in increasing order.
    public var fundedNumbers: [Int] { funded.compactMap { Int($0) }.sorted() }

    /// What the run decided about project number `id`.
    public func project(_ id: Int) -> TallyProjectResult? { projects.first { $0.id == String(id) } }
}

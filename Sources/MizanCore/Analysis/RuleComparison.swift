import PBEngine

/// The four rules a cycle's outcome is compared under.
public enum ComparedRule: String, Sendable, CaseIterable {
    /// Standard greedy: by votes (points for points and ranked ballots), skipping what no longer fits.
    case greedy
    /// Method of Equal Shares with the add-one completion, then greedy.
    case mes
    /// Sequential Phragmén (approval and knapsack ballots only).
    case phragmen
    /// The feasible set with the most satisfaction: optimal knapsack (supporters × cost, or points).
    case optimal

    /// The engine rule this means for a ballot kind, or nil when it does not apply to it.
    public func engineRule(for election: AnalysisElection) -> Rule? {
        switch self {
        case .greedy: return EngineSettings.rule(for: .greedy, ballot: election.ballot)
        case .mes: return EngineSettings.rule(for: .mes, ballot: election.ballot)
        case .phragmen: return election.isApprovalLike ? EngineSettings.rule(for: .phragmen, ballot: election.ballot) : nil
        case .optimal: return election.isApprovalLike ? .maxWelfare(.cost) : .maxWelfare(.points)
        }
    }

    /// The compared rule a cycle's winner rule is; nil for equalshares.net's procedure, which is
    /// compared by its own run (`ScopeEngine.cycleRule`) rather than under one of these names.
    public init?(_ rule: WinnerRule) {
        switch rule {
        case .greedy: self = .greedy
        case .mes: self = .mes
        case .phragmen: self = .phragmen
        case .equalshares: return nil
        }
    }
}

/// One rule's run on a scope, or why there is none.
public struct RuleRun: Sendable {
    public enum Status: Sendable, Equatable {
        case computed
        /// The rule does not apply to the ballot kind.
        case notApplicable(String)
        /// The optimal knapsack could not be proved within its search limit.
        case tooLarge(String)
    }

    public let rule: ComparedRule
    /// The engine's key (`greedy_cost`, `mes_cost_add1_util`, …), or "" when not applicable.
    public let engineKey: String
    /// This is the rule the cycle's voters were promised.
    public let isCycleRule: Bool
    public let status: Status
    public let result: TallyResult?
    public let metrics: OutcomeMetrics?
}

/// A project some compared rules fund and others do not, with each rule's word about it.
public struct RuleDisagreement: Sendable {
    public struct Verdict: Sendable, Equatable {
        public let rule: ComparedRule
        public let funded: Bool
        public let round: Int?
        /// `funded`, `completed`, `tooExpensive`, `unaffordable`, `stopped`, `notReached`…
        public let decision: String
        public let explanation: String
    }

    public let project: Int
    public let title: String
    public let cost: Money
    public let supporters: Int
    /// One per computed rule, in `ComparedRule` order.
    public let verdicts: [Verdict]

    public var fundedBy: [ComparedRule] { verdicts.filter(\.funded).map(\.rule) }
    public var notFundedBy: [ComparedRule] { verdicts.filter { !$0.funded }.map(\.rule) }
}

/// The outcome of one scope under every compared rule, side by side.
public struct ScopeComparison: Sendable {
    public let district: Int?
    public let label: String
    public let budget: Money
    public let voters: Int
    public let runs: [RuleRun]
    /// Projects funded by some computed rules and not others, by project number.
    public let disagreements: [RuleDisagreement]

    public func run(_ rule: ComparedRule) -> RuleRun? { runs.first { $0.rule == rule } }
}

public enum RuleComparisonAnalysis {
    /// Branch-and-bound nodes the optimal knapsack may visit before the comparison reports it as
    /// too large. Realistic cycles (a few hundred projects with varied support) need far fewer;
    /// two hundred projects with equal support would otherwise search for hours.
    public static let defaultSearchLimit = 2_000_000

    /// Runs greedy, equal shares, Phragmén (when it applies) and the optimal knapsack on the scope
    /// and measures each outcome. `progress` hears which rule starts, for long runs.
    public static func compare(
        election: AnalysisElection, scope: AnalysisScope, searchLimit: Int = defaultSearchLimit,
        progress: ((String) -> Void)? = nil
    ) -> ScopeComparison {
        var engine = ScopeEngine(election: election, scope: scope)
        let cycleRule = ComparedRule(election.rule)
        var runs: [RuleRun] = []
        for compared in ComparedRule.allCases {
            guard let rule = compared.engineRule(for: election) else {
                runs.append(RuleRun(
                    rule: compared, engineKey: "", isCycleRule: compared == cycleRule,
                    status: .notApplicable("not applicable: \(compared.rawValue) only counts approvals, and this cycle's ballots are \(election.ballot.kind)"),
                    result: nil, metrics: nil))
                continue
            }
            progress?(rule.key)
            if let result = engine.run(rule, searchLimit: searchLimit) {
                runs.append(RuleRun(
                    rule: compared, engineKey: rule.key, isCycleRule: compared == cycleRule, status: .computed, result: result,
                    metrics: OutcomeMetrics(funded: Set(result.fundedNumbers), scope: scope)))
            } else {
                runs.append(RuleRun(
                    rule: compared, engineKey: rule.key, isCycleRule: compared == cycleRule,
                    status: .tooLarge("not computed: too large (no optimum proved within \(searchLimit) search steps)"),
                    result: nil, metrics: nil))
            }
        }
        return ScopeComparison(
            district: scope.district, label: scope.label, budget: scope.budget, voters: scope.voters, runs: runs,
            disagreements: disagreements(runs, scope: scope))
    }

    static func disagreements(_ runs: [RuleRun], scope: AnalysisScope) -> [RuleDisagreement] {
        let computed = runs.compactMap { run in run.result.map { (run.rule, $0) } }
        return scope.projects.compactMap { project in
            let verdicts = computed.compactMap { rule, result -> RuleDisagreement.Verdict? in
                guard let outcome = result.project(project.id) else { return nil }
                return .init(
                    rule: rule, funded: outcome.funded, round: outcome.round, decision: outcome.decision,
                    explanation: rule == .optimal ? optimalReason(outcome, result: result) : outcome.explanation)
            }
            let funded = verdicts.filter(\.funded).count
            guard funded > 0, funded < verdicts.count else { return nil }
            let supporters = computed.first?.1.project(project.id)?.supporters ?? 0
            return RuleDisagreement(project: project.id, title: project.title, cost: project.cost, supporters: supporters, verdicts: verdicts)
        }
    }

    /// The optimal knapsack has no rounds: a project is in or out of the one best set, and its
    /// trace only lists the set. Say that instead of a round-by-round reason.
    static func optimalReason(_ project: TallyProjectResult, result: TallyResult) -> String {
        let spent = Money(centimes: result.spentCentimes), budget = Money(centimes: result.budgetCentimes)
        return project.funded
            ? "funded: part of the feasible set with the most total satisfaction, which spends \(spent) of \(budget) (\(project.supporters) supporter(s))"
            : "not funded: the feasible set with the most total satisfaction (spending \(spent) of \(budget)) leaves it out; \(project.supporters) supporter(s), costs \(Money(centimes: project.costCentimes))"
    }
}

/// How far an unfunded project is from being funded under the cycle's own rule.
///
/// **Additional supporters.** N is the number of extra ballots, each supporting this project
/// alone in the strongest form the ballot kind allows (approval and knapsack: approving only it;
/// points: every point one project may get, the total or the cap per project if lower; ranked:
/// ranking it first and nothing else), such that the rule funds it with N of them added and does
/// not with N − 1. Everything else — other ballots, costs, budget — stays as it is. For approval
/// ballots with a minimum number of projects such a ballot could not be cast; it measures support,
/// not a ballot. Equal shares divides the budget among all voters, so extra voters also shrink
/// everyone's share: that is part of the answer.
///
/// **Cost reduction.** P is the smallest whole percent such that the project, its official cost
/// lowered by P % (rounded down to the centime), is funded, while lowered by P − 1 % it is not.
///
/// Both are found by exponential then binary search on reruns of the rule, which assumes that
/// more support or a lower cost never hurts; the rules are not all monotone in that sense, so the
/// N and P found are checked (funded at N, not at N − 1) but a smaller value with a gap below it
/// could in principle exist.
public struct MarginalProject: Sendable, Equatable {
    /// The outcome of one search.
    public enum Reach: Sendable, Equatable {
        /// The smallest value found: funded with it, not funded with one less.
        case found(Int)
        /// Not funded even at the search's upper bound.
        case notWithinReach(bound: Int)
        /// The scope's rerun limit was reached before this search could end.
        case notSearched
    }

    public let project: Int
    public let title: String
    public let cost: Money
    public let supporters: Int
    public let score: Int
    /// Additional supporters needed.
    public let supportersNeeded: Reach
    /// Cost reduction needed, in whole percent.
    public let costReductionNeeded: Reach
    /// For `found`: whether the value funds the project and one less does not, as rerun (both
    /// are part of the search; recorded so a page can show it was checked).
    public let verified: Bool
}

/// The projects closest to being funded in one scope.
public struct ScopeMarginal: Sendable {
    public let district: Int?
    public let label: String
    public let projects: [MarginalProject]
    /// Unfunded projects with supporters left out by `maxProjects`.
    public let notExamined: Int
    /// Engine runs made, and the limit.
    public let reruns: Int
    public let rerunLimit: Int
}

public enum MarginalAnalysis {
    /// Limits that keep the analysis bounded on a million ballots.
    public struct Limits: Sendable, Equatable {
        /// Unfunded projects examined: those with the most support (points for points and ranked
        /// ballots, supporters otherwise), then the cheapest — the ones closest to the line under
        /// every rule here, since each ranks by support.
        public var projects: Int
        /// Engine runs for the whole scope.
        public var reruns: Int
        /// Largest number of additional supporters tried; nil: as many as the scope has voters
        /// (doubling the electorate), at least 1.
        public var supporters: Int?

        public init(projects: Int = 15, reruns: Int = 400, supporters: Int? = nil) {
            self.projects = projects
            self.reruns = reruns
            self.supporters = supporters
        }
    }

    public static func marginal(
        election: AnalysisElection, scope: AnalysisScope, limits: Limits = Limits(), progress: ((String) -> Void)? = nil
    ) -> ScopeMarginal {
        var engine = ScopeEngine(election: election, scope: scope)
        let rule = engine.cycleRule
        let actual = engine.run(rule)!
        let candidates = actual.projects.filter { !$0.funded && $0.supporters > 0 }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.costCentimes != b.costCentimes { return a.costCentimes < b.costCentimes }
            return (Int(a.id) ?? 0) < (Int(b.id) ?? 0)
        }
        let examined = candidates.prefix(max(0, limits.projects))
        let supporterBound = max(1, limits.supporters ?? scope.voters)
        var projects: [MarginalProject] = []
        for candidate in examined {
            guard let id = Int(candidate.id), let project = scope.project(id) else { continue }
            progress?("project \(id)")
            var checks: [Bool] = []
            let supporters = search(upTo: supporterBound, engine: &engine, limit: limits.reruns, checks: &checks) { engine, count in
                engine.run(rule, extra: (id, count))!.project(id)?.funded == true
            }
            let cost = search(upTo: 99, engine: &engine, limit: limits.reruns, checks: &checks) { engine, percent in
                let lowered = Money(centimes: project.cost.centimes * Int64(100 - percent) / 100)
                return engine.run(rule, costs: [id: lowered])!.project(id)?.funded == true
            }
            projects.append(MarginalProject(
                project: id, title: project.title, cost: project.cost, supporters: candidate.supporters, score: candidate.score,
                supportersNeeded: supporters, costReductionNeeded: cost, verified: checks.allSatisfy { $0 }))
        }
        return ScopeMarginal(
            district: scope.district, label: scope.label, projects: projects, notExamined: candidates.count - examined.count,
            reruns: engine.runs, rerunLimit: limits.reruns)
    }

    /// The smallest n in 1…bound with `funds(n)` true, given `funds(0)` false: doubling from 1,
    /// then halving the gap. Gives up (`notSearched`) as soon as the engine has run `limit` times
    /// in all. Appends to `checks` whether the result held at n and failed at n − 1.
    static func search(
        upTo bound: Int, engine: inout ScopeEngine, limit: Int, checks: inout [Bool], funds: (inout ScopeEngine, Int) -> Bool
    ) -> MarginalProject.Reach {
        var seen: [Int: Bool] = [0: false]
        func test(_ n: Int) -> Bool? {
            if let known = seen[n] { return known }
            guard engine.runs < limit else { return nil }
            let result = funds(&engine, n)
            seen[n] = result
            return result
        }
        var low = 0, high: Int? = nil
        var step = 1
        while high == nil {
            let n = min(step, bound)
            guard let funded = test(n) else { return .notSearched }
            if funded { high = n } else {
                low = n
                if n == bound { return .notWithinReach(bound: bound) }
                step *= 2
            }
        }
        var found = high!
        while found - low > 1 {
            let middle = low + (found - low) / 2
            guard let funded = test(middle) else { return .notSearched }
            if funded { found = middle } else { low = middle }
        }
        checks.append(seen[found] == true && seen[found - 1] == false)
        return .found(found)
    }
}

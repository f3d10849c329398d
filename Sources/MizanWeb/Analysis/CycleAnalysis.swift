import Foundation
import MizanCore

/// What the staff analysis page shows of one cycle: each scope under every compared rule and its
/// budget what-ifs, plus (computed apart, as it takes far longer) its marginal projects. Computed
/// once per cycle and set of changed budgets, from ballots that can no longer change (voting is
/// closed), so it can be kept.
struct CycleAnalysis: Sendable {
    struct Scope: Sendable {
        let comparison: ScopeComparison
        let whatIf: ScopeWhatIf
        /// Nil while the marginal search is still running.
        var marginal: ScopeMarginal?
        /// Projects of the scope, for titles and districts.
        let projects: [AnalysisProject]
        let districts: [AnalysisDistrict]
        /// The changed budget staff asked to try, if any.
        let changedBudget: Money?
    }

    let cycleID: Int
    var scopes: [Scope]
    let computedAt: Date

    /// With the marginal projects of each scope, once they are known.
    func with(_ marginals: [ScopeMarginal]) -> CycleAnalysis {
        var copy = self
        for index in copy.scopes.indices {
            copy.scopes[index].marginal = marginals.first { $0.district == copy.scopes[index].comparison.district }
        }
        return copy
    }

    /// What a request asks beyond the defaults: another budget for some scopes (nil: the whole
    /// cycle; a district id: that district's envelope).
    struct Request: Hashable, Sendable {
        let cycleID: Int
        let changedBudgets: [Int?: Money]
        /// The number of stored ballots, so a cache entry can never outlive a change of them.
        let ballots: Int
    }

    /// The scopes in one read-only snapshot.
    static func scopes(of cycle: Cycle, storage: any Storage) async throws -> [AnalysisScope] {
        try await storage.transaction { stores -> [AnalysisScope] in
            try stores.analysis.beginSnapshot()
            return try stores.analysis.scopes(cycle: cycle, progress: nil)
        }
    }

    /// The comparison and what-ifs, with the engine run off the request threads: a million
    /// ballots take seconds of CPU.
    static func compute(_ request: Request, cycle: Cycle, scopes: [AnalysisScope]) async throws -> CycleAnalysis {
        let election = AnalysisElection(cycle: cycle)
        return try await AnalysisWorker.shared.run {
            CycleAnalysis(
                cycleID: cycle.id,
                scopes: scopes.map { scope in
                    let changed = request.changedBudgets[scope.district]
                    return Scope(
                        comparison: RuleComparisonAnalysis.compare(election: election, scope: scope),
                        whatIf: WhatIfAnalysis.budgets(election: election, scope: scope, budgets: changed.map { [$0] } ?? []),
                        marginal: nil, projects: scope.projects, districts: scope.districts, changedBudget: changed)
                },
                computedAt: Date())
        }
    }

    /// The marginal projects of every scope: hundreds of reruns of the rule, so minutes on a
    /// million ballots; kept apart so the rest of the page does not wait for it.
    static func marginals(cycle: Cycle, scopes: [AnalysisScope]) async throws -> [ScopeMarginal] {
        let election = AnalysisElection(cycle: cycle)
        return try await AnalysisWorker.marginal.run {
            scopes.map { MarginalAnalysis.marginal(election: election, scope: $0) }
        }
    }
}

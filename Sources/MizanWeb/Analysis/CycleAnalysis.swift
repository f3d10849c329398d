import Foundation
import MizanCore
import MizanPostgres

/// Everything the staff analysis page shows of one cycle: each scope under every compared rule,
/// its budget what-ifs and its marginal projects. Computed once per cycle and set of changed
/// budgets, from ballots that can no longer change (voting is closed), so it can be kept.
struct CycleAnalysis: Sendable {
    struct Scope: Sendable {
        let comparison: ScopeComparison
        let whatIf: ScopeWhatIf
        let marginal: ScopeMarginal
        /// Projects of the scope, for titles and districts.
        let projects: [AnalysisProject]
        let districts: [AnalysisDistrict]
        /// The changed budget staff asked to try, if any.
        let changedBudget: Money?
    }

    let cycleID: Int
    let scopes: [Scope]
    let computedAt: Date

    /// What a request asks beyond the defaults: another budget for some scopes (nil: the whole
    /// cycle; a district id: that district's envelope).
    struct Request: Hashable, Sendable {
        let cycleID: Int
        let changedBudgets: [Int?: Money]
        /// The number of stored ballots, so a cache entry can never outlive a change of them.
        let ballots: Int
    }

    /// Reads the scopes in one read-only snapshot, then runs the engine off the request threads:
    /// a million ballots take seconds of CPU.
    static func compute(_ request: Request, cycle: Cycle, pool: ConnectionPool) async throws -> CycleAnalysis {
        let scopes = try await pool.withTransaction { connection -> [AnalysisScope] in
            try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try CanonicalBallots.allowLongWork(on: connection)
            return try AnalysisStore.scopes(cycle: cycle, on: connection)
        }
        let election = AnalysisElection(cycle: cycle)
        return try await AnalysisWorker.shared.run {
            CycleAnalysis(
                cycleID: cycle.id,
                scopes: scopes.map { scope in
                    let changed = request.changedBudgets[scope.district]
                    return Scope(
                        comparison: RuleComparisonAnalysis.compare(election: election, scope: scope),
                        whatIf: WhatIfAnalysis.budgets(election: election, scope: scope, budgets: changed.map { [$0] } ?? []),
                        marginal: MarginalAnalysis.marginal(election: election, scope: scope),
                        projects: scope.projects, districts: scope.districts, changedBudget: changed)
                },
                computedAt: Date())
        }
    }
}

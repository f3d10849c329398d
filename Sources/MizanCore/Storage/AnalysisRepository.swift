/// What the rule comparison, what-if budgets and marginal projects are computed on: each scope's
/// projects with their district and category, its merged ballots (the very ones the tally reads)
/// and its voters per district. Only for cycles whose voting is closed, so no analysis can leak how
/// a vote in progress stands.
public protocol AnalysisRepository {
    /// Makes the rest of the transaction one read-only snapshot in which long statements may run
    /// (a million ballots take a while). Must be the transaction's first call.
    func beginSnapshot() throws
    /// The ballots stored for the cycle, so a computed analysis can be known to be current.
    func ballotCount(cycle: CycleID) throws -> Int
    /// Every scope of the cycle (the whole cycle, or each district envelope), ready to analyse;
    /// `TallyError.wrongPhase` before the tallied phase. `progress` hears the scope's label and the
    /// ballots read so far, every 100,000.
    func scopes(cycle: Cycle, progress: ((_ scope: String, _ ballotsRead: Int) -> Void)?) throws -> [AnalysisScope]
}

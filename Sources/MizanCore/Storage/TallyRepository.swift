/// Outcomes: reading a scope's ballots for the engine, storing what it decided, publishing it,
/// and reading back what was published.
public protocol TallyRepository {
    /// Lets the rest of the transaction run long statements: reading a million ballots takes
    /// longer than an ordinary request may, and staff wait for it on purpose.
    func allowLongWork() throws
    /// The cycle's district envelopes when it has any, else the whole cycle.
    func scopes(of cycle: Cycle) throws -> [TallyScope]
    /// A scope's projects and merged ballots, read from its canonical `.pb` stream, with that
    /// stream's SHA-256; `progress` is told the number of ballots read now and then.
    func prepare(cycle: Cycle, scope: TallyScope, progress: ((Int) -> Void)?) throws -> PreparedScope
    /// Stores one scope's outcome and returns the new tally's number. The database refuses it
    /// unless the cycle is in its tallied phase.
    func store(cycle: Cycle, prepared: PreparedScope, result: TallyResult, actor: String) throws -> Int
    /// The scopes of the newest stored outcome with their ballots, and whether all of a scope's
    /// ballots chose the same projects (empty when none is stored).
    func newestScopeSizes(cycle: CycleID) throws -> [ScopeSize]
    /// Stamps the newest stored outcome of every scope as published (empty when none is stored).
    func publishNewest(cycle: CycleID) throws -> [StoredTally]
    /// Moves a cycle whose outcome was just published from tallied to published (its phase
    /// history and audit entry included).
    func markPublished(_ cycle: Cycle, actor: String) throws
    /// The outcome auditors get: the published one if there is one, else the newest stored one,
    /// as pretty JSON with every scope, its projects and trace; nil when nothing was tallied.
    func outcomeJSON(cycle: Cycle) throws -> String?
    /// The published scopes of a cycle with each project's latest implementation update, or nil
    /// when nothing is published.
    func published(cycle: CycleID) throws -> PublishedOutcome?
}

/// What the open-data API publishes, read with filters that keep everything unpublished out:
/// projects only once review is over and only accepted or rejected ones, outcomes only of published
/// tallies, implementation updates only of projects a published outcome funded. Nothing here counts
/// ballots or participation of a cycle whose outcome is not published.
///
/// Lists are paged by keyset (`after` is the last key of the previous page) in a stable order, and
/// return one record more than `limit` so the caller knows whether a next page exists.
public protocol OpenDataRepository {
    /// Communes by code (byte order), optionally of one region or province.
    func communes(region: String?, province: String?, after: String?, limit: Int) throws -> [OpenData.CommuneRecord]
    func commune(code: String) throws -> OpenData.CommuneRecord?
    /// Cycles by id, optionally of one commune.
    func cycles(commune: String?, after: Int?, limit: Int) throws -> [OpenData.CycleRecord]
    func cycle(id: CycleID) throws -> OpenData.CycleRecord?
    /// The accepted and rejected projects of a cycle whose review is over, by id.
    func projects(cycle: CycleID, after: Int?, limit: Int) throws -> [OpenData.ProjectRecord]
    /// The published scopes of a cycle; empty when nothing is published.
    func publishedOutcome(cycle: CycleID) throws -> [OpenData.OutcomeScope]
    /// Updates of the projects a published outcome of the cycle funded, by id.
    func implementationUpdates(cycle: CycleID, after: Int?, limit: Int) throws -> [OpenData.ImplementationUpdateRecord]
    /// Ballots and registry size of each published scope; empty when nothing is published.
    func publishedTurnout(cycle: CycleID) throws -> [OpenData.TurnoutRecord]
}

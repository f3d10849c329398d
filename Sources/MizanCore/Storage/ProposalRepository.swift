/// The proposals of a cycle, whatever their status.
public protocol ProposalRepository {
    func find(_ id: ProposalID) throws -> Proposal?
    /// The proposal, or `ProposalError.notFound`.
    func require(_ id: ProposalID) throws -> Proposal
    /// A cycle's proposals, optionally of one status, by number; `CycleError.notFound` when the cycle does not exist.
    func list(cycle: CycleID, status: ProposalStatus?) throws -> [Proposal]

    /// Stores a submitted proposal in `cycle`; only the hash of its private tracking token is kept.
    func add(_ proposal: NewProposal, to cycle: Cycle, district: DistrictID?, trackingTokenHash: [UInt8]?) throws -> ProposalID
    /// The proposal whose private tracking token has this hash.
    func find(trackingTokenHash: [UInt8]) throws -> Proposal?
    /// The public list: a cycle's proposals that are not hidden, filtered, by number, at most `search.limit`.
    func search(_ search: ProposalSearch) throws -> [Proposal]
    /// Records a review decision the caller has checked.
    func apply(_ decision: ProposalDecision, to id: ProposalID) throws
}

/// The proposals of a cycle, whatever their status.
public protocol ProposalRepository {
    func find(_ id: ProposalID) throws -> Proposal?
    /// The proposal, or `ProposalError.notFound`.
    func require(_ id: ProposalID) throws -> Proposal
    /// A cycle's proposals, optionally of one status, by number; `CycleError.notFound` when the cycle does not exist.
    func list(cycle: CycleID, status: ProposalStatus?) throws -> [Proposal]
}

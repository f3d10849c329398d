/// The supports phase of cycles and the supports themselves. Supporters are registry keys
/// (`ServerSecrets.digest` of their national ID number); the database enforces one support per
/// person per proposal, the cycle's limit per person and the phase (migration 0011).
public protocol SupportRepository {
    func phase(cycle: CycleID) throws -> SupportPhase?
    func setPhase(cycle: CycleID, perPerson: Int, actor: String) throws
    /// The proposals this person already supports in the cycle.
    func supported(by supporter: VoterKey, in cycle: CycleID) throws -> Set<Int>
    /// Records a support; false when this person already supports the proposal.
    func support(_ proposal: ProposalID, in cycle: CycleID, by supporter: VoterKey) throws -> Bool
    /// Every submitted, accepted or rejected proposal of the cycle with its supporters, most supported first.
    func counts(cycle: CycleID) throws -> [SupportCount]
}

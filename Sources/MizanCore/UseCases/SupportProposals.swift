/// A resident supports proposals of a cycle in its supports phase, identified against the
/// commune's registry as petition signers are (`PetitionIdentification`: the same limits on
/// failed attempts as voting). Every proposal chosen is recorded, or none: a choice that would
/// pass the cycle's limit is refused whole, with how many remain. Supporting one already
/// supported is not an error and records nothing. Like a ballot or a signature, a support has no
/// audit entry of its own (it would time who supported what).
public struct SupportProposals: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Recorded: how many are new, and how many of the cycle's limit this person has left.
        case supported(new: Int, remaining: Int)
        /// The choice goes over the limit: this many may still be supported.
        case overLimit(remaining: Int)
        case notIdentified
        case limited
    }

    let storage: any Storage
    let secrets: ServerSecrets

    public init(storage: any Storage, secrets: ServerSecrets) {
        self.storage = storage
        self.secrets = secrets
    }

    public func execute(_ proposals: Set<ProposalID>, cycle id: CycleID, supporter: VoterCredential?, client: String) async throws -> Outcome {
        try await storage.transaction { [secrets] stores in
            let cycle = try stores.cycles.require(id)
            guard let phase = try stores.supports.phase(cycle: id) else { throw SupportError.noSupportsPhase(cycle: id.rawValue) }
            guard cycle.phase == .proposals else { throw SupportError.closed(cycle: cycle.id, phase: cycle.phase) }
            let found = try PetitionIdentification.identify(
                supporter, commune: cycle.communeID, client: client, secrets: secrets, limits: .standard, in: stores)
            let key: VoterKey
            switch found {
            case .failed: return .notIdentified
            case .limited: return .limited
            case .identified(let identified): key = identified
            }
            let already = try stores.supports.supported(by: key, in: id)
            let new = proposals.filter { !already.contains($0.rawValue) }
            let remaining = phase.perPerson - already.count
            guard new.count <= remaining else { return .overLimit(remaining: remaining) }
            for proposal in new.sorted() {
                guard let found = try stores.proposals.find(proposal), found.cycleID == cycle.id, found.status == .submitted else {
                    throw SupportError.notSupportable(proposal: proposal.rawValue)
                }
                _ = try stores.supports.support(proposal, in: id, by: key)
            }
            return .supported(new: new.count, remaining: remaining - new.count)
        }
    }
}

/// Staff review of a proposal: accept it as a ballot project with its official cost, reject it
/// with a public answer, merge it into a similar one, or hide abusive content with a logged reason.
public struct ReviewProposal: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: ProposalID, _ decision: ProposalDecision, actor: String) async throws -> Proposal {
        try await storage.transaction { stores in try Self.perform(id, decision, actor: actor, in: stores) }
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(_ id: ProposalID, _ decision: ProposalDecision, actor: String, in stores: any Stores) throws -> Proposal {
        let proposal = try stores.proposals.require(id)
        let cycle = try stores.cycles.require(CycleID(proposal.cycleID))
        switch decision {
        case .hide, .unhide:
            guard cycle.phase == .proposals || cycle.phase == .review else {
                throw ProposalError.notAllowed(
                    "proposals can only be hidden or shown again before voting opens (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
            }
        default:
            if cycle.phase != .review {
                throw ProposalError.notAllowed("proposals are reviewed in the review phase (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
            }
        }
        let details: String
        switch decision {
        case .accept(let cost, _):
            guard cost.centimes > 0 else { throw ProposalError.invalid(["cost": "must be more than zero"]) }
            details = "cost=\(cost.centimes)"
        case .reject(let reason):
            guard !reason.isEmpty else { throw ProposalError.invalid(["reason": "is required: it is shown to the public"]) }
            details = "reason=\(reason)"
        case .merge(let target):
            let into = try stores.proposals.require(target)
            guard into.id != proposal.id, into.cycleID == proposal.cycleID else {
                throw ProposalError.notAllowed("a proposal can only be merged into another proposal of the same cycle")
            }
            guard into.status == .submitted || into.status == .accepted else {
                throw ProposalError.notAllowed("proposal \(target) is \(into.status.rawValue); merge into a submitted or accepted one")
            }
            details = "into=\(target)"
        case .hide(let reason):
            guard !reason.isEmpty else { throw ProposalError.invalid(["reason": "is required: hiding is never silent"]) }
            details = "reason=\(reason)"
        case .unhide:
            guard proposal.status == .hidden else { throw ProposalError.notAllowed("proposal \(id) is not hidden") }
            details = "status=submitted"
        }
        try stores.proposals.apply(decision, to: id)
        try stores.audit.append(actor: actor, action: decision.action, object: "proposal:\(id)", details: details)
        return try stores.proposals.require(id)
    }
}

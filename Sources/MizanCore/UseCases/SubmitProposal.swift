/// Submits a proposal to a cycle taking proposals: from the web form (with a private tracking
/// token, of which only the hash is stored) or entered by staff from a paper form.
public struct SubmitProposal: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(
        _ proposal: NewProposal, cycle: CycleID, trackingTokenHash: [UInt8]?, actor: String
    ) async throws -> Proposal {
        try await storage.transaction { stores in
            try Self.perform(proposal, cycle: cycle, trackingTokenHash: trackingTokenHash, actor: actor, in: stores)
        }
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(
        _ proposal: NewProposal, cycle id: CycleID, trackingTokenHash: [UInt8]?, actor: String, in stores: any Stores
    ) throws -> Proposal {
        let cycle = try stores.cycles.require(id)
        guard cycle.phase == .proposals else {
            throw ProposalError.notAllowed(
                "proposals can only be submitted in the proposals phase (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
        }
        var district: DistrictID?
        if let name = proposal.district {
            district = try stores.districts.find(named: name, inCommune: CommuneID(cycle.communeID))
            if district == nil { throw ProposalError.unknownDistrict(name) }
        }
        let stored = try stores.proposals.add(proposal, to: cycle, district: district, trackingTokenHash: trackingTokenHash)
        try stores.audit.append(
            actor: actor, action: "proposal.submit", object: "proposal:\(stored)", details: "cycle=\(cycle.id) title=\(proposal.title)")
        return try stores.proposals.require(stored)
    }
}

import MizanCore
import PostgresDriver

extension PostgresStores {
    var cycles: any CycleRepository { PostgresCycles(connection: connection) }
    var proposals: any ProposalRepository { PostgresProposals(connection: connection) }
}

struct PostgresCycles: CycleRepository {
    let connection: PostgresConnection

    func find(_ id: CycleID) throws -> Cycle? { try CycleStore.find(id.rawValue, on: connection) }
    func require(_ id: CycleID) throws -> Cycle { try CycleStore.require(id.rawValue, on: connection) }
    func lock(_ id: CycleID) throws -> Cycle { try TallyStore.lockCycle(id.rawValue, on: connection) }
    func list(communeCode: GeoCode?) throws -> [Cycle] { try CycleStore.list(communeCode: communeCode, on: connection) }
    func create(_ cycle: NewCycle, actor: String) throws -> Cycle { try CycleStore.insert(cycle, actor: actor, on: connection) }
    func update(_ cycle: CycleID, to settings: NewCycle) throws -> Cycle {
        try CycleStore.update(cycle.rawValue, to: settings, on: connection)
    }
    func move(_ cycle: Cycle, to phase: Phase, actor: String) throws { try CycleStore.enter(cycle, phase, actor: actor, on: connection) }
    func proposalCounts(_ cycle: CycleID) throws -> ProposalCounts { try CycleStore.proposalCounts(cycle.rawValue, on: connection) }
    func envelopes(_ cycle: CycleID) throws -> (count: Int, total: Money) { try CycleStore.envelopes(cycle.rawValue, on: connection) }
    func envelopeList(_ cycle: CycleID) throws -> [DistrictEnvelope] { try CycleStore.envelopeList(cycle.rawValue, on: connection) }
    func setEnvelope(_ cycle: CycleID, district: DistrictID, budget: Money) throws {
        try CycleStore.setEnvelope(cycle.rawValue, district: district.rawValue, budget: budget, on: connection)
    }
    func removeEnvelope(_ cycle: CycleID, district: DistrictID) throws {
        try CycleStore.removeEnvelope(cycle.rawValue, district: district.rawValue, on: connection)
    }
    func paperCounts(_ cycle: CycleID) throws -> [PaperCount] { try CycleStore.paperCounts(cycle.rawValue, on: connection) }
    func recordPaperCount(_ cycle: CycleID, place: String, spoiled: Int, blank: Int, actor: String) throws {
        try CycleStore.recordPaperCount(cycle.rawValue, place: place, spoiled: spoiled, blank: blank, actor: actor, on: connection)
    }
}

struct PostgresProposals: ProposalRepository {
    let connection: PostgresConnection

    func find(_ id: ProposalID) throws -> Proposal? { try ProposalStore.find(id.rawValue, on: connection) }
    func require(_ id: ProposalID) throws -> Proposal { try ProposalStore.require(id.rawValue, on: connection) }
    func list(cycle: CycleID, status: ProposalStatus?) throws -> [Proposal] {
        try ProposalStore.list(cycleID: cycle.rawValue, status: status, on: connection)
    }
    func add(_ proposal: NewProposal, to cycle: Cycle, district: DistrictID?, trackingTokenHash: [UInt8]?) throws -> ProposalID {
        ProposalID(try ProposalStore.insert(
            proposal, cycle: cycle, districtID: district?.rawValue, trackingTokenHash: trackingTokenHash, on: connection))
    }
    func find(trackingTokenHash: [UInt8]) throws -> Proposal? {
        try ProposalStore.find(trackingTokenHash: trackingTokenHash, on: connection)
    }
    func search(_ search: ProposalSearch) throws -> [Proposal] { try ProposalStore.search(search, on: connection) }
    func apply(_ decision: ProposalDecision, to id: ProposalID) throws { try ProposalStore.apply(decision, to: id.rawValue, on: connection) }
}

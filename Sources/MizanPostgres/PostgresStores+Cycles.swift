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
}

struct PostgresProposals: ProposalRepository {
    let connection: PostgresConnection

    func find(_ id: ProposalID) throws -> Proposal? { try ProposalStore.find(id.rawValue, on: connection) }
    func require(_ id: ProposalID) throws -> Proposal { try ProposalStore.require(id.rawValue, on: connection) }
    func list(cycle: CycleID, status: ProposalStatus?) throws -> [Proposal] {
        try ProposalStore.list(cycleID: cycle.rawValue, status: status, on: connection)
    }
}

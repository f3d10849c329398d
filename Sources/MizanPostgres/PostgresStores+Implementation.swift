import MizanCore
import PostgresDriver

extension PostgresStores {
    var implementation: any ImplementationRepository { PostgresImplementation(connection: connection) }
}

struct PostgresImplementation: ImplementationRepository {
    let connection: PostgresConnection

    func fundedCommune(of project: ProposalID) throws -> CommuneID? {
        try ImplementationStore.fundedCommune(of: project.rawValue, on: connection).map { CommuneID($0) }
    }
    func fundedProjects(cycle: CycleID) throws -> [(project: ProposalID, cost: Money)] {
        try ImplementationStore.fundedProjects(cycleID: cycle.rawValue, on: connection)
    }
    func record(_ update: ImplementationUpdate, project: ProposalID, commune: CommuneID, actor: String) throws {
        try ImplementationStore.record(update, project: project.rawValue, communeID: commune.rawValue, actor: actor, on: connection)
    }
}

import MizanCore
import PostgresDriver

extension PostgresStores {
    var registry: any RegistryRepository { PostgresRegistry(connection: connection) }
}

struct PostgresRegistry: RegistryRepository {
    let connection: PostgresConnection

    func importRecords(
        into cycle: Cycle, secrets: ServerSecrets, skipInvalid: Bool,
        feed: (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]
    ) throws -> RegistryImportReport {
        try RegistryStore.load(into: cycle, secrets: secrets, skipInvalid: skipInvalid, on: connection, feed: feed)
    }
    func storeCodes(_ codes: [VotingCode], for cycle: Cycle, secrets: ServerSecrets) throws {
        try RegistryStore.storeCodes(codes, cycle: cycle, secrets: secrets, on: connection)
    }
    func eligibleCount(_ cycle: CycleID) throws -> Int { try RegistryStore.eligibleCount(cycle.rawValue, on: connection) }
}

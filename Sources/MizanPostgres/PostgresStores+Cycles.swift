import MizanCore
import PostgresDriver

extension PostgresStores {
    var cycles: any CycleRepository { PostgresCycles(connection: connection) }
    var proposals: any ProposalRepository { PostgresProposals(connection: connection) }
    var districts: any DistrictRepository { PostgresDistricts(connection: connection) }
    var places: any PlaceRepository { PostgresPlaces(connection: connection) }
    var registry: any RegistryRepository { PostgresRegistry(connection: connection) }
    var implementation: any ImplementationRepository { PostgresImplementation(connection: connection) }
}

struct PostgresCycles: CycleRepository {
    let connection: PostgresConnection

    func find(_ id: CycleID) throws -> Cycle? { try CycleStore.find(id.rawValue, on: connection) }
    func require(_ id: CycleID) throws -> Cycle { try CycleStore.require(id.rawValue, on: connection) }
    func lock(_ id: CycleID) throws -> Cycle { try TallyStore.lockCycle(id.rawValue, on: connection) }
    func list(communeCode: GeoCode?) throws -> [Cycle] { try CycleStore.list(communeCode: communeCode, on: connection) }
    func create(_ cycle: NewCycle, actor: String) throws -> Cycle { try CycleStore.insert(cycle, actor: actor, on: connection) }
    func move(_ cycle: Cycle, to phase: Phase, actor: String) throws { try CycleStore.enter(cycle, phase, actor: actor, on: connection) }
    func proposalCounts(_ cycle: CycleID) throws -> ProposalCounts { try CycleStore.proposalCounts(cycle.rawValue, on: connection) }
    func envelopes(_ cycle: CycleID) throws -> (count: Int, total: Money) { try CycleStore.envelopes(cycle.rawValue, on: connection) }
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

struct PostgresDistricts: DistrictRepository {
    let connection: PostgresConnection

    func list(communeCode: GeoCode) throws -> [District] { try DistrictStore.list(communeCode: communeCode, on: connection) }
    func list(commune: CommuneID) throws -> [District] { try DistrictStore.list(communeID: commune.rawValue, on: connection) }
    func find(named name: String, inCommune commune: CommuneID) throws -> DistrictID? {
        try DistrictStore.find(named: name, communeID: commune.rawValue, on: connection).map { DistrictID($0) }
    }
    func add(_ district: NewDistrict) throws -> District { try DistrictStore.add(district, on: connection) }
}

struct PostgresPlaces: PlaceRepository {
    let connection: PostgresConnection

    func regions() throws -> [Region] { try PlaceStore.regions(on: connection) }
    func region(code: GeoCode) throws -> Region? { try PlaceStore.region(code: code, on: connection) }
    func provinces(inRegion code: GeoCode) throws -> [Province] { try PlaceStore.provinces(inRegion: code, on: connection) }
    func province(code: GeoCode) throws -> Province? { try PlaceStore.province(code: code, on: connection) }
    func communes(inProvince code: GeoCode) throws -> [Commune] { try PlaceStore.communes(inProvince: code, on: connection) }
    func commune(code: GeoCode) throws -> Commune? { try PlaceStore.commune(code: code, on: connection) }
    func searchCommunes(_ text: String, limit: Int) throws -> [Commune] { try PlaceStore.searchCommunes(text, limit: limit, on: connection) }
    func communeEntries(province: GeoCode?, nameContaining text: String?) throws -> [CommuneEntry] {
        try PlaceStore.communeEntries(province: province, nameContaining: text, on: connection)
    }
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

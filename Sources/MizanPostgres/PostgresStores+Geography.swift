import MizanCore
import PostgresDriver

extension PostgresStores {
    var districts: any DistrictRepository { PostgresDistricts(connection: connection) }
    var places: any PlaceRepository { PostgresPlaces(connection: connection) }
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

import MizanCore
import PostgresDriver

/// `GeographyRepository` on a pool: each read borrows a connection for one statement. The web
/// reads the map through `StoredGeography` on `Storage` instead; both run the same statements.
public struct PostgresGeographyRepository: GeographyRepository {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func regions() async throws -> [Region] { try await pool.withConnection { try PlaceStore.regions(on: $0) } }

    public func region(code: GeoCode) async throws -> Region? {
        try await pool.withConnection { try PlaceStore.region(code: code, on: $0) }
    }

    public func provinces(inRegion code: GeoCode) async throws -> [Province] {
        try await pool.withConnection { try PlaceStore.provinces(inRegion: code, on: $0) }
    }

    public func province(code: GeoCode) async throws -> Province? {
        try await pool.withConnection { try PlaceStore.province(code: code, on: $0) }
    }

    public func communes(inProvince code: GeoCode) async throws -> [Commune] {
        try await pool.withConnection { try PlaceStore.communes(inProvince: code, on: $0) }
    }

    public func commune(code: GeoCode) async throws -> Commune? {
        try await pool.withConnection { try PlaceStore.commune(code: code, on: $0) }
    }

    public func districts(ofCommune code: GeoCode) async throws -> [District] {
        try await pool.withConnection { connection in
            guard let communeID = try DistrictStore.communeID(code, on: connection) else { return [] }
            return try DistrictStore.list(communeID: communeID, on: connection)
        }
    }

    public func searchCommunes(_ text: String, limit: Int) async throws -> [Commune] {
        try await pool.withConnection { try PlaceStore.searchCommunes(text, limit: limit, on: $0) }
    }
}

/// The administrative map inside a transaction: the synchronous reads `GeographyRepository` offers
/// the web, and the commune listing the command line prints.
public protocol PlaceRepository {
    func regions() throws -> [Region]
    func region(code: GeoCode) throws -> Region?
    func provinces(inRegion code: GeoCode) throws -> [Province]
    func province(code: GeoCode) throws -> Province?
    func communes(inProvince code: GeoCode) throws -> [Commune]
    func commune(code: GeoCode) throws -> Commune?
    /// Communes whose French or Arabic name (or slug) contains `text`, most populous first.
    func searchCommunes(_ text: String, limit: Int) throws -> [Commune]
    /// Communes by code with their province's name, optionally of one province and whose French or
    /// Arabic name contains `nameContaining`.
    func communeEntries(province: GeoCode?, nameContaining: String?) throws -> [CommuneEntry]
}

/// `GeographyRepository` on any `Storage`: each read is one short transaction, so the web reads
/// the map without naming the database.
public struct StoredGeography: GeographyRepository {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func regions() async throws -> [Region] { try await storage.transaction { try $0.places.regions() } }
    public func region(code: GeoCode) async throws -> Region? { try await storage.transaction { try $0.places.region(code: code) } }
    public func provinces(inRegion code: GeoCode) async throws -> [Province] {
        try await storage.transaction { try $0.places.provinces(inRegion: code) }
    }
    public func province(code: GeoCode) async throws -> Province? { try await storage.transaction { try $0.places.province(code: code) } }
    public func communes(inProvince code: GeoCode) async throws -> [Commune] {
        try await storage.transaction { try $0.places.communes(inProvince: code) }
    }
    public func commune(code: GeoCode) async throws -> Commune? { try await storage.transaction { try $0.places.commune(code: code) } }
    public func districts(ofCommune code: GeoCode) async throws -> [District] {
        try await storage.transaction { stores in
            do { return try stores.districts.list(communeCode: code) } catch GeographyError.notFound { return [] }
        }
    }
    public func searchCommunes(_ text: String, limit: Int) async throws -> [Commune] {
        try await storage.transaction { try $0.places.searchCommunes(text, limit: limit) }
    }
}

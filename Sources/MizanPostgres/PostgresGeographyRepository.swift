import MizanCore
import PostgresDriver

/// The geography tables loaded from the HCP data by the migrations.
public struct PostgresGeographyRepository: GeographyRepository {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func regions() async throws -> [Region] {
        try await pool.query("""
            SELECT r.id, r.code, r.name_fr, r.name_ar, r.population,
                   (SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id WHERE p.region_id = r.id)
            FROM regions r ORDER BY r.code
            """).map(Self.region)
    }

    public func region(code: GeoCode) async throws -> Region? {
        try await pool.query("""
            SELECT r.id, r.code, r.name_fr, r.name_ar, r.population,
                   (SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id WHERE p.region_id = r.id)
            FROM regions r WHERE r.code = \(code.value)
            """).map(Self.region).first
    }

    public func provinces(inRegion code: GeoCode) async throws -> [Province] {
        try await pool.query("""
            SELECT p.id, p.code, r.code, p.kind, p.name_fr, p.name_ar, p.population,
                   (SELECT count(*) FROM communes c WHERE c.province_id = p.id)
            FROM provinces p JOIN regions r ON r.id = p.region_id
            WHERE r.code = \(code.value) ORDER BY p.code
            """).map(Self.province)
    }

    public func province(code: GeoCode) async throws -> Province? {
        try await pool.query("""
            SELECT p.id, p.code, r.code, p.kind, p.name_fr, p.name_ar, p.population,
                   (SELECT count(*) FROM communes c WHERE c.province_id = p.id)
            FROM provinces p JOIN regions r ON r.id = p.region_id WHERE p.code = \(code.value)
            """).map(Self.province).first
    }

    public func communes(inProvince code: GeoCode) async throws -> [Commune] {
        try await pool.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id
            WHERE p.code = \(code.value) ORDER BY c.name_fr
            """).map(Self.commune)
    }

    public func commune(code: GeoCode) async throws -> Commune? {
        try await pool.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id WHERE c.code = \(code.value)
            """).map(Self.commune).first
    }

    public func districts(ofCommune code: GeoCode) async throws -> [District] {
        try await pool.query("""
            SELECT d.id, d.code, d.name_fr, d.name_ar, d.population
            FROM districts d JOIN communes c ON c.id = d.commune_id
            WHERE c.code = \(code.value) ORDER BY d.name_fr
            """).map { row in
            District(
                id: try row.decode(Int.self, 0), code: try row.decodeIfPresent(String.self, 1),
                name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3)),
                population: try row.decodeIfPresent(Int.self, 4))
        }
    }

    public func searchCommunes(_ text: String, limit: Int) async throws -> [Commune] {
        try await pool.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id
            WHERE c.name_fr ILIKE '%' || \(text) || '%' OR c.slug LIKE '%' || lower(\(text)) || '%'
               OR c.name_ar LIKE '%' || \(text) || '%'
            ORDER BY c.population DESC LIMIT \(limit)
            """).map(Self.commune)
    }

    static func region(_ row: Row) throws -> Region {
        Region(
            id: try row.decode(Int.self, 0), code: try row.decode(String.self, 1),
            name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3)),
            population: try row.decode(Int.self, 4), communeCount: try row.decode(Int.self, 5))
    }

    static func province(_ row: Row) throws -> Province {
        let kind = try row.decode(String.self, 3)
        guard let parsedKind = Province.Kind(rawValue: kind) else {
            throw PostgresError(.decoding, "unknown province kind \(kind)")
        }
        return Province(
            id: try row.decode(Int.self, 0), code: try row.decode(String.self, 1), regionCode: try row.decode(String.self, 2),
            kind: parsedKind,
            name: BilingualName(french: try row.decode(String.self, 4), arabic: try row.decode(String.self, 5)),
            population: try row.decode(Int.self, 6), communeCount: try row.decode(Int.self, 7))
    }

    static func commune(_ row: Row) throws -> Commune {
        let kind = try row.decode(String.self, 4)
        guard let parsedKind = Commune.Kind(rawValue: kind) else {
            throw PostgresError(.decoding, "unknown commune kind \(kind)")
        }
        return Commune(
            id: try row.decode(Int.self, 0), code: try row.decode(String.self, 1), provinceCode: try row.decode(String.self, 2),
            slug: try row.decode(String.self, 3), kind: parsedKind,
            name: BilingualName(french: try row.decode(String.self, 5), arabic: try row.decode(String.self, 6)),
            population: try row.decode(Int.self, 7))
    }
}

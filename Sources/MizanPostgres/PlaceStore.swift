import MizanCore
import PostgresDriver

/// The geography tables loaded from the HCP data by the migrations.
enum PlaceStore {
    static func regions(on connection: PostgresConnection) throws -> [Region] {
        try connection.query("""
            SELECT r.id, r.code, r.name_fr, r.name_ar, r.population,
                   (SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id WHERE p.region_id = r.id)
            FROM regions r ORDER BY r.code
            """).map(region)
    }

    static func region(code: GeoCode, on connection: PostgresConnection) throws -> Region? {
        try connection.query("""
            SELECT r.id, r.code, r.name_fr, r.name_ar, r.population,
                   (SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id WHERE p.region_id = r.id)
            FROM regions r WHERE r.code = \(code.value)
            """).map(region).first
    }

    static func provinces(inRegion code: GeoCode, on connection: PostgresConnection) throws -> [Province] {
        try connection.query("""
            SELECT p.id, p.code, r.code, p.kind, p.name_fr, p.name_ar, p.population,
                   (SELECT count(*) FROM communes c WHERE c.province_id = p.id)
            FROM provinces p JOIN regions r ON r.id = p.region_id
            WHERE r.code = \(code.value) ORDER BY p.code
            """).map(province)
    }

    static func province(code: GeoCode, on connection: PostgresConnection) throws -> Province? {
        try connection.query("""
            SELECT p.id, p.code, r.code, p.kind, p.name_fr, p.name_ar, p.population,
                   (SELECT count(*) FROM communes c WHERE c.province_id = p.id)
            FROM provinces p JOIN regions r ON r.id = p.region_id WHERE p.code = \(code.value)
            """).map(province).first
    }

    static func communes(inProvince code: GeoCode, on connection: PostgresConnection) throws -> [Commune] {
        try connection.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id
            WHERE p.code = \(code.value) ORDER BY c.name_fr
            """).map(commune)
    }

    static func commune(code: GeoCode, on connection: PostgresConnection) throws -> Commune? {
        try connection.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id WHERE c.code = \(code.value)
            """).map(commune).first
    }

    static func searchCommunes(_ text: String, limit: Int, on connection: PostgresConnection) throws -> [Commune] {
        try connection.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population
            FROM communes c JOIN provinces p ON p.id = c.province_id
            WHERE c.name_fr ILIKE '%' || \(text) || '%' OR c.slug LIKE '%' || lower(\(text)) || '%'
               OR c.name_ar LIKE '%' || \(text) || '%'
            ORDER BY c.population DESC LIMIT \(limit)
            """).map(commune)
    }

    static func communeEntries(province: GeoCode?, nameContaining text: String?, on connection: PostgresConnection) throws -> [CommuneEntry] {
        var filters: [SQL] = ["TRUE"]
        if let province { filters.append("p.code = \(province.value)") }
        if let text { filters.append("(c.name_fr ILIKE '%' || \(text) || '%' OR c.name_ar LIKE '%' || \(text) || '%')") }
        return try connection.query("""
            SELECT c.id, c.code, p.code, c.slug, c.kind, c.name_fr, c.name_ar, c.population, p.name_fr, p.name_ar
            FROM communes c JOIN provinces p ON p.id = c.province_id
            WHERE \(SQL.joined(filters, separator: " AND ")) ORDER BY c.code
            """).map { row in
            CommuneEntry(
                commune: try commune(row),
                provinceName: BilingualName(french: try row.decode(String.self, 8), arabic: try row.decode(String.self, 9)))
        }
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

import MizanCore
import PostgresDriver

/// Districts: arrondissements from the HCP data and quarters added by staff.
enum DistrictStore {
    static let columns: SQL = "SELECT d.id, d.code, d.kind, d.name_fr, d.name_ar, d.population FROM districts d"

    static func list(communeCode: GeoCode, on connection: PostgresConnection) throws -> [District] {
        guard let communeID = try communeID(communeCode, on: connection) else { throw GeographyError.notFound(communeCode.value) }
        return try list(communeID: communeID, on: connection)
    }

    static func list(communeID: Int, on connection: PostgresConnection) throws -> [District] {
        try connection.query("\(columns) WHERE d.commune_id = \(communeID) ORDER BY d.name_fr").map(decode)
    }

    /// A proposal names its district by French or Arabic name, or by number.
    static func find(named name: String, communeID: Int, on connection: PostgresConnection) throws -> Int? {
        try connection.query("""
            SELECT id FROM districts WHERE commune_id = \(communeID) AND (name_fr = \(name) OR name_ar = \(name) OR id::text = \(name))
            """).first?.decode(Int.self, 0)
    }

    static func add(_ district: NewDistrict, on connection: PostgresConnection) throws -> District {
        guard let communeID = try communeID(district.communeCode, on: connection) else {
            throw GeographyError.notFound(district.communeCode.value)
        }
        let id: Int
        do {
            id = try connection.query("""
                INSERT INTO districts (commune_id, kind, name_fr, name_ar, population)
                VALUES (\(communeID), 'quarter', \(district.name.french), \(district.name.arabic), \(district.population)) RETURNING id
                """).single().decode(Int.self, 0)
        } catch {
            if error.sqlState == SQLState.uniqueViolation { throw DistrictError.duplicate(district.name.french) }
            throw error
        }
        return try decode(connection.query("\(columns) WHERE d.id = \(id)").single())
    }

    static func communeID(_ code: GeoCode, on connection: PostgresConnection) throws -> Int? {
        try connection.query("SELECT id FROM communes WHERE code = \(code.value)").first?.decode(Int.self, 0)
    }

    static func decode(_ row: Row) throws -> District {
        District(
            id: try row.decode(Int.self, 0), code: try row.decodeIfPresent(String.self, 1),
            kind: District.Kind(rawValue: try row.decode(String.self, 2)) ?? .quarter,
            name: BilingualName(french: try row.decode(String.self, 3), arabic: try row.decode(String.self, 4)),
            population: try row.decodeIfPresent(Int.self, 5))
    }
}

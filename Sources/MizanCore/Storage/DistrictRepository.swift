/// The districts of communes: arrondissements from the HCP data and quarters staff add.
public protocol DistrictRepository {
    /// A commune's districts by French name; `GeographyError.notFound` when the commune does not exist.
    func list(communeCode: GeoCode) throws -> [District]
    /// A commune's districts by French name.
    func list(commune: CommuneID) throws -> [District]
    /// The district of the commune whose French or Arabic name, or number, is `name`.
    func find(named name: String, inCommune commune: CommuneID) throws -> DistrictID?
    /// Adds a quarter; `GeographyError.notFound` when the commune does not exist.
    func add(_ district: NewDistrict) throws -> District
}

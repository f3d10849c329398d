/// An HCP geographic code such as `01.511.01.0` (commune), `01.511` (province) or `01` (region).
///
/// Codes are text: leading zeros matter and `01.511.01.01` differs from `01.511.01.1`. Validated at
/// the edge so a malformed code from a URL or a file never reaches a query.
public struct GeoCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    /// Accepts `NN`, `NN.NNN` and `NN.NNN.NN.N(N)`; which level a four-part code is (a commune, or one
    /// of Casablanca's préfectures d'arrondissements) is for the data to say.
    public init(parsing text: String) throws(GeographyError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
            throw .malformedCode(text)
        }
        let lengths = parts.map(\.count)
        let valid =
            lengths == [2] || lengths == [2, 3]
            || (lengths.count == 4 && lengths[0] == 2 && lengths[1] == 3 && lengths[2] == 2 && lengths[3] <= 2)
        guard valid else { throw .malformedCode(text) }
        value = text
    }

    public var description: String { value }
    public static func < (lhs: GeoCode, rhs: GeoCode) -> Bool { lhs.value < rhs.value }
}

public enum GeographyError: Error, Equatable, CustomStringConvertible {
    case malformedCode(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .malformedCode(let code): return "\(code) is not an HCP code (like 01, 01.511 or 01.511.01.0)"
        case .notFound(let code): return "no region, province or commune has the code \(code)"
        }
    }
}

/// A name in both official languages of the HCP data.
public struct BilingualName: Hashable, Sendable {
    public let french: String
    public let arabic: String
    public init(french: String, arabic: String) {
        self.french = french
        self.arabic = arabic
    }
}

public struct Region: Hashable, Sendable, Identifiable {
    public let id: Int
    public let code: String
    public let name: BilingualName
    public let population: Int
    public let communeCount: Int
    public init(id: Int, code: String, name: BilingualName, population: Int, communeCount: Int) {
        self.id = id
        self.code = code
        self.name = name
        self.population = population
        self.communeCount = communeCount
    }
}

public struct Province: Hashable, Sendable, Identifiable {
    public enum Kind: String, Sendable {
        case province, prefecture
        case prefectureOfArrondissements = "prefecture_of_arrondissements"
    }
    public let id: Int
    public let code: String
    public let regionCode: String
    public let kind: Kind
    public let name: BilingualName
    public let population: Int
    public let communeCount: Int
    public init(id: Int, code: String, regionCode: String, kind: Kind, name: BilingualName, population: Int, communeCount: Int) {
        self.id = id
        self.code = code
        self.regionCode = regionCode
        self.kind = kind
        self.name = name
        self.population = population
        self.communeCount = communeCount
    }
}

public struct Commune: Hashable, Sendable, Identifiable {
    public enum Kind: String, Sendable {
        case urban, rural
    }
    public let id: Int
    public let code: String
    public let provinceCode: String
    public let slug: String
    public let kind: Kind
    public let name: BilingualName
    public let population: Int
    public init(id: Int, code: String, provinceCode: String, slug: String, kind: Kind, name: BilingualName, population: Int) {
        self.id = id
        self.code = code
        self.provinceCode = provinceCode
        self.slug = slug
        self.kind = kind
        self.name = name
        self.population = population
    }
}

public struct District: Hashable, Sendable, Identifiable {
    /// Arrondissements come from the HCP data; quarters are added by commune staff.
    public enum Kind: String, Sendable {
        case arrondissement, quarter
    }
    public let id: Int
    public let code: String?
    public let kind: Kind
    public let name: BilingualName
    public let population: Int?
    public init(id: Int, code: String?, kind: Kind = .quarter, name: BilingualName, population: Int?) {
        self.id = id
        self.code = code
        self.kind = kind
        self.name = name
        self.population = population
    }
}

/// A quarter to add to a commune, checked before anything is stored.
public struct NewDistrict: Sendable {
    public let communeCode: GeoCode
    public let name: BilingualName
    public let population: Int?

    public init(communeCode: GeoCode, french: String, arabic: String, population: Int?) throws(DistrictError) {
        let french = french.trimmingCharacters(in: " \t"), arabic = arabic.trimmingCharacters(in: " \t")
        guard !french.isEmpty, !arabic.isEmpty else { throw .invalid("--name-fr and --name-ar must not be empty") }
        guard french.count <= 200, arabic.count <= 200 else { throw .invalid("--name-fr and --name-ar have at most 200 characters") }
        if let population, population < 0 { throw .invalid("--population cannot be negative") }
        self.communeCode = communeCode
        name = BilingualName(french: french, arabic: arabic)
        self.population = population
    }
}

public enum DistrictError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    /// The commune already has a district of that French name.
    case duplicate(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .duplicate(let name): "the commune already has a district named \(name)"
        }
    }
}

/// A commune as the command line lists it: with its province's name.
public struct CommuneEntry: Hashable, Sendable {
    public let commune: Commune
    public let provinceName: BilingualName

    public init(commune: Commune, provinceName: BilingualName) {
        self.commune = commune
        self.provinceName = provinceName
    }
}

/// Read access to the administrative map. Implemented on PostgreSQL; kept behind a protocol so use
/// cases and pages do not depend on storage.
public protocol GeographyRepository: Sendable {
    func regions() async throws -> [Region]
    func region(code: GeoCode) async throws -> Region?
    func provinces(inRegion code: GeoCode) async throws -> [Province]
    func province(code: GeoCode) async throws -> Province?
    func communes(inProvince code: GeoCode) async throws -> [Commune]
    func commune(code: GeoCode) async throws -> Commune?
    func districts(ofCommune code: GeoCode) async throws -> [District]
    /// Communes whose French or Arabic name contains `text` (Arabic compared without diacritics).
    func searchCommunes(_ text: String, limit: Int) async throws -> [Commune]
}

import MizanCore
import MizanPostgres
import PostgresDriver

/// A commune whose registry knows a few residents, for petition tests: Berkane (population over
/// 35,000) with one cycle whose registry holds `residents` (ID number and birth date).
public enum PetitionFixtures {
    public static let berkane = try! GeoCode(parsing: "02.113.01.09")

    /// `AB100000`…: ID numbers of `count` residents, each born on 1990-01-01.
    public static func residents(_ count: Int) -> [String] {
        (0..<count).map { "AB\(100_000 + $0)" }
    }

    public static let birthDate = "1990-01-01"

    /// Creates a cycle of the commune (in draft) and loads the residents into its registry; returns the cycle.
    @discardableResult
    public static func seedRegistry(
        commune: GeoCode = berkane, residents: [String], secrets: ServerSecrets, on connection: PostgresConnection
    ) throws -> CycleID {
        let cycle = try CycleStore.create(
            NewCycle(
                communeCode: commune, year: 2026, title: "Registre \(commune.value) \(residents.count)", budget: .dirhams(1_000_000),
                ballot: .approval(minimum: 1, maximum: 2), rule: .greedy, tieBreak: .lexicographic),
            actor: "test", on: connection)
        var reader = try RegistryFileReader(header: Array("national_id,birth_date".utf8), currentYear: 2026)
        _ = try RegistryStore.importRecords(
            cycleID: cycle.id, secrets: secrets, skipInvalid: false, actor: "test", source: "test", on: connection
        ) { accept in
            for (line, id) in residents.enumerated() {
                if case .success(let record) = reader.read(Array("\(id),\(birthDate)".utf8)[...], line: line + 2) { try accept(record) }
            }
            return []
        }
        return CycleID(cycle.id)
    }

    /// A citizens' draft with valid text.
    public static func draft(title: String = "Réparer l'éclairage du quartier", kind: String = "citizens") throws -> NewPetition {
        try NewPetition(
            kind: kind, agentName: "Fatima Zahra", associationName: kind == "association" ? "Association Al Amal" : nil,
            associationRegistration: kind == "association" ? "2019/145" : nil, associationSeat: kind == "association" ? "Berkane" : nil,
            title: title, demands: "Remplacer les lampadaires de la rue 12.", reasons: "La rue est dans le noir depuis six mois.",
            language: "fr")
    }
}

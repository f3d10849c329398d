/// How many signatures a petition needs before its agent may file it with the council: the legal
/// table, kept here and nowhere else, and a commune's own override.
///
/// Source: organic law 113-14 on communes (dahir 1.15.85 of 7 July 2015, B.O. 6380), part on
/// petitions, arts. 121-125, with decree 2.16.403 (2016) on the form of petitions and their
/// filing. The table as it reached this project:
///
/// | commune | signatures of citizens, at least |
/// |---|---|
/// | fewer than 35,000 inhabitants | 100 |
/// | 35,000 inhabitants or more | 200 |
/// | commune with arrondissements (Casablanca, Rabat, Fès, Marrakech, Salé, Tanger) | 400 |
///
/// What was verified and what was not: the figures are those the research behind this feature
/// found; the official text (B.O. 6380, or adala.justice.gov.ma) could not be fetched from where
/// this was written, so neither the figures, the article that carries them (believed to be art. 125)
/// nor the later amendments of the organic law (2021) were checked against it. Two readings are
/// Mizan's own and equally unverified: the boundary (exactly 35,000 inhabitants needs 200, since
/// the text is read as "fewer than 35,000" for the smaller figure), and that a petition of an
/// association needs no minimum of signatures (the law sets conditions on the association itself
/// — recognised for some years, seat or branch in the commune, activity related to the petition —
/// which the council's bureau checks when it decides admissibility). Whoever confirms the text
/// should correct this table or, for one commune, set an override (`mizan petition threshold`).
///
/// Population is the commune's figure Mizan stores (HCP census 2024); whether the law means the
/// last census is, again, the research's reading.
public enum PetitionThreshold {
    /// Communes with fewer inhabitants than this need `small` signatures.
    public static let populationLimit = 35_000
    public static let small = 100
    public static let large = 200
    public static let withArrondissements = 400

    /// What the table gives for a commune.
    public static func legalMinimum(kind: PetitionKind, population: Int, hasArrondissements: Bool) -> Int {
        switch kind {
        case .association: 0
        case .citizens where hasArrondissements: withArrondissements
        case .citizens: population < populationLimit ? small : large
        }
    }

    /// The minimum that applies: the commune's override when staff set one (for citizens'
    /// petitions), else the legal table.
    public static func minimum(kind: PetitionKind, commune: PetitionCommune) -> Int {
        if kind == .citizens, let override = commune.overrideMinimum { return override }
        return legalMinimum(kind: kind, population: commune.population, hasArrondissements: commune.hasArrondissements)
    }
}

/// What the threshold depends on, for one commune.
public struct PetitionCommune: Sendable, Equatable {
    public let id: Int
    public let code: String
    public let name: BilingualName
    public let population: Int
    public let hasArrondissements: Bool
    /// A minimum staff set for this commune, replacing the table for citizens' petitions.
    public let overrideMinimum: Int?

    public init(id: Int, code: String, name: BilingualName, population: Int, hasArrondissements: Bool, overrideMinimum: Int?) {
        self.id = id
        self.code = code
        self.name = name
        self.population = population
        self.hasArrondissements = hasArrondissements
        self.overrideMinimum = overrideMinimum
    }
}

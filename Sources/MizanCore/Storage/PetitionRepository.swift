/// Petitions to the commune council and their signatures. Signers and agents are keys
/// (`ServerSecrets.digest` of their national ID number), the same the registry stores; no ID
/// number reaches storage.
///
/// The database enforces the state path, the threshold at filing, one signature per person per
/// petition and that signatures are only added while collecting (migration 0011); the use cases
/// check first so that people get a clear answer, and the database is the last word.
public protocol PetitionRepository {
    /// The commune with what its threshold depends on; nil for an unknown code.
    func commune(code: GeoCode) throws -> PetitionCommune?
    func commune(id: Int) throws -> PetitionCommune?

    /// True when the registry of one of the commune's cycles has this key (and, when given, this
    /// birth date `YYYY-MM-DD`): the commune's residents, and those its registry lists for an
    /// economic or professional activity there.
    func isResident(_ key: VoterKey, bornOn birthDate: String?, commune: Int) throws -> Bool

    func add(_ draft: NewPetition, commune: Int, agent: VoterKey) throws -> PetitionID
    func find(_ id: PetitionID) throws -> Petition?
    /// The petition locked for the rest of the transaction (its next step is decided on it).
    func lock(_ id: PetitionID) throws -> Petition?
    /// Petitions of a commune (or all), newest first.
    func list(commune: Int?, limit: Int) throws -> [Petition]
    /// Petitions of a commune (or all) by id, after `after`: a page of the open-data API, with one
    /// more than `limit` when a next page exists.
    func page(commune: Int?, after: Int?, limit: Int) throws -> [Petition]

    /// Records a signature; nil when recorded, or the channel of the signature this person already
    /// has on the petition (nothing is recorded then). `enteredBy` is set for paper only.
    func sign(_ petition: PetitionID, signer: VoterKey, channel: SignatureChannel, enteredBy: String?) throws -> SignatureChannel?

    /// Moves the petition to `filed` with `threshold` (the database counts and refuses below it).
    func file(_ id: PetitionID, threshold: Int) throws
    func decide(_ id: PetitionID, admissible: Bool, reasons: String?) throws
    func schedule(_ id: PetitionID, session: String, date: String) throws
    func answer(_ id: PetitionID, text: String) throws

    /// Sets a commune's own minimum of signatures for citizens' petitions filed from now on.
    func setThresholdOverride(commune: Int, minimum: Int, reason: String, actor: String) throws
}

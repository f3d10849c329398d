/// The cycles of all communes.
public protocol CycleRepository {
    func find(_ id: CycleID) throws -> Cycle?
    /// The cycle, or `CycleError.notFound`.
    func require(_ id: CycleID) throws -> Cycle
    /// The cycle, locked until the transaction ends: no phase change can interleave with the act
    /// that holds it (a tally reads the ballots of a cycle that cannot reopen meanwhile).
    func lock(_ id: CycleID) throws -> Cycle
    /// Every cycle, or those of one commune, by commune code, then newest year first.
    func list(communeCode: GeoCode?) throws -> [Cycle]

    /// Stores a new cycle in draft with its first phase record; `CycleError.communeNotFound` for an
    /// unknown commune and `CycleError.duplicate` when the commune has a cycle of that title that year.
    func create(_ cycle: NewCycle, actor: String) throws -> Cycle
    /// Replaces the settings of a cycle (its commune stays); the database refuses it once voting
    /// opens, and `CycleError.duplicate` when the commune has another cycle of that title that year.
    func update(_ cycle: CycleID, to settings: NewCycle) throws -> Cycle
    /// Enters `phase` and records who did it; the database refuses anything but the next phase.
    func move(_ cycle: Cycle, to phase: Phase, actor: String) throws
    /// How many of the cycle's proposals are in review and accepted, and how many there are.
    func proposalCounts(_ cycle: CycleID) throws -> ProposalCounts
    /// How many district envelopes the cycle has and what they add up to.
    func envelopes(_ cycle: CycleID) throws -> (count: Int, total: Money)
    /// The cycle's envelopes by district name.
    func envelopeList(_ cycle: CycleID) throws -> [DistrictEnvelope]
    /// Sets one district's envelope (adding or replacing it); the database refuses it once voting opens.
    func setEnvelope(_ cycle: CycleID, district: DistrictID, budget: Money) throws
    func removeEnvelope(_ cycle: CycleID, district: DistrictID) throws
    /// Spoiled and blank paper ballots by polling place.
    func paperCounts(_ cycle: CycleID) throws -> [PaperCount]
    /// Adds or replaces one place's counts; the database refuses it outside voting and tallied.
    func recordPaperCount(_ cycle: CycleID, place: String, spoiled: Int, blank: Int, actor: String) throws
}

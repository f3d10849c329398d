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
}

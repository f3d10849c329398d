/// When each cycle entered each phase.
public protocol CycleHistoryRepository {
    /// The phases a cycle went through, oldest first.
    func phases(of cycle: CycleID) throws -> [PhaseEntry]
}

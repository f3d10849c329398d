/// Who took part in a cycle, for the participation dashboards and the open-data API. Counts are
/// live: callers decide whether the cycle's phase allows showing them.
public protocol ParticipationStatisticsRepository {
    /// Makes the rest of the transaction one read-only snapshot, so that every breakdown adds up to
    /// the same total even while votes arrive. Must be the transaction's first call.
    func beginSnapshot() throws
    /// Every breakdown of the cycle, protected (small counts withheld).
    func statistics(cycle: Cycle) throws -> ParticipationStatistics
}

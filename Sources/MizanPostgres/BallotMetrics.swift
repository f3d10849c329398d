import CoreMetrics
import PostgresDriver

/// What the ballot committer reports to the operator's metrics: ballots acknowledged as stored (a
/// vote counted here is on disk), ballots the database refused (voted already, voting closed), how
/// many ballots each flush carried, how long a batch took from the first statement to `COMMIT`, and
/// how often a whole batch failed and its ballots were written one by one.
///
/// Made with the factory given (the site's registry), never the process-wide `MetricsSystem`.
public struct BallotMetrics: Sendable {
    let committed: Counter
    let refused: Counter
    let batchSize: Recorder
    let commitTime: Timer
    let batchesRetried: Counter

    public static let batchSizeLabel = "mizan_ballot_batch_size"
    public static let commitTimeLabel = "mizan_ballot_commit_seconds"

    public init(factory: any MetricsFactory) {
        committed = Counter(label: "mizan_ballots_committed_total", factory: factory)
        refused = Counter(label: "mizan_ballots_refused_total", factory: factory)
        batchSize = Recorder(label: Self.batchSizeLabel, dimensions: [], aggregate: true, factory: factory)
        commitTime = Timer(label: Self.commitTimeLabel, factory: factory)
        batchesRetried = Counter(label: "mizan_ballot_batches_retried_total", factory: factory)
    }

    /// Counts nothing.
    public static var none: BallotMetrics { BallotMetrics(factory: NOOPMetricsHandler.instance) }
}

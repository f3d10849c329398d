import CoreMetrics

/// What the pool reports to the operator's metrics: how often a borrower found every connection
/// busy, how long it waited, and how often it gave up. A pool that waits often is too small for its
/// load (or the database is slow); timeouts are requests that were answered 503.
///
/// The metrics are made with the factory given (the site's Prometheus registry), never through the
/// process-wide `MetricsSystem`, so two pools in one process (the tests) count apart.
public struct PoolMetrics: Sendable {
    let waits: Counter
    let timeouts: Counter
    let waitTime: Timer

    public init(factory: any MetricsFactory) {
        waits = Counter(label: "mizan_pool_waits_total", factory: factory)
        timeouts = Counter(label: "mizan_pool_timeouts_total", factory: factory)
        waitTime = Timer(label: "mizan_pool_wait_seconds", factory: factory)
    }

    /// Counts nothing.
    public static var none: PoolMetrics { PoolMetrics(factory: NOOPMetricsHandler.instance) }
}

extension Timer {
    /// Records the time elapsed since `start` on the monotonic clock.
    public func recordElapsed(since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}

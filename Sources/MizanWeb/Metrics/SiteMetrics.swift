import CoreMetrics
import Prometheus
import Synchronization

/// The numbers an operator watches, kept in one Prometheus registry and served as text on the
/// metrics listener (`mizan serve --metrics-port`), never on the public site: the ballots counted
/// while voting is open are a live turnout figure, which the site publishes only with the results.
///
/// The pool and the ballot committer record into the same registry through `factory`; the site adds
/// requests by route and status and identification outcomes (`RequestMetricsMiddleware`). Nothing
/// goes through the process-wide `MetricsSystem`, so each site (each test) counts on its own.
public final class SiteMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    /// Run before each scrape, to set gauges that are read rather than counted (pool connections).
    private let scrapeHooks = Mutex<[@Sendable (SiteMetrics) -> Void]>([])

    /// - Parameter valueBuckets: value-histogram buckets by metric label (the batch sizes of the
    ///   ballot committer need small buckets; the library's default starts at 5).
    public init(valueBuckets: [String: [Double]] = [:], durationBuckets: [String: [Duration]] = [:]) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = valueBuckets
        factory.durationHistogramBuckets = durationBuckets
        // Request and commit latencies here are milliseconds, not the library's 5 ms and up.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// Adds work to do before each scrape, such as setting a gauge from a pool's statistics.
    public func beforeScrape(_ hook: @escaping @Sendable (SiteMetrics) -> Void) {
        scrapeHooks.withLock { $0.append(hook) }
    }

    /// Sets a gauge (made once, then found again in the registry by its label).
    public func set(gauge label: String, to value: Int) {
        Gauge(label: label, factory: factory).record(value)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    public func exposition() -> [UInt8] {
        for hook in scrapeHooks.withLock({ $0 }) { hook(self) }
        return registry.emitToBuffer()
    }

    /// Counts one answered request: route as registered (`/fr/cycles/:id`, never the raw path, so
    /// the number of series stays bounded), method and status.
    func countRequest(route: String, method: String, status: Int, seconds: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "mizan_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "mizan_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(seconds))
    }

    /// Counts an identification attempt by its result: `identified`, `failed` (no such voter or
    /// code, wrong birth date) or `limited` (too many failures for that entry or client).
    func countIdentification(result: String) {
        Counter(label: "mizan_identifications_total", dimensions: [("result", result)], factory: factory).increment()
    }

    /// Counts a results page or outcome answer served from `PublishedAnswerCache` (hit) or rendered.
    func countPageCache(hit: Bool) {
        Counter(label: "mizan_published_answers_total", dimensions: [("cache", hit ? "hit" : "miss")], factory: factory).increment()
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}

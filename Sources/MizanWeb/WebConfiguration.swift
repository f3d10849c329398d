/// Where the web server listens and how it behaves.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seconds a client is told to wait (Retry-After) when the database is unavailable.
    public var retryAfterSeconds: Int
    /// Mark cookies Secure: on when the site is served over TLS (directly or behind a proxy). Also
    /// sends HSTS.
    public var secureCookies: Bool
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    public var trustedProxies: TrustedProxies
    /// Seconds a new connection may take to send its first request head: a client sending headers
    /// slowly cannot hold a connection for long. (Later heads are bounded by the idle timeout.)
    public var headerTimeoutSeconds: Double
    /// Seconds a connection may sit idle (nothing read, nothing to answer) before it is closed.
    public var idleTimeoutSeconds: Double
    /// Seconds a cache may serve the public pages that are the same for everyone (a cycle, its
    /// results, the overviews, the published outcome) before revalidating them by `ETag`.
    public var publicMaxAgeSeconds: Int = 60
    /// How long a staff member's "tally" request waits for the tally before the page answers that
    /// it is running (it goes on either way; the page shows when it is done).
    public var tallyWait: Duration = .seconds(20)

    public init(
        host: String = "127.0.0.1", port: Int = 8080, retryAfterSeconds: Int = 5, secureCookies: Bool = false,
        trustedProxies: TrustedProxies = .none, headerTimeoutSeconds: Double = 10, idleTimeoutSeconds: Double = 60
    ) {
        self.host = host
        self.port = port
        self.retryAfterSeconds = retryAfterSeconds
        self.secureCookies = secureCookies
        self.trustedProxies = trustedProxies
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }
}

/// Where the web server listens and how it behaves.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Seconds a client is told to wait (Retry-After) when the database is unavailable.
    public var retryAfterSeconds: Int
    /// Mark cookies Secure: on when the site is served over TLS (directly or behind a proxy).
    public var secureCookies: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, retryAfterSeconds: Int = 5, secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.retryAfterSeconds = retryAfterSeconds
        self.secureCookies = secureCookies
    }
}

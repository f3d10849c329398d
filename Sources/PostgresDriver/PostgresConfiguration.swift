import CLibPQ

/// Where and how to connect, the libpq way: a `postgresql://` URI (`DATABASE_URL`), the standard `PG*`
/// environment variables, or explicit key words (used for the private cluster).
///
/// The values are handed to `PQconnectdbParams` as key word/value pairs, never spliced into a string,
/// so a password or database name with spaces or quotes needs no escaping.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    public enum Source: Sendable {
        /// A `postgresql://` or `postgres://` URI.
        case url(String)
        /// Nothing explicit: libpq reads `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`…
        case environment
        /// Explicit libpq key words such as `host`, `port`, `dbname`, `user`.
        case keywords([String: String])
    }

    public var source: Source
    /// Applied to every session so no runaway statement holds a connection forever.
    public var statementTimeoutMilliseconds: Int
    /// Seconds libpq waits for a connection to open.
    public var connectTimeoutSeconds: Int
    public var applicationName: String

    public init(
        source: Source, statementTimeoutMilliseconds: Int = 30_000, connectTimeoutSeconds: Int = 10,
        applicationName: String = "mizan"
    ) {
        self.source = source
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
    }

    /// The `PG*` variables that, when any is set, mean "use the server they describe".
    public static let environmentVariables = [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE",
    ]

    /// Reads `DATABASE_URL` or the `PG*` variables; `nil` when neither is set, which callers take as
    /// "start the private cluster".
    public static func fromEnvironment(_ environment: [String: String]) throws -> PostgresConfiguration? {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return try PostgresConfiguration(url: url)
        }
        if environmentVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) {
            return PostgresConfiguration(source: .environment)
        }
        return nil
    }

    /// Validates a URI with libpq's own parser; the error names the problem but never echoes the URI,
    /// which may hold a password.
    public init(url: String) throws {
        guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
            throw PostgresError(
                .configuration,
                "DATABASE_URL must be a postgresql:// URI (for example postgresql://user@localhost:5432/mizan)")
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            var reason = "it could not be parsed"
            if let errorMessage {
                reason = String(cString: errorMessage).trimmingWhitespace()
                PQfreemem(errorMessage)
            }
            throw PostgresError(.configuration, "DATABASE_URL is not a valid PostgreSQL URI: \(reason)")
        }
        PQconninfoFree(options)
        self.init(source: .url(url))
    }

    /// The key word/value pairs given to libpq. Later pairs override earlier ones, so our session
    /// settings come after whatever the URI says.
    func connectionParameters() -> [(String, String)] {
        var pairs: [(String, String)] = []
        switch source {
        case .url(let url): pairs.append(("dbname", url))
        case .environment: break
        case .keywords(let keywords):
            pairs += keywords.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        pairs.append(("connect_timeout", String(connectTimeoutSeconds)))
        pairs.append(("application_name", applicationName))
        pairs.append(("options", "-c statement_timeout=\(statementTimeoutMilliseconds) -c TimeZone=UTC"))
        pairs.append(("client_encoding", "UTF8"))
        return pairs
    }

    /// Replaces the database of any source; applied last so it wins over the URI's or `PGDATABASE`.
    public var databaseOverride: String?

    func allParameters() -> [(String, String)] {
        var pairs = connectionParameters()
        if let databaseOverride { pairs.append(("dbname", databaseOverride)) }
        return pairs
    }

    /// A description safe for logs: passwords are masked.
    public var description: String {
        switch source {
        case .url(let url):
            return Self.redact(url: url) + (databaseOverride.map { " dbname=\($0)" } ?? "")
        case .environment:
            return "PG* environment variables" + (databaseOverride.map { " dbname=\($0)" } ?? "")
        case .keywords(var keywords):
            if let databaseOverride { keywords["dbname"] = databaseOverride }
            return keywords.sorted { $0.key < $1.key }
                .map { $0.key == "password" ? "password=***" : "\($0.key)=\($0.value)" }
                .joined(separator: " ")
        }
    }

    /// Masks the password in `scheme://user:password@host…` and any `password=` query parameter.
    public static func redact(url: String) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://") {
            let rest = text[schemeEnd.upperBound...]
            if let at = rest.firstIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            {
                text.replaceSubrange(rest.index(after: colon)..<at, with: "***")
            }
        }
        if let range = text.range(of: "password=") {
            let end = text[range.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

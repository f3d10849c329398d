/// An error from the database layer.
///
/// It carries PostgreSQL's SQLSTATE so callers can map, say, `23505` (unique violation) to a domain
/// error, and its `description` never contains a password or the connection string.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The configuration is unusable (bad `DATABASE_URL`, missing variable…).
        case configuration
        /// Could not connect, or the connection broke while in use.
        case connection
        /// The server rejected a statement; see `sqlState`.
        case query
        /// No connection became free within the pool's queue timeout.
        case poolTimeout
        /// The pool is shut down.
        case poolClosed
        /// A value could not be turned into the Swift type asked for.
        case decoding
        /// A value cannot be sent as a bind parameter (e.g. text containing NUL).
        case encoding
    }

    public var kind: Kind
    /// The primary message, as PostgreSQL or libpq phrased it.
    public var message: String
    /// Five-character SQLSTATE code when the server reported one.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    /// Name of the violated constraint, when there is one.
    public var constraint: String?

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }

    /// True for errors that come from losing the server rather than from the statement itself, so a
    /// web page can answer "try again" with 503 instead of a failure.
    public var isUnavailable: Bool {
        switch kind {
        case .connection, .poolTimeout, .poolClosed: return true
        case .query:
            // Class 08 is connection exception, 57P0x is operator intervention (shutdown, restart),
            // 25006 a server that refuses writes (read-only transaction: a standby, or
            // default_transaction_read_only set to stop writes), class 53 insufficient resources
            // (53100 disk full, 53200 out of memory, 53300 too many connections).
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") || sqlState == SQLState.readOnlySQLTransaction
                || sqlState.hasPrefix("53")
        default: return false
        }
    }
}

/// SQLSTATE codes the application reacts to by name.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let checkViolation = "23514"
    public static let notNullViolation = "23502"
    public static let exclusionViolation = "23P01"
    public static let raiseException = "P0001"
    public static let queryCanceled = "57014"
    public static let invalidTextRepresentation = "22P02"
    public static let undefinedTable = "42P01"
    public static let syntaxError = "42601"
    public static let serializationFailure = "40001"
    public static let readOnlySQLTransaction = "25006"
    public static let diskFull = "53100"
}

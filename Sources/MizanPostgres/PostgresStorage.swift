import MizanCore
import PostgresDriver

/// MizanCore's `Storage` on a connection pool: each transaction borrows one connection for its
/// whole length and runs on the pool's thread.
public struct PostgresStorage: Storage {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func transaction<T: Sendable>(_ work: @escaping @Sendable (any Stores) throws -> T) async throws -> T {
        try await pool.withTransaction { connection in try work(PostgresStores(connection: connection)) }
    }

    public func ping() async throws {
        try await pool.query("SELECT 1")
    }
}

/// The stores of one transaction, all on its connection.
struct PostgresStores: Stores {
    let connection: PostgresConnection

    var audit: any AuditLogRepository { PostgresAuditLog(connection: connection) }
}

struct PostgresAuditLog: AuditLogRepository {
    let connection: PostgresConnection

    func append(actor: String, action: String, object: String, details: String) throws -> AuditEntry {
        try AuditLogStore.append(actor: actor, action: action, object: object, details: details, on: connection)
    }

    func entries(limit: Int?) throws -> [AuditEntry] {
        try AuditLogStore.entries(limit: limit, on: connection)
    }

    func newestHash() throws -> String {
        try AuditLogStore.newestHash(on: connection)
    }

    func head() throws -> AuditHead {
        try AuditLogStore.head(on: connection)
    }
}

extension EntityID: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(rawValue)) }
}

extension EntityID: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        self.init(try Int(postgresText: text))
    }
}

extension PostgresError: StorageFailure {
    public var isRuleViolation: Bool {
        guard let state = sqlState else { return false }
        return state.hasPrefix("23") || state == SQLState.raiseException
    }

    public var violatedRule: String? { constraint }
}

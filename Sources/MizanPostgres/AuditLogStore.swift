import Foundation
import MizanCore
import PostgresDriver

/// Appends to and reads the hash-chained audit log.
public enum AuditLogStore {
    /// Appends an entry inside the caller's transaction, so the entry exists exactly when the change
    /// it describes was committed. A transaction-scoped lock orders concurrent appenders.
    @discardableResult
    public static func append(
        actor: String, action: String, object: String, details: String = "", on connection: PostgresConnection
    ) throws -> AuditEntry {
        try connection.query("SELECT pg_advisory_xact_lock(74242002)")
        let previous = try connection.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").first?
            .decode(String.self, 0) ?? AuditEntry.genesisHash
        // The clock of the database, truncated to the microseconds it stores.
        let now = try connection.query("SELECT (extract(epoch FROM date_trunc('microseconds', clock_timestamp())) * 1000000)::bigint")
            .single().decode(Int64.self, 0)
        let hash = AuditEntry.hash(
            previousHash: previous, atMicroseconds: now, actor: actor, action: action, object: object, details: details)
        let id = try connection.query("""
            INSERT INTO audit_log (at, actor, action, object, details, previous_hash, hash)
            VALUES (to_timestamp(\(now)::numeric / 1000000), \(actor), \(action), \(object), \(details), \(previous), \(hash))
            RETURNING id
            """).single().decode(Int64.self, 0)
        return AuditEntry(
            id: id, atMicroseconds: now, actor: actor, action: action, object: object, details: details,
            previousHash: previous, hash: hash)
    }

    /// Entries in chain order, optionally only the last `limit`.
    public static func entries(limit: Int? = nil, on connection: PostgresConnection) throws -> [AuditEntry] {
        let limitClause: SQL = limit.map { "ORDER BY id DESC LIMIT \($0)" } ?? "ORDER BY id DESC"
        let rows = try connection.query("""
            SELECT id, (extract(epoch FROM at) * 1000000)::bigint, actor, action, object, details, previous_hash, hash
            FROM audit_log \(limitClause)
            """)
        return try rows.map { row in
            AuditEntry(
                id: try row.decode(Int64.self, 0), atMicroseconds: try row.decode(Int64.self, 1),
                actor: try row.decode(String.self, 2), action: try row.decode(String.self, 3),
                object: try row.decode(String.self, 4), details: try row.decode(String.self, 5),
                previousHash: try row.decode(String.self, 6), hash: try row.decode(String.self, 7))
        }.reversed()
    }

    /// The entry count and the newest hash, read by one statement so both describe the same log.
    public static func head(on connection: PostgresConnection) throws -> AuditHead {
        let row = try connection.query("""
            SELECT count(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log
            """).single()
        return AuditHead(entries: try row.decode(Int.self, 0), hash: try row.decodeIfPresent(String.self, 1) ?? AuditEntry.genesisHash)
    }

    /// The newest entry's hash, by the primary key's index (no count of the whole log).
    public static func newestHash(on connection: PostgresConnection) throws -> String {
        try connection.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").first?.decode(String.self, 0) ?? AuditEntry.genesisHash
    }

    public static func verify(on connection: PostgresConnection) throws -> AuditVerification {
        AuditVerification.verify(try entries(on: connection))
    }
}

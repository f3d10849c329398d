import Foundation
import MizanCore
import PostgresDriver

/// Reads and records (once) the fingerprint of the server secret a database was set up with.
public enum SecretFingerprintStore {
    /// What the database says about its secret.
    public enum State: Sendable, Equatable {
        /// The schema predates the fingerprint table: migrations are pending.
        case notMigrated
        /// No fingerprint yet. `holdsSecretData` tells whether rows made with some secret exist
        /// already (registry digests, voting codes), as in a database set up before fingerprints.
        case unrecorded(holdsSecretData: Bool)
        case recorded(SecretFingerprint)
    }

    public static func state(on connection: PostgresConnection) throws -> State {
        let hasTable = try connection.query("SELECT to_regclass('server_secret_fingerprint') IS NOT NULL")
            .single().decode(Bool.self, 0)
        guard hasTable else { return .notMigrated }
        if let text = try connection.query("SELECT fingerprint FROM server_secret_fingerprint").first?.decode(String.self, 0),
            let fingerprint = SecretFingerprint(hex: text)
        {
            return .recorded(fingerprint)
        }
        let holds = try connection.query("""
            SELECT EXISTS (SELECT FROM registry_entries) OR EXISTS (SELECT FROM voting_codes)
            """).single().decode(Bool.self, 0)
        return .unrecorded(holdsSecretData: holds)
    }

    /// Records `fingerprint` unless one is recorded already, with its audit entry, in one
    /// transaction; returns the fingerprint the database holds afterwards (another process may have
    /// recorded a different one first).
    public static func record(
        _ fingerprint: SecretFingerprint, actor: String, on connection: PostgresConnection
    ) throws -> SecretFingerprint {
        try connection.transaction { connection in
            let inserted = try connection.query("""
                INSERT INTO server_secret_fingerprint (fingerprint) VALUES (\(fingerprint.hex))
                ON CONFLICT (only_row) DO NOTHING RETURNING fingerprint
                """)
            guard inserted.isEmpty else {
                try AuditLogStore.append(
                    actor: actor, action: "secret.record", object: "server-secret",
                    details: "fingerprint=\(fingerprint.hex)", on: connection)
                return fingerprint
            }
            let text = try connection.query("SELECT fingerprint FROM server_secret_fingerprint").single().decode(String.self, 0)
            return SecretFingerprint(hex: text) ?? fingerprint
        }
    }
}

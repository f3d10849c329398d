import Foundation
import MizanCore
import PostgresDriver

extension PostgresStores {
    var staffLoginFailures: any StaffLoginFailureRepository { PostgresStaffLoginFailures(connection: connection) }
}

/// Failed staff logins, one row each, counted per lowercased username and per client address
/// within the policy's window. Rows of successful logins are removed; old ones are purged by
/// `StaffSessionStore.purgeExpired`.
struct PostgresStaffLoginFailures: StaffLoginFailureRepository {
    let connection: PostgresConnection

    func serialize() throws {
        try connection.query("SELECT pg_advisory_xact_lock(74242005)")
    }

    func count(usernameKey username: String, clientAddress address: String?, window: Int) throws -> StaffLoginFailureCounts {
        let counts = try connection.query("""
            SELECT count(*) FILTER (WHERE username_key = \(username)),
                   count(*) FILTER (WHERE client_address = \(address)),
                   extract(epoch FROM min(at) FILTER (WHERE username_key = \(username)) + make_interval(secs => \(window)) - now()),
                   extract(epoch FROM min(at) FILTER (WHERE client_address = \(address)) + make_interval(secs => \(window)) - now())
            FROM staff_login_failures
            WHERE at > now() - make_interval(secs => \(window)) AND (username_key = \(username) OR client_address = \(address))
            """).single()
        return StaffLoginFailureCounts(
            byUsername: try counts.decode(Int.self, 0), byAddress: try counts.decode(Int.self, 1),
            usernameSecondsLeft: try counts.decodeIfPresent(Double.self, 2), addressSecondsLeft: try counts.decodeIfPresent(Double.self, 3))
    }

    func record(usernameKey username: String, clientAddress address: String?) throws -> Int64 {
        try connection.query("""
            INSERT INTO staff_login_failures (username_key, client_address) VALUES (\(username), \(address)) RETURNING id
            """).single().decode(Int64.self, 0)
    }

    func clear(attemptID: Int64, usernameKey username: String, clientAddress address: String?) throws {
        try connection.query("""
            DELETE FROM staff_login_failures
            WHERE id = \(attemptID) OR (username_key = \(username) AND client_address IS NOT DISTINCT FROM \(address))
            """)
    }
}

import Foundation
import MizanCore
import PostgresDriver

/// Staff web sessions. The browser holds a random 32-byte token; the database holds only its
/// SHA-256, so a copy of the table cannot be replayed. Any web server can resume any session.
public enum StaffSessionStore {
    /// Starts a session for the account and returns the token for the cookie.
    public static func start(accountID: Int, policy: StaffAccessPolicy, on connection: PostgresConnection) throws -> String {
        let token = RandomToken.make(bytes: 32)
        let lifetime = Int(policy.absoluteLifetime)
        try connection.query("""
            INSERT INTO staff_sessions (token_hash, account_id, expires_at)
            VALUES (\(PostgresBytes(RandomToken.digest(token))), \(accountID), now() + make_interval(secs => \(lifetime)))
            """)
        return token
    }

    /// The member a token signs in, if its session is neither past its absolute expiry nor idle for
    /// longer than the policy allows and the account is active; marks the session as just used.
    public static func resume(token: String, policy: StaffAccessPolicy, on connection: PostgresConnection) throws -> StaffMember? {
        let idle = Int(policy.idleTimeout)
        guard let row = try connection.query("""
            UPDATE staff_sessions s SET last_seen_at = greatest(now(), s.last_seen_at)
            FROM staff_accounts a
            WHERE s.token_hash = \(PostgresBytes(RandomToken.digest(token))) AND a.id = s.account_id AND a.disabled_at IS NULL
              AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(idle))
            RETURNING a.id, a.username, a.display_name, a.role
            """).first
        else { return nil }
        return try StaffStore.member(row)
    }

    /// Ends one session (logout). Unknown tokens are ignored.
    public static func end(token: String, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM staff_sessions WHERE token_hash = \(PostgresBytes(RandomToken.digest(token)))")
    }

    /// Ends every session of an account; returns how many there were.
    @discardableResult
    public static func endAll(accountID: Int, on connection: PostgresConnection) throws -> Int {
        try connection.query("DELETE FROM staff_sessions WHERE account_id = \(accountID) RETURNING 1").count
    }

    /// Deletes sessions that can no longer be resumed, and failed logins older than the window.
    public static func purgeExpired(policy: StaffAccessPolicy, on connection: PostgresConnection) throws {
        try connection.query("""
            DELETE FROM staff_sessions
            WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => \(Int(policy.idleTimeout)))
            """)
        try connection.query("DELETE FROM staff_login_failures WHERE at <= now() - make_interval(secs => \(Int(policy.failureWindow)))")
    }
}

extension PostgresStores {
    var staffSessions: any StaffSessionRepository { PostgresStaffSessions(connection: connection) }
}

struct PostgresStaffSessions: StaffSessionRepository {
    let connection: PostgresConnection

    func start(accountID: Int, policy: StaffAccessPolicy) throws -> String {
        try StaffSessionStore.start(accountID: accountID, policy: policy, on: connection)
    }

    func resume(token: String, policy: StaffAccessPolicy) throws -> StaffMember? {
        try StaffSessionStore.resume(token: token, policy: policy, on: connection)
    }

    func end(token: String) throws { try StaffSessionStore.end(token: token, on: connection) }
    func endAll(accountID: Int) throws -> Int { try StaffSessionStore.endAll(accountID: accountID, on: connection) }
    func purgeExpired(policy: StaffAccessPolicy) throws { try StaffSessionStore.purgeExpired(policy: policy, on: connection) }
}

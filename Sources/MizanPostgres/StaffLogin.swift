import Foundation
import MizanCore
import NIOPosix
import PostgresDriver

/// A staff login attempt: rate limiting, password check, session, audit log.
///
/// The attempt is first written down as a failure (in a short transaction that also counts the
/// recent failures, serialised so concurrent attempts cannot slip past the limit), then the password
/// is checked outside any transaction and connection (the derivation is deliberately slow), and the
/// row is removed when the password was right. Unknown and disabled usernames cost the same derivation as real ones.
public enum StaffLogin {
    public enum Outcome: Sendable, Equatable {
        case signedIn(StaffMember, token: String)
        /// Wrong username or password; which one is not told.
        case rejected
        /// Too many recent failures for this username or address; try again after the delay.
        case locked(retryAfterSeconds: Int)
    }

    enum Reservation: Sendable {
        case attempt(Int64, StaffStore.Credentials?)
        case locked(Int)
    }

    /// The lowercased, length-bounded form of whatever was typed, for counting and the audit log.
    static func key(_ typed: String) -> String {
        String(typed.trimmingCharacters(in: .whitespaces).lowercased().prefix(64))
    }

    public static func attempt(
        username typed: String, password: String, clientAddress: String?, policy: StaffAccessPolicy = .standard,
        pool: ConnectionPool
    ) async throws -> Outcome {
        let username = key(typed)
        let address = clientAddress.map { String($0.prefix(100)) }
        let window = Int(policy.failureWindow)
        let reservation = try await pool.withTransaction { connection -> Reservation in
            try connection.query("SELECT pg_advisory_xact_lock(74242005)")
            let counts = try connection.query("""
                SELECT count(*) FILTER (WHERE username_key = \(username)),
                       count(*) FILTER (WHERE client_address = \(address)),
                       extract(epoch FROM min(at) FILTER (WHERE username_key = \(username)) + make_interval(secs => \(window)) - now()),
                       extract(epoch FROM min(at) FILTER (WHERE client_address = \(address)) + make_interval(secs => \(window)) - now())
                FROM staff_login_failures
                WHERE at > now() - make_interval(secs => \(window)) AND (username_key = \(username) OR client_address = \(address))
                """).single()
            let byUsername = try counts.decode(Int.self, 0)
            let byAddress = try counts.decode(Int.self, 1)
            var waits: [Double] = []
            if byUsername >= policy.maximumFailuresPerUsername, let wait = try counts.decodeIfPresent(Double.self, 2) { waits.append(wait) }
            if byAddress >= policy.maximumFailuresPerAddress, let wait = try counts.decodeIfPresent(Double.self, 3) { waits.append(wait) }
            if let longest = waits.max() {
                // Not written to the audit log: the lockout itself was, when it began, and an
                // attacker hammering a locked door must not be able to grow the log at will.
                return .locked(max(1, Int(longest.rounded(.up))))
            }
            let id = try connection.query("""
                INSERT INTO staff_login_failures (username_key, client_address) VALUES (\(username), \(address)) RETURNING id
                """).single().decode(Int64.self, 0)
            return .attempt(id, try StaffStore.credentials(usernameKey: username, on: connection))
        }
        guard case .attempt(let attemptID, let stored) = reservation else {
            if case .locked(let seconds) = reservation { return .locked(retryAfterSeconds: seconds) }
            return .rejected
        }

        // The derivation runs on its own threads, holding no database connection: a burst of
        // logins waits there instead of starving the citizens' pages of connections.
        let member = try await NIOThreadPool.singleton.runIfActive { () -> StaffMember? in
            if let stored, let hash = try? PasswordHash(parsing: stored.hash) {
                return hash.verify(password) ? stored.member : nil
            }
            PasswordHash.spendVerificationTime(password)
            return nil
        }

        return try await pool.withTransaction { connection -> Outcome in
            guard let member else {
                try AuditLogStore.append(
                    actor: "web", action: "staff.login_failed", object: username, details: "address=\(address ?? "unknown")", on: connection)
                // The failure that reaches a limit starts a lockout: that is logged once.
                let counts = try connection.query("""
                    SELECT count(*) FILTER (WHERE username_key = \(username)), count(*) FILTER (WHERE client_address = \(address))
                    FROM staff_login_failures
                    WHERE at > now() - make_interval(secs => \(window)) AND (username_key = \(username) OR client_address = \(address))
                    """).single()
                let byUsername = try counts.decode(Int.self, 0)
                let byAddress = try counts.decode(Int.self, 1)
                if byUsername == policy.maximumFailuresPerUsername || byAddress == policy.maximumFailuresPerAddress {
                    try AuditLogStore.append(
                        actor: "web", action: "staff.login_locked", object: username,
                        details: "address=\(address ?? "unknown") failures_username=\(byUsername) failures_address=\(byAddress) for=\(window)s",
                        on: connection)
                }
                return .rejected
            }
            // A right password clears the username's earlier failures; the address's stay counted.
            try connection.query("""
                DELETE FROM staff_login_failures
                WHERE id = \(attemptID) OR (username_key = \(username) AND client_address IS NOT DISTINCT FROM \(address))
                """)
            // Logins are rare enough to carry the housekeeping: sessions and failures past use.
            try StaffSessionStore.purgeExpired(policy: policy, on: connection)
            let token = try StaffSessionStore.start(accountID: member.accountID, policy: policy, on: connection)
            try AuditLogStore.append(
                actor: member.username, action: "staff.login", object: username, details: "address=\(address ?? "unknown")", on: connection)
            return .signedIn(member, token: token)
        }
    }
}

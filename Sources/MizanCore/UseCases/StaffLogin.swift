import Dispatch
import Foundation

/// A staff login attempt: rate limiting, password check, session, audit log.
///
/// Unlike other acts this takes two transactions, on purpose: the attempt is first written down as
/// a failure (in a short transaction that also counts the recent failures, serialised so concurrent
/// attempts cannot slip past the limit), then the password is checked outside any transaction and
/// connection (the derivation is deliberately slow), and a second transaction removes the row when
/// the password was right, or logs the failure when it was not. Unknown and disabled usernames cost
/// the same derivation as real ones.
public struct StaffLogin: Sendable {
    public enum Outcome: Sendable, Equatable {
        case signedIn(StaffMember, token: String)
        /// Wrong username or password; which one is not told.
        case rejected
        /// Too many recent failures for this username or address; try again after the delay.
        case locked(retryAfterSeconds: Int)
    }

    public struct Request: Sendable {
        /// As typed: case and surrounding spaces do not matter.
        public var username: String
        public var password: String
        public var clientAddress: String?
        /// The session token the browser already had: a new login never reuses it (no session
        /// fixation), whatever the outcome.
        public var previousToken: String?

        public init(username: String, password: String, clientAddress: String?, previousToken: String? = nil) {
            self.username = username
            self.password = password
            self.clientAddress = clientAddress
            self.previousToken = previousToken
        }
    }

    let storage: any Storage
    let policy: StaffAccessPolicy

    public init(storage: any Storage, policy: StaffAccessPolicy = .standard) {
        self.storage = storage
        self.policy = policy
    }

    enum Reservation: Sendable {
        case attempt(Int64, StaffCredentials?)
        case locked(Int)
        case empty
    }

    /// The lowercased, length-bounded form of whatever was typed, for counting and the audit log.
    static func key(_ typed: String) -> String {
        String(typed.trimmingCharacters(in: .whitespaces).lowercased().prefix(64))
    }

    public func execute(_ request: Request) async throws -> Outcome {
        let username = Self.key(request.username)
        let password = request.password
        let address = request.clientAddress.map { String($0.prefix(100)) }
        let previous = request.previousToken.flatMap { $0.isEmpty ? nil : $0 }
        let window = Int(policy.failureWindow)
        let policy = policy
        let isEmpty = username.isEmpty || password.isEmpty
        guard !isEmpty || previous != nil else { return .rejected }

        let reservation = try await storage.transaction { stores -> Reservation in
            if let previous { try stores.staffSessions.end(token: previous) }
            if isEmpty { return .empty }
            try stores.staffLoginFailures.serialize()
            let counts = try stores.staffLoginFailures.count(usernameKey: username, clientAddress: address, window: window)
            var waits: [Double] = []
            if counts.byUsername >= policy.maximumFailuresPerUsername, let wait = counts.usernameSecondsLeft { waits.append(wait) }
            if counts.byAddress >= policy.maximumFailuresPerAddress, let wait = counts.addressSecondsLeft { waits.append(wait) }
            if let longest = waits.max() {
                // Not written to the audit log: the lockout itself was, when it began, and an
                // attacker hammering a locked door must not be able to grow the log at will.
                return .locked(max(1, Int(longest.rounded(.up))))
            }
            let id = try stores.staffLoginFailures.record(usernameKey: username, clientAddress: address)
            return .attempt(id, try stores.staff.credentials(usernameKey: username))
        }
        let attemptID: Int64
        let stored: StaffCredentials?
        switch reservation {
        case .empty: return .rejected
        case .locked(let seconds): return .locked(retryAfterSeconds: seconds)
        case .attempt(let id, let credentials): (attemptID, stored) = (id, credentials)
        }

        // The derivation runs on threads of its own, holding no database connection: a burst of
        // logins waits there instead of starving the citizens' pages of connections or the
        // cooperative threads that serve every request.
        let member = await Self.offCooperativeThreads { () -> StaffMember? in
            if let stored, let hash = try? PasswordHash(parsing: stored.passwordHash) {
                return hash.verify(password) ? stored.member : nil
            }
            PasswordHash.spendVerificationTime(password)
            return nil
        }

        return try await storage.transaction { stores -> Outcome in
            let detail = "address=\(address ?? "unknown")"
            guard let member else {
                try stores.audit.append(actor: "web", action: "staff.login_failed", object: username, details: detail)
                // The failure that reaches a limit starts a lockout: that is logged once.
                let counts = try stores.staffLoginFailures.count(usernameKey: username, clientAddress: address, window: window)
                if counts.byUsername == policy.maximumFailuresPerUsername || counts.byAddress == policy.maximumFailuresPerAddress {
                    try stores.audit.append(
                        actor: "web", action: "staff.login_locked", object: username,
                        details: "\(detail) failures_username=\(counts.byUsername) failures_address=\(counts.byAddress) for=\(window)s")
                }
                return .rejected
            }
            try stores.staffLoginFailures.clear(attemptID: attemptID, usernameKey: username, clientAddress: address)
            // Logins are rare enough to carry the housekeeping: sessions and failures past use.
            try stores.staffSessions.purgeExpired(policy: policy)
            let token = try stores.staffSessions.start(accountID: member.accountID, policy: policy)
            try stores.audit.append(actor: member.username, action: "staff.login", object: username, details: detail)
            return .signedIn(member, token: token)
        }
    }

    static func offCooperativeThreads<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}

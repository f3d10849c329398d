/// Staff web sessions. The browser holds a random token; storage holds only its SHA-256, so a copy
/// of the table cannot be replayed. Any web server can resume any session.
public protocol StaffSessionRepository {
    /// Starts a session for the account and returns the token for the cookie.
    func start(accountID: Int, policy: StaffAccessPolicy) throws -> String
    /// The member a token signs in, if its session is neither past its absolute expiry nor idle for
    /// longer than the policy allows and the account is active; marks the session as just used.
    func resume(token: String, policy: StaffAccessPolicy) throws -> StaffMember?
    /// Ends one session (logout). Unknown tokens are ignored.
    func end(token: String) throws
    /// Ends every session of an account; returns how many there were.
    @discardableResult
    func endAll(accountID: Int) throws -> Int
    /// Deletes sessions that can no longer be resumed, and failed logins older than the window.
    func purgeExpired(policy: StaffAccessPolicy) throws
}

/// Failed staff logins, counted per username and per client address for the rate limits. Every
/// web server sees the same counts.
public protocol StaffLoginFailureRepository {
    /// Makes every other login's count-then-record wait until this transaction ends, so concurrent
    /// attempts cannot slip past a limit.
    func serialize() throws
    /// The failures within `window` for the username and for the address.
    func count(usernameKey: String, clientAddress: String?, window: Int) throws -> StaffLoginFailureCounts
    /// Writes an attempt down as a failure; returns its id.
    func record(usernameKey: String, clientAddress: String?) throws -> Int64
    /// Removes the attempt and the username's earlier failures from the same address (a right
    /// password clears them; the address's other failures stay counted).
    func clear(attemptID: Int64, usernameKey: String, clientAddress: String?) throws
}

/// Recent failed logins for one username and one address.
public struct StaffLoginFailureCounts: Sendable, Equatable {
    public let byUsername: Int
    public let byAddress: Int
    /// Seconds until the username's oldest counted failure leaves the window, if it has any.
    public let usernameSecondsLeft: Double?
    /// Seconds until the address's oldest counted failure leaves the window, if it has any.
    public let addressSecondsLeft: Double?

    public init(byUsername: Int, byAddress: Int, usernameSecondsLeft: Double?, addressSecondsLeft: Double?) {
        self.byUsername = byUsername
        self.byAddress = byAddress
        self.usernameSecondsLeft = usernameSecondsLeft
        self.addressSecondsLeft = addressSecondsLeft
    }
}

/// Staff accounts. Accounts are disabled, never deleted, so the audit log's names keep pointing at
/// someone. The use cases write the audit entries; the repository only keeps the accounts.
public protocol StaffRepository {
    /// Creates an account from an already computed hash (hashing is slow: it happens before the
    /// transaction). `StaffError.duplicate` when the username, in any case, is taken.
    func create(username: StaffUsername, displayName: String, role: StaffRole, passwordHash: PasswordHash) throws -> StaffAccount
    /// Every account, disabled ones included, by username ignoring case.
    func list() throws -> [StaffAccount]
    func find(_ username: StaffUsername) throws -> StaffAccount?
    /// Marks the account disabled from now on and returns it.
    func disable(accountID: Int) throws -> StaffAccount
    func setPassword(accountID: Int, passwordHash: PasswordHash) throws
    /// The active account and its stored hash, for a login. Disabled accounts are not returned.
    func credentials(usernameKey: String) throws -> StaffCredentials?
}

/// What a login checks a password against.
public struct StaffCredentials: Sendable {
    public let member: StaffMember
    /// The stored hash as written (`PasswordHash.encoded`).
    public let passwordHash: String

    public init(member: StaffMember, passwordHash: String) {
        self.member = member
        self.passwordHash = passwordHash
    }
}

import Foundation
import MizanCore
import PostgresDriver

/// Staff accounts: creation, listing, disabling and password changes (the use cases write the
/// audit entries). Accounts are disabled, never deleted, so the audit log's names keep
/// pointing at someone.
public enum StaffStore {
    static let columns: SQL = "SELECT id, username, display_name, role, created_at, disabled_at FROM staff_accounts"

    /// Creates an account from an already computed hash (hash outside the transaction: it is slow)
    /// and logs it. `mizan serve --demo` and the tests use it; the staff commands go through
    /// `AddStaffAccount`.
    @discardableResult
    public static func create(
        username: StaffUsername, displayName: String, role: StaffRole, passwordHash: PasswordHash, actor: String,
        on connection: PostgresConnection
    ) throws -> StaffAccount {
        let name = try validatedDisplayName(displayName)
        let account = try insert(username: username, displayName: name, role: role, passwordHash: passwordHash, on: connection)
        try AuditLogStore.append(
            actor: actor, action: "staff.add", object: "staff:\(username.key)", details: "role=\(role.rawValue) name=\(name)", on: connection)
        return account
    }

    /// Inserts the account; `StaffError.duplicate` when the username (any case) is taken.
    static func insert(
        username: StaffUsername, displayName: String, role: StaffRole, passwordHash: PasswordHash, on connection: PostgresConnection
    ) throws -> StaffAccount {
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                INSERT INTO staff_accounts (username, display_name, role, password_hash)
                VALUES (\(username.value), \(displayName), \(role.rawValue), \(passwordHash.encoded))
                RETURNING id
                """)
        } catch {
            if error.sqlState == SQLState.uniqueViolation { throw StaffError.duplicate(username.value) }
            throw error
        }
        return try require(id: try inserted.single().decode(Int.self, 0), on: connection)
    }

    /// Hashes `password` and creates the account: for tests and seeding, which may pass cheaper
    /// scrypt parameters than the production standard.
    @discardableResult
    public static func create(
        username: String, displayName: String, role: StaffRole, password: String, parameters: ScryptParameters = .standard,
        actor: String, on connection: PostgresConnection
    ) throws -> StaffAccount {
        let hash = try PasswordHash.make(StaffPassword(validating: password), parameters: parameters)
        return try create(
            username: StaffUsername(parsing: username), displayName: displayName, role: role, passwordHash: hash, actor: actor,
            on: connection)
    }

    public static func list(on connection: PostgresConnection) throws -> [StaffAccount] {
        try connection.query("\(columns) ORDER BY lower(username)").map(decode)
    }

    public static func find(_ username: StaffUsername, on connection: PostgresConnection) throws -> StaffAccount? {
        try connection.query("\(columns) WHERE lower(username) = \(username.key)").map(decode).first
    }

    static func require(id: Int, on connection: PostgresConnection) throws -> StaffAccount {
        try decode(connection.query("\(columns) WHERE id = \(id)").single())
    }

    /// Marks the account disabled from now on.
    static func markDisabled(accountID: Int, on connection: PostgresConnection) throws -> StaffAccount {
        try connection.query("UPDATE staff_accounts SET disabled_at = now() WHERE id = \(accountID)")
        return try require(id: accountID, on: connection)
    }

    /// Replaces the password hash.
    static func setPassword(accountID: Int, passwordHash: PasswordHash, on connection: PostgresConnection) throws {
        try connection.query("""
            UPDATE staff_accounts SET password_hash = \(passwordHash.encoded), password_changed_at = now() WHERE id = \(accountID)
            """)
    }

    /// The active account and its stored hash, for a login. Disabled accounts are not returned.
    static func credentials(usernameKey: String, on connection: PostgresConnection) throws -> StaffCredentials? {
        guard let row = try connection.query("""
            SELECT id, username, display_name, role, password_hash FROM staff_accounts
            WHERE lower(username) = \(usernameKey) AND disabled_at IS NULL
            """).first
        else { return nil }
        return StaffCredentials(member: try member(row), passwordHash: try row.decode(String.self, 4))
    }

    static func member(_ row: Row) throws -> StaffMember {
        let role = try row.decode(String.self, 3)
        return StaffMember(
            accountID: try row.decode(Int.self, 0), username: try row.decode(String.self, 1), displayName: try row.decode(String.self, 2),
            role: StaffRole(rawValue: role) ?? .auditor)
    }

    static func decode(_ row: Row) throws -> StaffAccount {
        StaffAccount(member: try member(row), createdAt: try row.decode(Date.self, 4), disabledAt: try row.decodeIfPresent(Date.self, 5))
    }
}

extension PostgresStores {
    var staff: any StaffRepository { PostgresStaff(connection: connection) }
}

struct PostgresStaff: StaffRepository {
    let connection: PostgresConnection

    func create(username: StaffUsername, displayName: String, role: StaffRole, passwordHash: PasswordHash) throws -> StaffAccount {
        try StaffStore.insert(username: username, displayName: displayName, role: role, passwordHash: passwordHash, on: connection)
    }

    func list() throws -> [StaffAccount] { try StaffStore.list(on: connection) }
    func find(_ username: StaffUsername) throws -> StaffAccount? { try StaffStore.find(username, on: connection) }
    func disable(accountID: Int) throws -> StaffAccount { try StaffStore.markDisabled(accountID: accountID, on: connection) }

    func setPassword(accountID: Int, passwordHash: PasswordHash) throws {
        try StaffStore.setPassword(accountID: accountID, passwordHash: passwordHash, on: connection)
    }

    func credentials(usernameKey: String) throws -> StaffCredentials? { try StaffStore.credentials(usernameKey: usernameKey, on: connection) }
}

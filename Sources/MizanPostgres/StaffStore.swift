import Foundation
import MizanCore
import PostgresDriver

/// Staff accounts: creation, listing, disabling and password changes, each with its audit entry in
/// the caller's transaction. Accounts are disabled, never deleted, so the audit log's names keep
/// pointing at someone.
public enum StaffStore {
    static let columns: SQL = "SELECT id, username, display_name, role, created_at, disabled_at FROM staff_accounts"

    /// Creates an account from an already computed hash (hash outside the transaction: it is slow).
    @discardableResult
    public static func create(
        username: StaffUsername, displayName: String, role: StaffRole, passwordHash: PasswordHash, actor: String,
        on connection: PostgresConnection
    ) throws -> StaffAccount {
        let name = try validatedDisplayName(displayName)
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                INSERT INTO staff_accounts (username, display_name, role, password_hash)
                VALUES (\(username.value), \(name), \(role.rawValue), \(passwordHash.encoded))
                RETURNING id
                """)
        } catch {
            if error.sqlState == SQLState.uniqueViolation { throw StaffError.duplicate(username.value) }
            throw error
        }
        let id = try inserted.single().decode(Int.self, 0)
        try AuditLogStore.append(
            actor: actor, action: "staff.add", object: "staff:\(username.key)", details: "role=\(role.rawValue) name=\(name)", on: connection)
        return try require(id: id, on: connection)
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

    /// Disables the account and ends its sessions at once.
    public static func disable(_ username: StaffUsername, actor: String, on connection: PostgresConnection) throws -> StaffAccount {
        guard let account = try find(username, on: connection) else { throw StaffError.notFound(username.value) }
        guard account.disabledAt == nil else { throw StaffError.alreadyDisabled(account.member.username) }
        try connection.query("UPDATE staff_accounts SET disabled_at = now() WHERE id = \(account.member.accountID)")
        let ended = try StaffSessionStore.endAll(accountID: account.member.accountID, on: connection)
        try AuditLogStore.append(
            actor: actor, action: "staff.disable", object: "staff:\(username.key)", details: "sessions_ended=\(ended)", on: connection)
        return try require(id: account.member.accountID, on: connection)
    }

    /// Replaces the password hash and ends the account's sessions, so a leaked session does not
    /// outlive the password change.
    public static func setPassword(
        _ username: StaffUsername, passwordHash: PasswordHash, actor: String, on connection: PostgresConnection
    ) throws {
        guard let account = try find(username, on: connection) else { throw StaffError.notFound(username.value) }
        try connection.query("""
            UPDATE staff_accounts SET password_hash = \(passwordHash.encoded), password_changed_at = now()
            WHERE id = \(account.member.accountID)
            """)
        let ended = try StaffSessionStore.endAll(accountID: account.member.accountID, on: connection)
        try AuditLogStore.append(
            actor: actor, action: "staff.password", object: "staff:\(username.key)", details: "sessions_ended=\(ended)", on: connection)
    }

    struct Credentials: Sendable {
        let member: StaffMember
        let hash: String
    }

    /// The active account and its stored hash, for a login. Disabled accounts are not returned.
    static func credentials(usernameKey: String, on connection: PostgresConnection) throws -> Credentials? {
        guard let row = try connection.query("""
            SELECT id, username, display_name, role, password_hash FROM staff_accounts
            WHERE lower(username) = \(usernameKey) AND disabled_at IS NULL
            """).first
        else { return nil }
        return Credentials(member: try member(row), hash: try row.decode(String.self, 4))
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

/// Sets a new password for a staff account and ends its sessions, so a leaked session does not
/// outlive the password change (`mizan staff password`), with its audit entry.
public struct ChangeStaffPassword: Sendable {
    let storage: any Storage
    let parameters: ScryptParameters

    public init(storage: any Storage, parameters: ScryptParameters = .standard) {
        self.storage = storage
        self.parameters = parameters
    }

    /// `StaffError.notFound` when there is no such account.
    public func execute(_ username: StaffUsername, password: StaffPassword, actor: String) async throws {
        // Hashed before the transaction: the derivation is deliberately slow.
        let hash = try PasswordHash.make(password, parameters: parameters)
        try await storage.transaction { stores in
            guard let account = try stores.staff.find(username) else { throw StaffError.notFound(username.value) }
            try stores.staff.setPassword(accountID: account.member.accountID, passwordHash: hash)
            let ended = try stores.staffSessions.endAll(accountID: account.member.accountID)
            try stores.audit.append(actor: actor, action: "staff.password", object: "staff:\(username.key)", details: "sessions_ended=\(ended)")
        }
    }
}

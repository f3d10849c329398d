/// Disables a staff account and ends its sessions at once (`mizan staff disable`), with its audit
/// entry. The account stays: the audit log names it.
public struct DisableStaffAccount: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// The disabled account; `StaffError.notFound` or `.alreadyDisabled` otherwise.
    public func execute(_ username: StaffUsername, actor: String) async throws -> StaffAccount {
        try await storage.transaction { stores in
            guard let account = try stores.staff.find(username) else { throw StaffError.notFound(username.value) }
            guard account.disabledAt == nil else { throw StaffError.alreadyDisabled(account.member.username) }
            let disabled = try stores.staff.disable(accountID: account.member.accountID)
            let ended = try stores.staffSessions.endAll(accountID: account.member.accountID)
            try stores.audit.append(actor: actor, action: "staff.disable", object: "staff:\(username.key)", details: "sessions_ended=\(ended)")
            return disabled
        }
    }
}

/// Ends a staff session and logs the logout.
public struct StaffLogout: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// Ends the session of `token`, signed in as `member`.
    public func execute(token: String, member: StaffMember) async throws {
        try await storage.transaction { stores in
            try stores.staffSessions.end(token: token)
            try stores.audit.append(actor: member.username, action: "staff.logout", object: member.username.lowercased(), details: "")
        }
    }
}

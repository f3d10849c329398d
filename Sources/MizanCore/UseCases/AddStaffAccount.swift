/// Creates a staff account (`mizan staff add`), with its audit entry.
public struct AddStaffAccount: Sendable {
    public struct Request: Sendable {
        public var username: StaffUsername
        public var displayName: String
        public var role: StaffRole
        public var password: StaffPassword
        /// Who is acting, for the audit log.
        public var actor: String

        public init(username: StaffUsername, displayName: String, role: StaffRole, password: StaffPassword, actor: String) {
            self.username = username
            self.displayName = displayName
            self.role = role
            self.password = password
            self.actor = actor
        }
    }

    let storage: any Storage
    let parameters: ScryptParameters

    /// `parameters`: the scrypt cost; tests and seeding may pass cheaper ones than the standard.
    public init(storage: any Storage, parameters: ScryptParameters = .standard) {
        self.storage = storage
        self.parameters = parameters
    }

    /// The new account; `StaffError.duplicate` when the username (any case) is taken.
    public func execute(_ request: Request) async throws -> StaffAccount {
        let name = try validatedDisplayName(request.displayName)
        // Hashed before the transaction: the derivation is deliberately slow.
        let hash = try PasswordHash.make(request.password, parameters: parameters)
        return try await storage.transaction { stores in
            let account = try stores.staff.create(username: request.username, displayName: name, role: request.role, passwordHash: hash)
            try stores.audit.append(
                actor: request.actor, action: "staff.add", object: "staff:\(request.username.key)",
                details: "role=\(request.role.rawValue) name=\(name)")
            return account
        }
    }
}

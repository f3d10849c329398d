/// Generates printed one-time voting codes for a cycle; only their hashes are stored.
public struct IssueVotingCodes: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// The fresh codes and the cycle they are for.
    public struct Issued: Sendable {
        public let cycle: Cycle
        public let codes: [VotingCode]

        /// The codes as the CSV to print (`code,cycle,commune`, one line each): the only copy of
        /// them, written by `mizan codes issue` and downloaded from the staff codes page.
        public var printSheet: String {
            "code,cycle,commune\n" + codes.map { "\($0.printed),\(cycle.id),\(cycle.communeCode)" }.joined(separator: "\n") + "\n"
        }
    }

    /// `deliver` runs before the commit: when it cannot hand the codes over (a file that cannot
    /// be written), it throws and no code is stored, so none is valid without a printed copy.
    public func execute(
        cycle: CycleID, count: Int, secrets: ServerSecrets, actor: String,
        deliver: @escaping @Sendable (Issued) throws -> Void = { _ in }
    ) async throws -> Issued {
        try await storage.transaction { stores in
            let issued = try Self.perform(cycle: cycle, count: count, secrets: secrets, actor: actor, in: stores)
            try deliver(issued)
            return issued
        }
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(cycle id: CycleID, count: Int, secrets: ServerSecrets, actor: String, in stores: any Stores) throws -> Issued {
        var unique = Set<VotingCode>()
        var codes: [VotingCode] = []
        codes.reserveCapacity(count)
        while codes.count < count {
            let code = VotingCode.random()
            if unique.insert(code).inserted { codes.append(code) }
        }
        return try perform(cycle: id, codes: codes, secrets: secrets, actor: actor, in: stores)
    }

    /// Stores codes made by the caller (tests that need to know one in advance).
    public static func perform(
        cycle id: CycleID, codes: [VotingCode], secrets: ServerSecrets, actor: String, in stores: any Stores
    ) throws -> Issued {
        let cycle = try stores.cycles.require(id)
        guard cycle.phase <= .voting else {
            throw ProposalError.notAllowed("codes cannot be issued: cycle \(cycle.id) is in \(cycle.phase.rawValue)")
        }
        try stores.registry.storeCodes(codes, for: cycle, secrets: secrets)
        try stores.audit.append(actor: actor, action: "codes.issue", object: "cycle:\(cycle.id)", details: "count=\(codes.count)")
        return Issued(cycle: cycle, codes: codes)
    }
}

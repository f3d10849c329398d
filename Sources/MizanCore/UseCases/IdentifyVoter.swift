/// Finds who is voting in a cycle: the registry entry of a national ID number, or the holder of a
/// printed code. The answer is the voter's key and district; an ID number or code never leaves
/// this step, only its digest.
///
/// On the web, where anyone may type anything, failed attempts are counted per client (an address,
/// or a kiosk a staff member opened) and per registry entry or code, and a client or entry that
/// failed too often is refused for a while, right details or not; a wrong answer never says
/// whether the ID number is registered. Successes are not counted against the client, so the
/// many voters behind one shared address are not locked out.
public struct IdentifyVoter: Sendable {
    /// How many web attempts are allowed, and over how long.
    public struct Limits: Sendable {
        public var perClient: Int
        public var perEntry: Int
        public var windowSeconds: Int

        /// 30 failed attempts per client and 5 per registry entry or code within 15 minutes.
        public static let standard = Limits(perClient: 30, perEntry: 5, windowSeconds: 15 * 60)

        public init(perClient: Int, perEntry: Int, windowSeconds: Int) {
            self.perClient = perClient
            self.perEntry = perEntry
            self.windowSeconds = windowSeconds
        }
    }

    public enum Outcome: Sendable, Equatable {
        case identified(EligibleVoter)
        /// The details match no entry or code (or could not be read).
        case failed
        /// Too many attempts from this client or on this entry: try again later.
        case limited
    }

    let storage: any Storage
    let secrets: ServerSecrets
    let limits: Limits

    public init(storage: any Storage, secrets: ServerSecrets, limits: Limits = .standard) {
        self.storage = storage
        self.secrets = secrets
        self.limits = limits
    }

    /// A citizen on the web, from `client` (their address, or `kiosk:<id>`). `credential` is nil when what they
    /// typed was neither an ID number with a birth date nor a code: that too is an attempt. An ID
    /// number without a birth date is refused here; only a clerk who saw the card may use one.
    ///
    /// Throws `VoteError.notInVoting` when the cycle is not open for voting (nothing is counted
    /// then) and `CycleError.notFound` when there is no such cycle.
    public func online(_ credential: VoterCredential?, cycle: CycleID, client: String) async throws -> Outcome {
        var credential = credential
        if case .nationalID? = credential { credential = nil }
        let entry = credential.map { IdentificationAttempt.entry(key(of: $0)) }
        return try await storage.transaction { [credential, secrets, limits] stores in
            guard let found = try stores.cycles.find(cycle) else { throw CycleError.notFound(cycle.rawValue) }
            guard found.phase == .voting else { throw VoteError.notInVoting(found.phase) }
            let voters = stores.voters
            let origin = IdentificationAttempt.client(client)
            if try voters.attempts(by: origin, inLast: limits.windowSeconds) >= limits.perClient { return .limited }
            if let entry, try voters.attempts(by: entry, inLast: limits.windowSeconds) >= limits.perEntry { return .limited }
            // Only failures count against the client: a kiosk, a cybercafé or a carrier's NAT
            // puts many honest voters behind one address, and someone guessing fails.
            guard let credential else {
                try voters.recordAttempt(by: origin)
                return .failed
            }
            guard let voter = try Self.find(credential, in: cycle, voters: voters, secrets: secrets) else {
                try voters.recordAttempt(by: origin)
                if let entry { try voters.recordAttempt(by: entry) }
                return .failed
            }
            return .identified(voter)
        }
    }

    /// A clerk entering a paper ballot, who has seen the voter's ID card or printed code: nothing
    /// is counted. Nil when the cycle does not know the voter.
    public func atDesk(_ credential: VoterCredential, cycle: CycleID) async throws -> EligibleVoter? {
        try await storage.transaction { [secrets] stores in
            try Self.find(credential, in: cycle, voters: stores.voters, secrets: secrets)
        }
    }

    /// The one lookup both paths share.
    static func find(
        _ credential: VoterCredential, in cycle: CycleID, voters: any VoterRepository, secrets: ServerSecrets
    ) throws -> EligibleVoter? {
        switch credential {
        case .nationalID(let id): try voters.registered(VoterKey(secrets.digest(of: id)), bornOn: nil, in: cycle)
        case .registryDetails(let id, let birthDate): try voters.registered(VoterKey(secrets.digest(of: id)), bornOn: birthDate, in: cycle)
        case .code(let code): try voters.codeHolder(VoterKey(secrets.digest(of: code)), in: cycle)
        }
    }

    func key(of credential: VoterCredential) -> VoterKey {
        switch credential {
        case .nationalID(let id), .registryDetails(let id, _): VoterKey(secrets.digest(of: id))
        case .code(let code): VoterKey(secrets.digest(of: code))
        }
    }
}

/// Who is signing or filing a petition: a person the commune's registry knows, found by the
/// digest of their national ID number as voters are. On the web (ID number and birth date typed
/// by anyone) failed attempts count against the client and the entry exactly as voting's do
/// (`IdentifyVoter.Limits`, the same table), so a petition form is no easier a way to guess
/// registry entries than the ballot's.
public enum PetitionIdentification {
    public enum Outcome: Sendable, Equatable {
        case identified(VoterKey)
        /// The details match nobody in the commune's registry (or could not be read).
        case failed
        /// Too many failed attempts from this client or on this entry: try again later.
        case limited
    }

    /// Identifies inside the caller's transaction. `client` is nil for staff at a desk, who saw
    /// the ID card: nothing is counted then, and an ID number alone is enough. On the web a bare
    /// ID number is refused (a birth date must match too).
    static func identify(
        _ credential: VoterCredential?, commune: Int, client: String?, secrets: ServerSecrets, limits: IdentifyVoter.Limits,
        in stores: any Stores
    ) throws -> Outcome {
        var credential = credential
        if case .code? = credential { credential = nil }  // printed codes belong to one cycle's vote
        if client != nil, case .nationalID? = credential { credential = nil }
        let key = credential.map { credential -> VoterKey in
            switch credential {
            case .nationalID(let id), .registryDetails(let id, _): VoterKey(secrets.digest(of: id))
            case .code(let code): VoterKey(secrets.digest(of: code))
            }
        }
        let voters = stores.voters
        if let client {
            if try voters.attempts(by: .client(client), inLast: limits.windowSeconds) >= limits.perClient { return .limited }
            if let key, try voters.attempts(by: .entry(key), inLast: limits.windowSeconds) >= limits.perEntry { return .limited }
        }
        var birthDate: String?
        if case .registryDetails(_, let date)? = credential { birthDate = date }
        guard let key, try stores.petitions.isResident(key, bornOn: birthDate, commune: commune) else {
            if let client {
                try voters.recordAttempt(by: .client(client))
                if let key { try voters.recordAttempt(by: .entry(key)) }
            }
            return .failed
        }
        return .identified(key)
    }
}

/// A resident signs a petition online, identified against the commune's registry as a voter is.
/// One signature per person per petition: the database's key on (petition, signer) decides, so two
/// tabs, two devices or a paper line entered at the same moment cannot add a second one.
///
/// Signatures are not audited one by one: a timed entry per signer would put who signed what, and
/// when, into a log everyone may verify. The count is public and the signatures table keeps only
/// keys.
public struct SignPetition: Sendable {
    public enum Outcome: Sendable, Equatable {
        case signed
        /// This person has already signed, on this channel.
        case alreadySigned(SignatureChannel)
        case notIdentified
        case limited
    }

    let storage: any Storage
    let secrets: ServerSecrets
    let limits: IdentifyVoter.Limits

    public init(storage: any Storage, secrets: ServerSecrets, limits: IdentifyVoter.Limits = .standard) {
        self.storage = storage
        self.secrets = secrets
        self.limits = limits
    }

    /// Throws `PetitionError.wrongState` when the petition no longer collects signatures.
    public func execute(_ id: PetitionID, signer: VoterCredential?, client: String) async throws -> Outcome {
        try await storage.transaction { [secrets, limits] stores in
            guard let petition = try stores.petitions.find(id) else { throw PetitionError.notFound(id.rawValue) }
            guard petition.state == .collecting else {
                throw PetitionError.wrongState(petition: id.rawValue, state: petition.state, wanted: .collecting)
            }
            switch try PetitionIdentification.identify(
                signer, commune: petition.communeID, client: client, secrets: secrets, limits: limits, in: stores)
            {
            case .failed: return .notIdentified
            case .limited: return .limited
            case .identified(let key):
                if let existing = try stores.petitions.sign(id, signer: key, channel: .online, enteredBy: nil) {
                    return .alreadySigned(existing)
                }
                return .signed
            }
        }
    }
}

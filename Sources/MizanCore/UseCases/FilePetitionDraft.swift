/// An agent files a petition's draft with Mizan: from then on residents sign it. The agent must
/// be in the commune's registry (identified as a signer is); the text is frozen from here on,
/// since signers sign that text.
public struct FilePetitionDraft: Sendable {
    public enum Outcome: Sendable, Equatable {
        case drafted(Petition)
        case agentNotIdentified
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

    /// `client` is the web client (address or kiosk), nil for staff entering a draft handed in at the desk.
    public func execute(
        _ draft: NewPetition, commune code: GeoCode, agent: VoterCredential?, client: String?, actor: String
    ) async throws -> Outcome {
        try await storage.transaction { [secrets, limits] stores in
            guard let commune = try stores.petitions.commune(code: code) else { throw PetitionError.unknownCommune(code.value) }
            let found = try PetitionIdentification.identify(
                agent, commune: commune.id, client: client, secrets: secrets, limits: limits, in: stores)
            let key: VoterKey
            switch found {
            case .identified(let identified): key = identified
            case .failed: return .agentNotIdentified
            case .limited: return .limited
            }
            let id = try stores.petitions.add(draft, commune: commune.id, agent: key)
            try stores.audit.append(
                actor: actor, action: "petition.draft", object: "petition:\(id)",
                details: "commune=\(commune.code) kind=\(draft.kind.rawValue) title=\(draft.title)")
            guard let petition = try stores.petitions.find(id) else { throw PetitionError.notFound(id.rawValue) }
            return .drafted(petition)
        }
    }
}

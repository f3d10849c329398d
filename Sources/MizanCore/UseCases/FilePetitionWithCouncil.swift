import Foundation

/// The agent files the petition with the council's president, once enough residents have signed:
/// signatures close, the threshold that applied is recorded with it, and the three-month clock
/// starts. Staff record it when the petition is handed in (or the agent does from the national
/// portal); the database refuses it below the threshold whatever the caller.
public struct FilePetitionWithCouncil: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: PetitionID, actor: String) async throws -> Petition {
        try await storage.transaction { stores in
            let petition = try PetitionStep.require(id, in: .filed, stores)
            guard let commune = try stores.petitions.commune(id: petition.communeID) else {
                throw PetitionError.unknownCommune(petition.communeCode)
            }
            let threshold = PetitionThreshold.minimum(kind: petition.kind, commune: commune)
            guard petition.signatures >= threshold else {
                throw PetitionError.belowThreshold(signatures: petition.signatures, threshold: threshold)
            }
            try stores.petitions.file(id, threshold: threshold)
            return try PetitionStep.finish(
                id, action: "petition.file", details: "signatures=\(petition.signatures) threshold=\(threshold)", actor: actor, stores)
        }
    }
}

/// What every step of a petition after its draft shares: the petition locked, its state checked
/// against the step, and the audit entry once the step is stored.
enum PetitionStep {
    static func require(_ id: PetitionID, in target: PetitionState, _ stores: any Stores) throws -> Petition {
        guard let petition = try stores.petitions.lock(id) else { throw PetitionError.notFound(id.rawValue) }
        guard petition.state.next.contains(target) else {
            throw PetitionError.wrongState(petition: id.rawValue, state: petition.state, wanted: target)
        }
        return petition
    }

    static func finish(_ id: PetitionID, action: String, details: String, actor: String, _ stores: any Stores) throws -> Petition {
        try stores.audit.append(actor: actor, action: action, object: "petition:\(id)", details: details)
        guard let petition = try stores.petitions.find(id) else { throw PetitionError.notFound(id.rawValue) }
        return petition
    }

    /// Text staff type for the record (reasons, an answer, a session's name), trimmed and bounded.
    static func text(_ value: String, field: String, maximum: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...maximum).contains(trimmed.count) else {
            throw PetitionError.invalid([field: "is required (at most \(maximum) characters)"])
        }
        return trimmed
    }
}

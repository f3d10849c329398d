/// The council's bureau decides whether a filed petition is admissible; a rejection is recorded
/// with its reasons, which the agent is given and the public register shows.
public struct DecideAdmissibility: Sendable {
    public enum Decision: Sendable, Equatable {
        case admissible
        case rejected(reasons: String)
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: PetitionID, _ decision: Decision, actor: String) async throws -> Petition {
        try await storage.transaction { stores in
            switch decision {
            case .admissible:
                _ = try PetitionStep.require(id, in: .admissible, stores)
                try stores.petitions.decide(id, admissible: true, reasons: nil)
                return try PetitionStep.finish(id, action: "petition.admissible", details: "", actor: actor, stores)
            case .rejected(let reasons):
                let reasons = try PetitionStep.text(reasons, field: "reasons", maximum: 5000)
                _ = try PetitionStep.require(id, in: .rejected, stores)
                try stores.petitions.decide(id, admissible: false, reasons: reasons)
                return try PetitionStep.finish(id, action: "petition.reject", details: "reasons=\(reasons)", actor: actor, stores)
            }
        }
    }
}

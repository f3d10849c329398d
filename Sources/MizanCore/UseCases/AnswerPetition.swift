/// The council's answer to a scheduled petition, published on the register with the clock: an
/// answer after the three months is flagged late.
public struct AnswerPetition: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: PetitionID, answer: String, actor: String) async throws -> Petition {
        let text = try PetitionStep.text(answer, field: "answer", maximum: 10_000)
        return try await storage.transaction { stores in
            _ = try PetitionStep.require(id, in: .answered, stores)
            try stores.petitions.answer(id, text: text)
            return try PetitionStep.finish(id, action: "petition.answer", details: "answer=\(text)", actor: actor, stores)
        }
    }
}

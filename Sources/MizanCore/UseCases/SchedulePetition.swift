import Foundation

/// An admissible petition is put on the agenda of a council session (by name, e.g. "ordinary
/// session of February", and date).
public struct SchedulePetition: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// `date` is `YYYY-MM-DD` or `DD/MM/YYYY`.
    public func execute(_ id: PetitionID, session: String, date: String, actor: String) async throws -> Petition {
        let name = try PetitionStep.text(session, field: "session", maximum: 200)
        guard let parsed = RegistryFileReader.parseDate(date.trimmingCharacters(in: .whitespaces)) else {
            throw PetitionError.invalid(["date": "is not a date (YYYY-MM-DD or DD/MM/YYYY)"])
        }
        let day = String(format: "%04d-%02d-%02d", parsed.year, parsed.month, parsed.day)
        return try await storage.transaction { stores in
            _ = try PetitionStep.require(id, in: .scheduled, stores)
            try stores.petitions.schedule(id, session: name, date: day)
            return try PetitionStep.finish(id, action: "petition.schedule", details: "session=\(name) date=\(day)", actor: actor, stores)
        }
    }
}

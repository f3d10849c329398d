/// Staff set a commune's own minimum of signatures for citizens' petitions, replacing the legal
/// table (`PetitionThreshold`) for those filed from then on: for a text read differently, or a
/// correction of the law not yet in Mizan. The reason goes into the audit log.
public struct SetPetitionThreshold: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(commune code: GeoCode, minimum: Int, reason: String, actor: String) async throws -> PetitionCommune {
        guard (1...1_000_000).contains(minimum) else { throw PetitionError.invalid(["minimum": "must be from 1 to 1000000"]) }
        let reason = try PetitionStep.text(reason, field: "reason", maximum: 500)
        return try await storage.transaction { stores in
            guard let commune = try stores.petitions.commune(code: code) else { throw PetitionError.unknownCommune(code.value) }
            try stores.petitions.setThresholdOverride(commune: commune.id, minimum: minimum, reason: reason, actor: actor)
            try stores.audit.append(
                actor: actor, action: "petition.threshold", object: "commune:\(commune.code)",
                details: "minimum=\(minimum) legal=\(PetitionThreshold.legalMinimum(kind: .citizens, population: commune.population, hasArrondissements: commune.hasArrondissements)) reason=\(reason)")
            guard let updated = try stores.petitions.commune(id: commune.id) else { throw PetitionError.unknownCommune(code.value) }
            return updated
        }
    }
}

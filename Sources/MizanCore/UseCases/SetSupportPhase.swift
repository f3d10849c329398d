/// Staff choose a supports phase for a cycle, before its review begins: how many proposals each
/// resident may support. Audited; the database refuses it once the cycle is in review.
public struct SetSupportPhase: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(cycle id: CycleID, perPerson: Int, actor: String) async throws -> SupportPhase {
        guard (1...1000).contains(perPerson) else { throw SupportError.invalidLimit }
        return try await storage.transaction { stores in
            let cycle = try stores.cycles.require(id)
            guard cycle.phase <= .proposals else { throw SupportError.closed(cycle: cycle.id, phase: cycle.phase) }
            try stores.supports.setPhase(cycle: id, perPerson: perPerson, actor: actor)
            try stores.audit.append(actor: actor, action: "supports.phase", object: "cycle:\(id)", details: "per_person=\(perPerson)")
            guard let phase = try stores.supports.phase(cycle: id) else { throw SupportError.noSupportsPhase(cycle: id.rawValue) }
            return phase
        }
    }
}

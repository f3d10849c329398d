/// Creates a cycle in draft for a commune.
public struct CreateCycle: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ cycle: NewCycle, actor: String) async throws -> Cycle {
        try await storage.transaction { stores in try Self.perform(cycle, actor: actor, in: stores) }
    }

    /// The act in a transaction the caller holds, for callers that record several acts as one
    /// (the demo data).
    public static func perform(_ cycle: NewCycle, actor: String, in stores: any Stores) throws -> Cycle {
        let created = try stores.cycles.create(cycle, actor: actor)
        try stores.audit.append(
            actor: actor, action: "cycle.create", object: "cycle:\(created.id)",
            details: "commune=\(cycle.communeCode.value) year=\(cycle.year) budget=\(cycle.budget.centimes) ballot=\(cycle.ballot.kind) rule=\(cycle.rule.rawValue) tie=\(cycle.tieBreak.rawValue)"
                + (cycle.rule == .equalshares ? " procedure=\(cycle.options.equalShares.key)" : "")
                + (cycle.options.storedThresholds.isEmpty ? "" : " thresholds=\(cycle.options.storedThresholds)"))
        return created
    }
}

/// Records how a funded project progresses: status, percent done, money spent, a dated note.
public struct RecordImplementationUpdate: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ update: ImplementationUpdate, project: ProposalID, actor: String) async throws {
        try await storage.transaction { stores in try Self.perform(update, project: project, actor: actor, in: stores) }
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(_ update: ImplementationUpdate, project: ProposalID, actor: String, in stores: any Stores) throws {
        guard let commune = try stores.implementation.fundedCommune(of: project) else { throw ImplementationError.notFunded(project) }
        try stores.implementation.record(update, project: project, commune: commune, actor: actor)
        try stores.audit.append(
            actor: actor, action: "implementation.update", object: "proposal:\(project)",
            details: "status=\(update.status.rawValue) progress=\(update.progress) spent=\(update.spent.centimes)"
                + (update.link.map { " link=\($0)" } ?? ""))
    }
}

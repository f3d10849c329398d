/// Loads a voter registry into a cycle in one transaction: every line or none (unless bad lines
/// are to be skipped), and a re-import updates voters instead of duplicating them. A dry run does
/// all of it, the database's district checks included, and rolls the transaction back: its report
/// says what an import would do, and nothing is stored or audited.
public struct ImportRegistry: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public struct Request: Sendable {
        public let cycle: CycleID
        public let secrets: ServerSecrets
        public let skipInvalid: Bool
        /// Where the records come from, for the audit log (a file name).
        public let source: String
        public let actor: String
        public let feed: RegistryFeed
        /// Check only: the report of what an import would do, nothing kept.
        public let dryRun: Bool

        public init(
            cycle: CycleID, secrets: ServerSecrets, skipInvalid: Bool, source: String, actor: String, dryRun: Bool = false,
            feed: @escaping RegistryFeed
        ) {
            self.dryRun = dryRun
            self.cycle = cycle
            self.secrets = secrets
            self.skipInvalid = skipInvalid
            self.source = source
            self.actor = actor
            self.feed = feed
        }
    }

    /// Throws `RegistryRejected` (nothing loaded) when lines are bad and skipping was not asked for.
    public func execute(_ request: Request) async throws -> RegistryImportReport {
        do {
            return try await storage.transaction { stores in
                try Self.perform(
                    cycle: request.cycle, secrets: request.secrets, skipInvalid: request.skipInvalid, source: request.source,
                    actor: request.actor, dryRun: request.dryRun, in: stores, feed: request.feed)
            }
        } catch let rehearsed as Rehearsed {
            return rehearsed.report
        }
    }

    /// Thrown to roll a dry run back, carrying its report out of the transaction.
    struct Rehearsed: Error {
        let report: RegistryImportReport
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(
        cycle id: CycleID, secrets: ServerSecrets, skipInvalid: Bool, source: String, actor: String, dryRun: Bool = false, in stores: any Stores,
        feed: (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]
    ) throws -> RegistryImportReport {
        let cycle = try stores.cycles.require(id)
        guard cycle.phase <= .voting else {
            throw ProposalError.notAllowed("the registry is closed: cycle \(cycle.id) is in \(cycle.phase.rawValue)")
        }
        let report = try stores.registry.importRecords(into: cycle, secrets: secrets, skipInvalid: skipInvalid, feed: feed)
        if dryRun { throw Rehearsed(report: report) }
        try stores.audit.append(
            actor: actor, action: "registry.import", object: "cycle:\(cycle.id)",
            details: "source=\(source) inserted=\(report.inserted) updated=\(report.updated) rejected=\(report.rejected.count)")
        return report
    }
}

/// Where the use cases keep their data, seen through protocols so that MizanCore never names a
/// database. MizanPostgres implements them; nothing else in Mizan writes SQL.
///
/// One call of `transaction` is one database transaction: everything `work` does through the
/// stores it is given is committed together when it returns, and nothing of it when it throws.
/// Each use case makes exactly one such call, so an act is either wholly recorded, its audit
/// entry included, or not at all.
public protocol Storage: Sendable {
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any Stores) throws -> T) async throws -> T

    /// One round trip to the database, for health checks; throws when it cannot be reached.
    func ping() async throws
}

/// The stores one transaction sees. `work` runs on a thread of the storage's own, so the stores'
/// methods are plain synchronous calls.
public protocol Stores {
    /// The hash-chained audit log: each use case that changes something appends its own entry.
    var audit: any AuditLogRepository { get }
    var cycles: any CycleRepository { get }
    var proposals: any ProposalRepository { get }
    var voters: any VoterRepository { get }
    var ballots: any BallotRepository { get }
    var districts: any DistrictRepository { get }
    var places: any PlaceRepository { get }
    var registry: any RegistryRepository { get }
    var implementation: any ImplementationRepository { get }
    var cycleHistory: any CycleHistoryRepository { get }
    var tallies: any TallyRepository { get }
    var exports: any ExportRepository { get }
    var staff: any StaffRepository { get }
    var staffSessions: any StaffSessionRepository { get }
    var staffLoginFailures: any StaffLoginFailureRepository { get }
    var analysis: any AnalysisRepository { get }
    var participation: any ParticipationStatisticsRepository { get }
    var regionalOverview: any RegionalOverviewRepository { get }
    var openData: any OpenDataRepository { get }
    var petitions: any PetitionRepository { get }
    var supports: any SupportRepository { get }
}

/// Appends to and reads the hash-chained audit log.
public protocol AuditLogRepository {
    /// Appends an entry in the current transaction, so it exists exactly when the change it
    /// describes was committed.
    @discardableResult
    func append(actor: String, action: String, object: String, details: String) throws -> AuditEntry

    /// Entries in chain order, optionally only the newest `limit`.
    func entries(limit: Int?) throws -> [AuditEntry]

    /// The entry count and the newest entry's hash, as of this transaction: what is signed and
    /// published so that a later rewrite or truncation of the log can be shown.
    func head() throws -> AuditHead

    /// The newest entry's hash (the genesis hash when the log is empty): changes with every entry,
    /// found through the key alone, so a page kept until the log grows can ask it on every request.
    func newestHash() throws -> String
}

/// What a storage failure tells the layers above without naming the database: the web answers 503
/// for an unavailable database and the CLI exits with a user error for a broken rule.
public protocol StorageFailure: Error, CustomStringConvertible {
    /// The database could not be reached or refused for now; the same request may work later.
    var isUnavailable: Bool { get }
    /// A rule the database enforces refused the change (a constraint or a guard trigger).
    var isRuleViolation: Bool { get }
    /// The name of the rule that refused it, when the database gave one.
    var violatedRule: String? { get }
    /// The database's own sentence, for administrators (never shown to citizens).
    var message: String { get }
}

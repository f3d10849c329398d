import Foundation

/// Writes a cycle's anonymised ballots, projects and outcome into a new folder for auditors and
/// the public, with `SHA256SUMS`; the cycle must have closed voting. The audit entry is appended
/// once the data files are complete; then the audit log's head, this entry included, is signed
/// and written as `audit_head.json`, listed in `SHA256SUMS` with the rest, and the folder appears.
public struct ExportCycle: Sendable {
    public struct Request: Sendable {
        public let cycle: CycleID
        public let format: ExportFormat
        /// The folder to create; it must not exist or be empty.
        public let directory: URL
        public let actor: String

        public init(cycle: CycleID, format: ExportFormat, directory: URL, actor: String) {
            self.cycle = cycle
            self.format = format
            self.directory = directory
            self.actor = actor
        }
    }

    let storage: any Storage
    /// Signs the audit-log head written into the folder.
    let secrets: ServerSecrets
    /// Told how far a long export got (`ballots.pb: 100000 ballots written`).
    let progress: @Sendable (String) -> Void

    public init(storage: any Storage, secrets: ServerSecrets, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.storage = storage
        self.secrets = secrets
        self.progress = progress
    }

    /// The name of the signed head in every export.
    public static let auditHeadFile = "audit_head.json"

    public func execute(_ request: Request) async throws -> ExportedFiles {
        let progress = progress
        let secrets = secrets
        return try await storage.transaction { stores in
            let cycle = try stores.cycles.require(request.cycle)
            guard cycle.phase >= .tallied else {
                throw TallyError.wrongPhase(
                    cycle: cycle.id, phase: cycle.phase, action: "ballots",
                    needed: "are exported once voting is closed (`mizan cycle advance \(cycle.id)` to tallied)")
            }
            return try stores.exports.export(
                cycle: cycle, format: request.format, to: request.directory, progress: progress,
                beforeManifest: {
                    try stores.audit.append(
                        actor: request.actor, action: "cycle.export", object: "cycle:\(cycle.id)",
                        details: "format=\(request.format.rawValue) folder=\(request.directory.lastPathComponent)")
                    let head = secrets.sign(try stores.audit.head())
                    return [ExportAttachment(name: Self.auditHeadFile, contents: head.json.text + "\n")]
                })
        }
    }
}

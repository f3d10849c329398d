/// Recomputes the audit log's hash chain (`mizan audit verify`) and, given a head published
/// earlier, checks that it is still in the chain, so entries removed from the end are noticed too.
public struct VerifyAuditLog: Sendable {
    public enum Result: Equatable, Sendable {
        case intact(entries: Int, head: String)
        /// The chain is consistent but does not contain the expected head: entries were removed.
        case headMissing(String)
        /// The first entry whose content or link does not match, and why.
        case broken(entryID: Int64, reason: String)
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(expectedHead: String? = nil) async throws -> Result {
        let entries = try await storage.transaction { stores in try stores.audit.entries(limit: nil) }
        switch AuditVerification.verify(entries) {
        case .broken(let id, let reason):
            return .broken(entryID: id, reason: reason)
        case .intact(let count, let head):
            if let expectedHead, !entries.contains(where: { $0.hash == expectedHead }),
                !(count == 0 && expectedHead == AuditEntry.genesisHash)
            {
                return .headMissing(expectedHead)
            }
            return .intact(entries: count, head: head)
        }
    }
}

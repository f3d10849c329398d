/// Recomputes the audit log's hash chain (`mizan audit verify`) and, given a head published
/// earlier, checks the log against it.
///
/// The chain alone catches an entry changed, inserted or deleted by someone who did not recompute
/// the hashes after it. Someone who did (or who removed entries from the end) leaves a consistent
/// chain; only a head published before the change shows it. With the head's entry count the two
/// cases are told apart: fewer entries than published means entries were removed; an entry at
/// the published position with another hash means history was rewritten.
public struct VerifyAuditLog: Sendable {
    public enum Result: Equatable, Sendable {
        case intact(entries: Int, head: String)
        /// The first entry whose content or link does not match, and why.
        case broken(entryID: Int64, reason: String)
        /// The chain is consistent but has fewer entries than the published head counted.
        case shortened(published: AuditHead, entries: Int)
        /// The entry at the published head's position (1-based) has another hash.
        case rewritten(position: Int, entryID: Int64, found: String, published: String)
        /// A head given without its count is nowhere in the chain: removed or rewritten, which of
        /// the two cannot be told without the count.
        case headMissing(String)
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(expected: AuditHead? = nil) async throws -> Result {
        let entries = try await storage.transaction { stores in try stores.audit.entries(limit: nil) }
        return Self.check(entries, against: expected)
    }

    /// The verdict on `entries` (in chain order) against a published head, if any.
    public static func check(_ entries: [AuditEntry], against expected: AuditHead?) -> Result {
        switch AuditVerification.verify(entries) {
        case .broken(let id, let reason):
            return .broken(entryID: id, reason: reason)
        case .intact(let count, let head):
            guard let expected else { return .intact(entries: count, head: head) }
            guard expected.hasCount else {
                let present = expected.hash == AuditEntry.genesisHash || entries.contains { $0.hash == expected.hash }
                return present ? .intact(entries: count, head: head) : .headMissing(expected.hash)
            }
            if count < expected.entries { return .shortened(published: expected, entries: count) }
            let found = expected.entries == 0 ? AuditEntry.genesisHash : entries[expected.entries - 1].hash
            guard found == expected.hash else {
                return .rewritten(
                    position: expected.entries, entryID: expected.entries == 0 ? 0 : entries[expected.entries - 1].id, found: found,
                    published: expected.hash)
            }
            return .intact(entries: count, head: head)
        }
    }
}

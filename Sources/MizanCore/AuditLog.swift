import Crypto
import Foundation

/// One entry of the tamper-evident audit log.
///
/// Each entry's hash covers the previous entry's hash and its own fields, so changing, inserting or
/// deleting an entry breaks every link after it. Publishing the head hash somewhere else (a notice
/// board, a newspaper) also pins the end of the chain.
public struct AuditEntry: Hashable, Sendable {
    public let id: Int64
    /// Microseconds since 1970, the precision PostgreSQL keeps.
    public let atMicroseconds: Int64
    public let actor: String
    public let action: String
    public let object: String
    public let details: String
    public let previousHash: String
    public let hash: String

    public init(
        id: Int64, atMicroseconds: Int64, actor: String, action: String, object: String, details: String,
        previousHash: String, hash: String
    ) {
        self.id = id
        self.atMicroseconds = atMicroseconds
        self.actor = actor
        self.action = action
        self.object = object
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash of the (empty) chain before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// SHA-256 over a length-prefixed encoding, so no choice of field contents can make two
    /// different entries encode the same way.
    public static func hash(
        previousHash: String, atMicroseconds: Int64, actor: String, action: String, object: String, details: String
    ) -> String {
        var text = "mizan-audit-v1\n\(previousHash)\n\(atMicroseconds)\n"
        for field in [actor, action, object, details] {
            text += "\(field.utf8.count):\(field)\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public var recomputedHash: String {
        Self.hash(previousHash: previousHash, atMicroseconds: atMicroseconds, actor: actor, action: action, object: object, details: details)
    }
}

/// The result of checking a chain from its first entry.
public enum AuditVerification: Equatable, Sendable {
    case intact(entries: Int, head: String)
    /// The first entry whose content or link does not match, and why.
    case broken(entryID: Int64, reason: String)

    /// Walks the entries in id order and names the first one that does not fit.
    public static func verify(_ entries: some Sequence<AuditEntry>) -> AuditVerification {
        var previous = AuditEntry.genesisHash
        var count = 0
        for entry in entries {
            if entry.previousHash != previous {
                return .broken(
                    entryID: entry.id,
                    reason: "its link to the previous entry does not match (an entry before it was deleted, inserted or changed)")
            }
            if entry.recomputedHash != entry.hash {
                return .broken(entryID: entry.id, reason: "its content was changed after it was written")
            }
            previous = entry.hash
            count += 1
        }
        return .intact(entries: count, head: previous)
    }
}

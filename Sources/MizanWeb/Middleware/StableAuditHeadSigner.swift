import Foundation
import MizanCore
import Synchronization

/// Signs the audit-log head shown on results pages and in the outcome API once per head, not once
/// per request: the signature covers its time, so signing on every request would change those
/// answers every second and no `ETag` (`CacheValidationMiddleware`) would ever match. The head is
/// signed again, with the time of signing, as soon as the log grows. A memo of what was already
/// published, so nothing is lost when the process restarts.
enum StableAuditHeadSigner {
    private struct Key: Hashable {
        let publicKey: String
        let head: AuditHead
    }

    /// A handful of heads (one per server secret in the process, in practice one).
    private static let memo = Mutex<[Key: SignedAuditHead]>([:])

    static func sign(_ head: AuditHead, with secrets: ServerSecrets) -> SignedAuditHead {
        let key = Key(publicKey: secrets.auditPublicKeyHex, head: head)
        if let signed = memo.withLock({ $0[key] }) { return signed }
        let signed = secrets.sign(head)
        return memo.withLock { memo in
            if memo.count > 16 { memo.removeAll() }
            if let earlier = memo[key] { return earlier }
            memo[key] = signed
            return signed
        }
    }
}

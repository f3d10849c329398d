import Foundation
import MizanCore

/// The signed audit-log head an export carries (`audit_head.json`), as `mizan verify` checks it:
/// the signature must hold under the file's public key and, when the site was asked, that key must
/// be the site's. Comparing the log itself with the head is `mizan audit verify --expect-head-file`.
enum ExportAuditHead {
    static let file = ExportCycle.auditHeadFile

    static func check(in folder: URL, siteKey: String?) -> VerifyCommand.ScopeReport {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path) else {
            return VerifyCommand.ScopeReport(file: file, differences: ["cannot be read"])
        }
        let signed: SignedAuditHead
        do { signed = try SignedAuditHead(json: data) } catch {
            return VerifyCommand.ScopeReport(file: file, differences: ["is not a signed audit head: \(error)"])
        }
        guard signed.hasValidSignature else {
            return VerifyCommand.ScopeReport(
                file: file, differences: ["its signature does not verify under its public key \(signed.publicKey): it was altered after it was signed"])
        }
        if let siteKey, siteKey != signed.publicKey {
            return VerifyCommand.ScopeReport(
                file: file, differences: ["it is signed by key \(signed.publicKey), the site's audit key is \(siteKey)"], unpublished: true)
        }
        return VerifyCommand.ScopeReport(
            file: file, differences: [],
            summary: "signature valid (\(signed.head.entries) entries, head \(signed.head.hash), key \(signed.publicKey)); "
                + "check the log with `mizan audit verify --expect-head \(signed.head.entries):\(signed.head.hash)`")
    }
}

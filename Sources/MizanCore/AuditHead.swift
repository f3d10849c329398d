import Crypto
import Foundation

/// The end of the audit log: how many entries it has and the hash of the last one.
///
/// The hash alone pins the whole chain before it; the count says where that hash must sit, so a
/// later check can tell a rewritten history (the entry at that position has another hash) from a
/// shortened one (there are fewer entries than the count).
public struct AuditHead: Hashable, Sendable {
    public let entries: Int
    public let hash: String

    public init(entries: Int, hash: String) {
        self.entries = entries
        self.hash = hash
    }

    /// The head of an empty log.
    public static let empty = AuditHead(entries: 0, hash: AuditEntry.genesisHash)

    /// `HEX` (a hash alone) or `N:HEX` (entry count and hash), as `--expect-head` takes it.
    public init(parsing text: String) throws(AuditHeadError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let hashText = String(parts.last ?? "")
        guard Self.isHash(hashText) else {
            throw .invalid("a head is 64 hexadecimal digits, optionally after the entry count (N:HEX), not \(text.prefix(80))")
        }
        if parts.count == 2 {
            guard let count = Int(parts[0]), count >= 0 else {
                throw .invalid("the entry count before ':' must be a whole number, not \(parts[0].prefix(20))")
            }
            self.init(entries: count, hash: hashText)
        } else {
            // Without a count, only "this hash is somewhere in the chain" can be checked.
            self.init(entries: -1, hash: hashText)
        }
    }

    /// Whether the count is known (a head parsed from a bare hash has none).
    public var hasCount: Bool { entries >= 0 }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// A head signed with the server's Ed25519 audit key (`ServerSecrets.sign(_:at:)`), as published:
/// on results pages, in `/api/v1/cycles/ID/outcome` and as `audit_head.json` in every export.
public struct SignedAuditHead: Hashable, Sendable {
    public let head: AuditHead
    /// When it was signed, UTC, to the second (`2026-05-01T12:00:00Z`).
    public let signedAt: String
    /// Ed25519 signature of `message(head, signedAt:)`, hex.
    public let signature: String
    /// The raw 32-byte Ed25519 public key, hex.
    public let publicKey: String

    public init(head: AuditHead, signedAt: String, signature: String, publicKey: String) {
        self.head = head
        self.signedAt = signedAt
        self.signature = signature
        self.publicKey = publicKey
    }

    public static let format = "mizan-audit-head-v1"

    /// The exact bytes signed: a fixed layout, so anyone can rebuild them from the published fields.
    public static func message(_ head: AuditHead, signedAt: String) -> Data {
        Data("\(format)\nentries=\(head.entries)\nhash=\(head.hash)\nsigned_at=\(signedAt)\n".utf8)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Whether the signature is valid for these fields under `publicKey`.
    public var hasValidSignature: Bool {
        guard let keyBytes = Data(hex: publicKey), let signatureBytes = Data(hex: signature),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else { return false }
        return key.isValidSignature(signatureBytes, for: Self.message(head, signedAt: signedAt))
    }

    /// As published: `audit_head.json` and the API's `audit_head` object.
    public var json: JSON {
        .object([
            ("format", .string(Self.format)), ("entries", .int(head.entries)), ("hash", .string(head.hash)),
            ("signed_at", .string(signedAt)), ("signature", .string(signature)), ("public_key", .string(publicKey)),
        ])
    }

    /// Reads `audit_head.json` (or the API's `audit_head` object).
    public init(json data: Data) throws(AuditHeadError) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalid("not a JSON object")
        }
        let head = (object["audit_head"] as? [String: Any]) ?? object
        guard let entries = head["entries"] as? Int, entries >= 0 else { throw .invalid("no entry count (\"entries\")") }
        guard let hash = head["hash"] as? String, AuditHead.isHash(hash) else { throw .invalid("no head hash (\"hash\", 64 hex digits)") }
        guard let signedAt = head["signed_at"] as? String else { throw .invalid("no \"signed_at\"") }
        guard let signature = head["signature"] as? String else { throw .invalid("no \"signature\"") }
        guard let publicKey = head["public_key"] as? String else { throw .invalid("no \"public_key\"") }
        self.init(head: AuditHead(entries: entries, hash: hash), signedAt: signedAt, signature: signature.lowercased(), publicKey: publicKey.lowercased())
    }
}

public enum AuditHeadError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): return reason
        }
    }
}

extension Data {
    /// Lower-case hexadecimal.
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }

    /// From hexadecimal (either case); nil when the text is not an even run of hex digits.
    public init?(hex text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: digit - 48
        case 97...102: digit - 87
        case 65...70: digit - 55
        default: nil
        }
    }
}

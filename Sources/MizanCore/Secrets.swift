import Crypto
import Foundation

/// The server's secrets, derived from one master key, each for one purpose: the HMAC of national
/// ID numbers and voting codes, the sealing of ballots until voting closes (`BallotSeal.swift`), and
/// the signature of web tokens. Keeping them apart means no table can be joined to another, nor a
/// ballot opened, without the master key.
public struct ServerSecrets: Sendable {
    private let registryKey: SymmetricKey
    let sealingKey: SymmetricKey
    let ballotTagKey: SymmetricKey
    private let signingKey: SymmetricKey
    /// Signs the published audit-log head (`AuditHead`). Derived, never stored, and never in the
    /// database: whoever rewrites the log there cannot sign a new head.
    private let auditKey: Curve25519.Signing.PrivateKey

    /// At least 32 bytes of randomness.
    public init(masterKey: [UInt8]) throws(SecretsError) {
        guard masterKey.count >= 32 else { throw .tooShort(masterKey.count) }
        let master = SymmetricKey(data: masterKey)
        registryKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("mizan registry v1".utf8), outputByteCount: 32)
        sealingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("mizan ballot sealing v1".utf8), outputByteCount: 32)
        ballotTagKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("mizan ballot tags v1".utf8), outputByteCount: 32)
        signingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("mizan web signing v1".utf8), outputByteCount: 32)
        auditKey = Self.deriveAuditKey(from: master)
    }

    /// The Ed25519 key of the audit-log head: a 32-byte seed from HKDF, which is always a valid key.
    private static func deriveAuditKey(from master: SymmetricKey) -> Curve25519.Signing.PrivateKey {
        let seed = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("mizan audit signing v1".utf8), outputByteCount: 32)
        return try! Curve25519.Signing.PrivateKey(rawRepresentation: seed.withUnsafeBytes { Data($0) })
    }

    /// The audit-log head with its Ed25519 signature and the public key that checks it.
    public func sign(_ head: AuditHead, at time: Date = Date()) -> SignedAuditHead {
        let signedAt = SignedAuditHead.timestamp(time)
        let signature = try! auditKey.signature(for: SignedAuditHead.message(head, signedAt: signedAt))
        return SignedAuditHead(head: head, signedAt: signedAt, signature: signature.hexString, publicKey: auditPublicKeyHex)
    }

    /// The public half of the audit-head key, in hex: what auditors pin.
    public var auditPublicKeyHex: String { auditKey.publicKey.rawRepresentation.hexString }

    /// A signature for web tokens (CSRF, the voter session), URL- and cookie-safe.
    public func sign(_ message: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: signingKey)).base64URLEncoded
    }

    /// Constant-time check of `sign(message)`.
    public func isValidSignature(_ signature: String, for message: String) -> Bool {
        guard let bytes = Data(base64URLEncoded: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(message.utf8), using: signingKey)
    }

    /// HMAC-SHA256 of a normalised national ID number: what the registry stores instead of it.
    public func digest(of nationalID: NationalID) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("cin:\(nationalID.value)".utf8), using: registryKey))
    }

    /// HMAC-SHA256 of a printed voting code, so a leaked table does not reveal usable codes.
    public func digest(of code: VotingCode) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("code:\(code.value)".utf8), using: registryKey))
    }
}

public enum SecretsError: Error, Equatable, CustomStringConvertible {
    case tooShort(Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case .tooShort(let count): return "the server secret must be at least 32 bytes (got \(count))"
        case .unreadable(let reason): return "cannot read the server secret: \(reason)"
        }
    }
}

/// A Moroccan national ID (CNIE) number, normalised: upper case, no spaces, e.g. `AB123456`.
public struct NationalID: Hashable, Sendable {
    public let value: String

    public init(parsing text: String) throws(RegistryFieldError) {
        let compact = text.uppercased().filter { $0 != " " && $0 != "-" && $0 != "\u{00A0}" }
        let letters = compact.prefix { ("A"..."Z").contains($0) }
        let digits = compact.dropFirst(letters.count)
        guard (1...2).contains(letters.count), (1...7).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
            throw RegistryFieldError("national_id", "is not a national ID number (one or two letters, then up to 7 digits)")
        }
        value = compact
    }
}

/// A printed one-time voting code: 12 characters from an alphabet without look-alikes, shown in
/// groups of four (`K7MQ-2XHD-9PRT`). About 60 bits of randomness.
public struct VotingCode: Hashable, Sendable {
    public let value: String
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    public init(parsing text: String) throws(RegistryFieldError) {
        let compact = text.uppercased().filter { $0 != "-" && $0 != " " }
        guard compact.count == 12, compact.allSatisfy({ Self.alphabet.contains($0) }) else {
            throw RegistryFieldError("code", "is not a voting code (12 letters and digits, like K7MQ-2XHD-9PRT)")
        }
        value = compact
    }

    public static func random() -> VotingCode {
        var generator = SystemRandomNumberGenerator()
        let text = String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        return try! VotingCode(parsing: text)
    }

    /// With dashes, as printed.
    public var printed: String {
        let characters = Array(value)
        return stride(from: 0, to: 12, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }
}

/// One field of one input line that is wrong, and why.
public struct RegistryFieldError: Error, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(field) \(reason)" }
}

extension Data {
    /// Base64 with the URL alphabet and no padding.
    public var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URLEncoded text: String) {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        self.init(base64Encoded: standard)
    }
}

/// Random URL-safe tokens for tracking links and CSRF cookies.
public enum RandomToken {
    public static func make(bytes count: Int = 18) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncoded
    }

    /// SHA-256 of a token, which is what gets stored.
    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }
}

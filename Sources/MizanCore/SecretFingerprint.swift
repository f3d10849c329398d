import Crypto
import Foundation

/// Names a server secret without revealing it: HMAC-SHA256(secret, "mizan secret fingerprint").
///
/// The database records the fingerprint of the secret it was set up with, so a command started with
/// another secret, or one that would create a fresh secret beside an existing database, is refused
/// before it writes national-ID digests, pseudonyms or signatures that no longer match. The HMAC is
/// keyed by the secret and its message is used for nothing else, so the fingerprint neither gives
/// the secret away nor equals any value the secret is used for.
public struct SecretFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// 64 lowercase hex digits.
    public let hex: String

    public init(masterKey: [UInt8]) {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("mizan secret fingerprint".utf8), using: SymmetricKey(data: masterKey))
        hex = code.map { String(format: "%02x", $0) }.joined()
    }

    /// A stored fingerprint; `nil` unless it is 64 hex digits.
    public init?(hex: String) {
        let lowered = hex.lowercased()
        guard lowered.utf8.count == 64, lowered.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = lowered
    }

    /// The first 16 hex digits, enough to tell two secrets apart in a message.
    public var description: String { String(hex.prefix(16)) }
}

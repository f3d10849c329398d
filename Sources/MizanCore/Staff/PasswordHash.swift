import Crypto
import CryptoExtras
import Foundation

/// The cost of one scrypt derivation: `2^logN` rounds of `blockSize` blocks, `parallelism` lanes.
/// Stored with every hash, so the cost can be raised later without invalidating older hashes: an
/// account whose hash is cheaper than `standard` gets a new one at its next password change.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    public let logN: Int
    public let blockSize: Int
    public let parallelism: Int

    /// N = 2^15, r = 8, p = 1: 32 MiB of memory per derivation (the cost OWASP recommends for scrypt).
    public static let standard = ScryptParameters(uncheckedLogN: 15, blockSize: 8, parallelism: 1)

    /// Bounds on what a stored hash may ask for, so a damaged row cannot make one login take minutes
    /// or gigabytes.
    static let logNRange = 1...22
    static let blockSizeRange = 1...32
    static let parallelismRange = 1...16

    public init(logN: Int, blockSize: Int, parallelism: Int) throws(PasswordHashError) {
        guard Self.logNRange.contains(logN), Self.blockSizeRange.contains(blockSize), Self.parallelismRange.contains(parallelism) else {
            throw .unsupportedParameters("ln=\(logN),r=\(blockSize),p=\(parallelism)")
        }
        self.init(uncheckedLogN: logN, blockSize: blockSize, parallelism: parallelism)
    }

    private init(uncheckedLogN logN: Int, blockSize: Int, parallelism: Int) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// As written in the hash: `ln=15,r=8,p=1`.
    public var description: String { "ln=\(logN),r=\(blockSize),p=\(parallelism)" }

    /// Whether a hash made with these parameters costs less than one made with `other`.
    public func isWeaker(than other: ScryptParameters) -> Bool {
        logN < other.logN || blockSize * parallelism < other.blockSize * other.parallelism
    }
}

/// A staff password as stored: the scrypt output with the salt and parameters that produced it, in
/// the self-describing form `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in unpadded
/// base64, as in the PHC string format). The password itself is never kept.
public struct PasswordHash: Sendable, Hashable {
    public let parameters: ScryptParameters
    public let salt: [UInt8]
    public let hash: [UInt8]

    static let saltByteCount = 16
    static let hashByteCount = 32

    /// Hashes a new password with a fresh random salt.
    public static func make(_ password: StaffPassword, parameters: ScryptParameters = .standard) throws -> PasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return PasswordHash(parameters: parameters, salt: salt, hash: try derive(password.value, salt: salt, parameters: parameters))
    }

    init(parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// Reads the stored form back.
    public init(parsing encoded: String) throws(PasswordHashError) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty else { throw .malformed }
        guard parts[1] == "scrypt" else { throw .unsupportedAlgorithm(String(parts[1])) }
        var values: [String: Int] = [:]
        for pair in parts[2].split(separator: ",") {
            let field = pair.split(separator: "=", maxSplits: 1)
            guard field.count == 2, let number = Int(field[1]) else { throw .malformed }
            values[String(field[0])] = number
        }
        guard values.count == 3, let logN = values["ln"], let blockSize = values["r"], let parallelism = values["p"],
            let salt = Self.decode(parts[3]), let hash = Self.decode(parts[4]), salt.count >= 8, hash.count == Self.hashByteCount
        else { throw .malformed }
        self.init(parameters: try ScryptParameters(logN: logN, blockSize: blockSize, parallelism: parallelism), salt: salt, hash: hash)
    }

    public var encoded: String {
        "$scrypt$\(parameters)$\(Self.encode(salt))$\(Self.encode(hash))"
    }

    /// Whether `candidate` is the password. Takes the same time whichever byte differs.
    public func verify(_ candidate: String) -> Bool {
        guard let derived = try? Self.derive(candidate, salt: salt, parameters: parameters) else { return false }
        return constantTimeEqual(derived, hash)
    }

    /// Whether the hash should be remade with the current standard cost.
    public var needsRehash: Bool { parameters.isWeaker(than: .standard) }

    /// Runs one derivation at the standard cost and discards it: what a login for an unknown or
    /// disabled account does, so its answer takes as long as a wrong password for a real one.
    public static func spendVerificationTime(_ candidate: String) {
        _ = dummy.verify(candidate)
    }

    static let dummy = PasswordHash(
        parameters: .standard, salt: Array("mizan-no-account".utf8), hash: Array(repeating: 0, count: hashByteCount))

    /// Passwords are compared in Unicode normal form C, so the same password typed on two keyboards
    /// that compose accents differently still matches.
    static func derive(_ password: String, salt: [UInt8], parameters: ScryptParameters) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.precomposedStringWithCanonicalMapping.utf8), salt: salt, outputByteCount: hashByteCount,
            rounds: 1 << parameters.logN, blockSize: parameters.blockSize, parallelism: parameters.parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}

public enum PasswordHashError: Error, Equatable, CustomStringConvertible {
    case malformed
    case unsupportedAlgorithm(String)
    case unsupportedParameters(String)

    public var description: String {
        switch self {
        case .malformed: return "the stored password hash is not in the form $scrypt$ln=…,r=…,p=…$salt$hash"
        case .unsupportedAlgorithm(let name): return "the stored password hash uses \(name), which this version does not know"
        case .unsupportedParameters(let text): return "the stored password hash asks for scrypt parameters out of range (\(text))"
        }
    }
}

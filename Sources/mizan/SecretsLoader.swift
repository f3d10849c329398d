import Foundation
import MizanCore

/// Finds the server secret: `MIZAN_SECRET` (hex or base64, at least 32 bytes) when set, else
/// `secret.key` in the Mizan home folder, created with random bytes and mode 0600 the first time.
/// The secret never goes into the database or into git.
enum SecretsLoader {
    static func load(home: URL) throws -> ServerSecrets {
        do {
            if let text = ProcessInfo.processInfo.environment["MIZAN_SECRET"], !text.isEmpty {
                guard let bytes = decode(text) else {
                    throw CommandFailure.user("MIZAN_SECRET must be hex or base64 of at least 32 random bytes")
                }
                return try ServerSecrets(masterKey: bytes)
            }
            let file = home.appendingPathComponent("secret.key")
            if let data = FileManager.default.contents(atPath: file.path) {
                return try ServerSecrets(masterKey: [UInt8](data))
            }
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            guard FileManager.default.createFile(atPath: file.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure.system("cannot create \(file.path)")
            }
            return try ServerSecrets(masterKey: bytes)
        } catch let error as SecretsError {
            throw CommandFailure.user(error.description)
        }
    }

    static func decode(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count % 2 == 0, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
        return Data(base64Encoded: trimmed).map { [UInt8]($0) }
    }
}

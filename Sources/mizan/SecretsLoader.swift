import Foundation
import Logging
import MizanCore
import MizanPostgres
import PostgresDriver

/// Finds the server secret, and makes sure it is the one the database was set up with.
///
/// The secret keys the national-ID and voting-code digests, the ballot pseudonyms and the web
/// signatures, so it comes from, in order:
/// 1. `MIZAN_SECRET` (hex or base64 of at least 32 random bytes);
/// 2. the file named by `--secret-file` or `MIZAN_SECRET_FILE`;
/// 3. `$XDG_CONFIG_HOME/mizan/secret.key`, by default `~/.config/mizan/secret.key`: in the user's
///    configuration, not beside `pgdata`, so a copy of the data folder or of a database backup does
///    not carry the key that unlocks it, and the secret does not depend on the folder a command is
///    run from.
///
/// A file must be the user's own and private to them (mode 0600 or 0400). It holds 64 hex digits
/// (files of 32+ raw bytes written by earlier versions are read too).
///
/// The database records the secret's fingerprint at first use. A secret whose fingerprint differs is
/// refused, and a new secret is created only when the database has none recorded and holds nothing
/// made with one: never a second secret by accident.
enum SecretsLoader {
    /// For administration commands: opens the database just for the check.
    static func load(_ options: AdminOptions) throws -> ServerSecrets {
        var logger = Logger(label: "mizan")
        logger.logLevel = .warning
        let session = try options.database.open(logger: logger)
        defer { session.close(logger: logger) }
        return try load(options.database, session: session, actor: options.actorName, logger: logger)
    }

    static func load(
        _ database: DatabaseOptions, session: DatabaseSession, actor: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerSecrets {
        let source = try SecretSource(secretFile: database.secretFile, environment: environment)
        let legacy = database.homeDirectory.appendingPathComponent("secret.key")
        let given = try source.read()
        let connection = try session.connect()
        defer { connection.close() }
        do {
            switch try SecretFingerprintStore.state(on: connection) {
            case .notMigrated:
                throw CommandFailure.user("the database has pending migrations; run `mizan migrate` first")
            case .recorded(let recorded):
                guard let given else { throw CommandFailure.user(source.missing(recorded, legacy: legacy)) }
                guard SecretFingerprint(masterKey: given) == recorded else {
                    throw CommandFailure.user(source.mismatch(recorded, given: given, legacy: legacy))
                }
                return try secrets(given)
            case .unrecorded(let holdsSecretData):
                if let given {
                    return try secrets(record(given, source: source, legacy: legacy, actor: actor, on: connection))
                }
                guard !holdsSecretData else {
                    throw CommandFailure.user(source.missingForExistingData(legacy: legacy))
                }
                let created = try source.create()
                do {
                    _ = try record(created, source: source, legacy: legacy, actor: actor, on: connection)
                } catch {
                    // Another process recorded its own secret first: leave no second secret behind.
                    source.removeCreated()
                    throw error
                }
                logger.notice(
                    "created the server secret at \(source.path ?? "?") (fingerprint \(SecretFingerprint(masterKey: created))); back it up apart from the database backups")
                return try secrets(created)
            }
        } catch let error as PostgresError {
            throw CommandFailure.system(error.description)
        }
    }

    /// Records the fingerprint; a different one recorded meanwhile by another process is refused.
    private static func record(
        _ bytes: [UInt8], source: SecretSource, legacy: URL, actor: String, on connection: PostgresConnection
    ) throws -> [UInt8] {
        let fingerprint = SecretFingerprint(masterKey: bytes)
        let recorded = try SecretFingerprintStore.record(fingerprint, actor: actor, on: connection)
        guard recorded == fingerprint else { throw CommandFailure.user(source.mismatch(recorded, given: bytes, legacy: legacy)) }
        return bytes
    }

    private static func secrets(_ bytes: [UInt8]) throws -> ServerSecrets {
        do {
            return try ServerSecrets(masterKey: bytes)
        } catch {
            throw CommandFailure.user(error.description)
        }
    }

    /// Hex or base64 text, as `MIZAN_SECRET` and the secret file hold it.
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

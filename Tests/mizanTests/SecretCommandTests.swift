import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver
import MizanDevCluster

/// One server secret per database, kept private, never a second one by accident.
@Suite("The server secret")
struct SecretCommandTests {
    /// A database set up (cycle in voting, registry imported) with `AdminSession.secret` given in
    /// MIZAN_SECRET, and an environment with no secret at all, whose default location is a
    /// configuration folder of the test's own.
    static func setUp(_ label: String = #function) async throws -> (session: AdminSession, bare: [String: String], config: URL) {
        let session = try await AdminSession.make(label)
        _ = try session.cycleInVoting()
        let config = try TemporaryFolder.make("mizan-secret-config")
        var bare = session.environment
        bare["MIZAN_SECRET"] = nil
        bare["XDG_CONFIG_HOME"] = config.path
        return (session, bare, config)
    }

    static func issueCodes(_ session: AdminSession, environment: [String: String]) throws -> (ChildProcess.Result, String) {
        let out = session.folder.appendingPathComponent("codes-\(UUID().uuidString).csv").path
        let result = try MizanBinary.run(
            ["codes", "issue", "--cycle", "1", "--count", "2", "--out", out, "--actor", "test-clerk"], environment: environment)
        return (result, out)
    }

    static func writeSecret(_ hex: String, to path: String, mode: Int) throws {
        try (hex + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static var secretFingerprint: SecretFingerprint {
        SecretFingerprint(masterKey: hexBytes( AdminSession.secret))
    }

    @Test func mizanSecretWorksAndOnlyItsFingerprintIsRecorded() async throws {
        let (session, _, _) = try await Self.setUp()
        let recorded = try session.query("SELECT fingerprint FROM server_secret_fingerprint").single().decode(String.self, 0)
        #expect(recorded == Self.secretFingerprint.hex)
        let (issued, out) = try Self.issueCodes(session, environment: session.environment)
        #expect(issued.status == 0, "\(issued.output)")
        #expect(FileManager.default.fileExists(atPath: out))
        // No secret file appeared anywhere the old version put one.
        #expect(!FileManager.default.fileExists(atPath: MizanBinary.projectFolder + "/.mizan/secret.key"))
    }

    @Test func anotherSecretIsRefusedAndSaysWhereTheRightOneIsExpected() async throws {
        let (session, bare, config) = try await Self.setUp()
        var other = bare
        other["MIZAN_SECRET"] = String(repeating: "cd", count: 32)
        let (refused, out) = try Self.issueCodes(session, environment: other)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("this database was set up with another secret (fingerprint \(Self.secretFingerprint))"), "\(refused.output)")
        #expect(refused.standardError.contains("set MIZAN_SECRET or MIZAN_SECRET_FILE"))
        #expect(!FileManager.default.fileExists(atPath: out), "nothing was done with the wrong secret")

        // With no secret anywhere, none is created: the database already has one.
        let (missing, _) = try Self.issueCodes(session, environment: bare)
        let expected = config.appendingPathComponent("mizan/secret.key").path
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("this database was set up with a secret (fingerprint \(Self.secretFingerprint))"), "\(missing.output)")
        #expect(missing.standardError.contains("it is expected at \(expected)"))
        #expect(!FileManager.default.fileExists(atPath: expected), "no second secret was created")

        // The right secret in the expected place works.
        try FileManager.default.createDirectory(atPath: config.appendingPathComponent("mizan").path, withIntermediateDirectories: true)
        try Self.writeSecret(AdminSession.secret, to: expected, mode: 0o600)
        let (accepted, _) = try Self.issueCodes(session, environment: bare)
        #expect(accepted.status == 0, "\(accepted.output)")
    }

    @Test func aSecretFileOthersCanReadIsRefused() async throws {
        let (session, bare, _) = try await Self.setUp()
        let file = session.folder.appendingPathComponent("secret.key").path
        var environment = bare
        environment["MIZAN_SECRET_FILE"] = file
        for mode in [0o644, 0o640, 0o604, 0o660, 0o606] {
            try Self.writeSecret(AdminSession.secret, to: file, mode: mode)
            let (refused, out) = try Self.issueCodes(session, environment: environment)
            #expect(refused.status == 1, "mode \(String(mode, radix: 8))")
            #expect(refused.standardError.contains("the secret file \(file) can be read or written by other users (mode \(String(mode, radix: 8)))"), "\(refused.output)")
            #expect(refused.standardError.contains("chmod 600 \(file)"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        for mode in [0o600, 0o400] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
            let (accepted, _) = try Self.issueCodes(session, environment: environment)
            #expect(accepted.status == 0, "mode \(String(mode, radix: 8)): \(accepted.output)")
        }
        // --secret-file says the same as MIZAN_SECRET_FILE.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let out = session.folder.appendingPathComponent("codes-flag.csv").path
        let flagged = try MizanBinary.run(
            ["codes", "issue", "--cycle", "1", "--count", "1", "--out", out, "--secret-file", file], environment: bare)
        #expect(flagged.status == 1)
        #expect(flagged.standardError.contains("can be read or written by other users"))
    }

    /// A database set up before fingerprints were recorded, that already holds national-ID digests:
    /// no fresh secret is made for it (the old version's silent second secret).
    @Test func noNewSecretBesideADatabaseThatHoldsDigests() async throws {
        let (session, bare, config) = try await Self.setUp()
        try session.query("DELETE FROM server_secret_fingerprint")
        let (refused, _) = try Self.issueCodes(session, environment: bare)
        let expected = config.appendingPathComponent("mizan/secret.key").path
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("already holds national-ID digests or voting codes made with a secret"), "\(refused.output)")
        #expect(refused.standardError.contains("it is expected at \(expected)"))
        #expect(!FileManager.default.fileExists(atPath: expected))
        // Given the secret, it is recorded again, and then required.
        #expect(try Self.issueCodes(session, environment: session.environment).0.status == 0)
        #expect(try session.count("server_secret_fingerprint") == 1)
    }

    /// A new database gets a new secret, in the user's configuration folder, private; the next
    /// command finds it there.
    @Test func aNewDatabaseGetsAPrivateSecretApartFromTheData() async throws {
        let configuration = try await TestPostgres.database("cli_new_secret")
        let config = try TemporaryFolder.make("mizan-secret-config")
        let environment = MizanBinary.environment(["DATABASE_URL": configuration.urlForTests, "XDG_CONFIG_HOME": config.path])
        let created = try MizanBinary.run(["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--rule", "greedy", "--ballot", "approval", "--max", "2"], environment: environment)
        #expect(created.status == 0, "\(created.output)")
        let file = config.appendingPathComponent("mizan/secret.key").path
        #expect(!FileManager.default.fileExists(atPath: file), "commands that need no secret create none")

        let folder = try TemporaryFolder.make("mizan-cli")
        let out = folder.appendingPathComponent("codes.csv").path
        let issued = try MizanBinary.run(["codes", "issue", "--cycle", "1", "--count", "1", "--out", out], environment: environment)
        #expect(issued.status == 0, "\(issued.output)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folderAttributes = try FileManager.default.attributesOfItem(atPath: config.appendingPathComponent("mizan").path)
        #expect((folderAttributes[.posixPermissions] as? Int) == 0o700)
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.count == 64 && text.allSatisfy(\.isHexDigit))
        let recorded = try PostgresConnection.connect(configuration).query("SELECT fingerprint FROM server_secret_fingerprint")
            .single().decode(String.self, 0)
        #expect(recorded == SecretFingerprint(masterKey: hexBytes( text)).hex)
        #expect(!recorded.contains(text))

        let again = try MizanBinary.run(
            ["codes", "issue", "--cycle", "1", "--count", "1", "--out", folder.appendingPathComponent("more.csv").path], environment: environment)
        #expect(again.status == 0, "\(again.output)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(text), "the same secret, not a new one")
    }
}

/// The test's hex secrets as bytes, as the loader decodes them.
func hexBytes(_ hex: String) -> [UInt8] {
    stride(from: 0, to: hex.count, by: 2).map { offset in
        let start = hex.index(hex.startIndex, offsetBy: offset)
        return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
    }
}

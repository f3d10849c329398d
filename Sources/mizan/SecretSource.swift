import Foundation
import MizanCore

/// Where this command takes the server secret from, and the words for what is wrong with it.
struct SecretSource {
    enum Kind {
        /// `MIZAN_SECRET`'s text.
        case environment(String)
        /// A file; `named` when `--secret-file` or `MIZAN_SECRET_FILE` gave it.
        case file(URL, named: String?)
    }

    let kind: Kind

    init(secretFile: String?, environment: [String: String]) throws {
        if let text = environment["MIZAN_SECRET"], !text.isEmpty {
            kind = .environment(text)
        } else if let path = secretFile.flatMap({ $0.isEmpty ? nil : $0 }) {
            kind = .file(Self.absolute(path), named: "--secret-file")
        } else if let path = environment["MIZAN_SECRET_FILE"], !path.isEmpty {
            kind = .file(Self.absolute(path), named: "MIZAN_SECRET_FILE")
        } else {
            kind = .file(try Self.defaultFile(environment: environment), named: nil)
        }
    }

    /// `$XDG_CONFIG_HOME/mizan/secret.key`, else `~/.config/mizan/secret.key`.
    static func defaultFile(environment: [String: String]) throws -> URL {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return URL(fileURLWithPath: config).appendingPathComponent("mizan/secret.key")
        }
        var home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if home == nil, let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir {
            home = String(cString: directory)
        }
        guard let home else {
            throw CommandFailure.user("no home folder to keep the server secret in; set MIZAN_SECRET_FILE or MIZAN_SECRET")
        }
        return URL(fileURLWithPath: home).appendingPathComponent(".config/mizan/secret.key")
    }

    static func absolute(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    var path: String? {
        if case .file(let url, _) = kind { return url.path }
        return nil
    }

    var name: String {
        switch kind {
        case .environment: return "MIZAN_SECRET"
        case .file(let url, _): return url.path
        }
    }

    /// The secret's bytes, or `nil` when its file does not exist yet. A file that others may read
    /// or write, or that another user owns, is refused.
    func read() throws -> [UInt8]? {
        switch kind {
        case .environment(let text):
            guard let bytes = SecretsLoader.decode(text), bytes.count >= 32 else {
                throw CommandFailure.user("MIZAN_SECRET must be hex or base64 of at least 32 random bytes")
            }
            return bytes
        case .file(let url, _):
            let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
            if descriptor < 0 {
                if errno == ENOENT { return nil }
                throw CommandFailure.user("cannot read the secret file \(url.path): \(String(cString: strerror(errno)))")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            // Checked on the open file, so it cannot be swapped between the check and the read.
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                throw CommandFailure.user("the secret file \(url.path) is not a regular file")
            }
            guard info.st_uid == geteuid() else {
                throw CommandFailure.user(
                    "the secret file \(url.path) belongs to another user (uid \(info.st_uid)); it must belong to the user running mizan (uid \(geteuid()))")
            }
            let mode = info.st_mode & 0o777
            guard mode & 0o077 == 0 else {
                throw CommandFailure.user(
                    "the secret file \(url.path) can be read or written by other users (mode \(String(mode, radix: 8))); "
                        + "it must be private (mode 0600 or 0400): chmod 600 \(url.path)")
            }
            let data = (try? handle.readToEnd()) ?? Data()
            let bytes = String(data: data, encoding: .utf8).flatMap(SecretsLoader.decode) ?? [UInt8](data)
            guard bytes.count >= 32 else {
                throw CommandFailure.user("the secret file \(url.path) holds \(bytes.count) bytes; a server secret is at least 32 random bytes")
            }
            return bytes
        }
    }

    /// A new random secret written to this source's file (in a folder of its own, mode 0700, the
    /// file 0600); never over an existing file.
    func create() throws -> [UInt8] {
        guard case .file(let url, _) = kind else { throw CommandFailure.system("MIZAN_SECRET is set; there is nothing to create") }
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure.system("cannot create \(folder.path) for the server secret: \(error.localizedDescription)")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Array((bytes.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure.system("cannot create the secret file \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else {
            unlink(url.path)
            throw CommandFailure.system("cannot write the secret file \(url.path)")
        }
        return bytes
    }

    /// Removes a file `create()` just wrote and that turned out not to be needed.
    func removeCreated() {
        if let path { unlink(path) }
    }

    // MARK: - What to tell the administrator

    private var expected: String {
        switch kind {
        case .environment: return "it is expected in MIZAN_SECRET"
        case .file(let url, let named):
            return "it is expected at \(url.path)\(named.map { " (given by \($0))" } ?? "")"
        }
    }

    private func legacyHint(_ legacy: URL) -> String {
        guard FileManager.default.fileExists(atPath: legacy.path), path != legacy.path else { return "" }
        return "; an earlier version kept the secret at \(legacy.path): move it with `mv \(legacy.path) \(path ?? "FILE")` "
            + "or set MIZAN_SECRET_FILE=\(legacy.path)"
    }

    func mismatch(_ recorded: SecretFingerprint, given: [UInt8], legacy: URL) -> String {
        "this database was set up with another secret (fingerprint \(recorded)); the secret from \(name) has fingerprint "
            + "\(SecretFingerprint(masterKey: given)). The database's secret is needed: \(expected); "
            + "set MIZAN_SECRET or MIZAN_SECRET_FILE to it\(legacyHint(legacy))"
    }

    func missing(_ recorded: SecretFingerprint, legacy: URL) -> String {
        "this database was set up with a secret (fingerprint \(recorded)) that was not found: \(expected); "
            + "set MIZAN_SECRET or MIZAN_SECRET_FILE to it. No new secret is created for a database that has one"
            + legacyHint(legacy)
    }

    func missingForExistingData(legacy: URL) -> String {
        "this database already holds national-ID digests or voting codes made with a secret, which was not found: "
            + "\(expected); set MIZAN_SECRET or MIZAN_SECRET_FILE to it. A new secret would no longer match them, "
            + "so none is created" + legacyHint(legacy)
    }
}

import ArgumentParser
import Foundation
import MizanCore
import MizanPostgres
import PostgresDriver

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and check the tamper-evident audit log.", subcommands: [Show.self, Verify.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the latest audit entries.", discussion: "Example:\n  mizan audit show --last 20")
        @Option(help: "How many of the latest entries.") var last = 50
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let entries = try await options.withStorage { storage in
                    try await storage.transaction { [last] stores in try stores.audit.entries(limit: last) }
                }
                if options.json {
                    Terminal.line(JSON.array(entries.map { entry in
                        .object([
                            ("id", .number(entry.id)), ("at_us", .number(entry.atMicroseconds)), ("actor", .string(entry.actor)),
                            ("action", .string(entry.action)), ("object", .string(entry.object)), ("details", .string(entry.details)),
                            ("hash", .string(entry.hash)),
                        ])
                    }).text)
                    return
                }
                let formatter = ISO8601DateFormatter()
                Terminal.line(Table.render(
                    header: ["id", "time (UTC)", "actor", "action", "object", "details"],
                    rows: entries.map {
                        ["\($0.id)", formatter.string(from: Date(timeIntervalSince1970: Double($0.atMicroseconds) / 1_000_000)),
                         $0.actor, $0.action, $0.object, $0.details]
                    }))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and compare it with a published head.",
            discussion: """
                Without options: recomputes the chain and names the first modified, inserted or \
                deleted entry; when intact, prints the head (entry count and hash) as N:HEX.

                Someone who rewrites an entry and recomputes every hash after it, or who removes \
                entries from the end, leaves a consistent chain. Compare with a head published \
                before (results pages, the outcome API and every export's audit_head.json show it): \
                with its count, a shortened log ("entries were removed") is told apart from a \
                rewritten one ("the log was rewritten: entry N has hash X, the published head says Y"). \
                --expect-head-file also checks the file's Ed25519 signature against its public key; \
                --public-key pins that key to the one the commune published.

                Examples:
                  mizan audit verify
                  mizan audit verify --expect-head 1234:3f1c…
                  mizan audit verify --expect-head-file berkane-2026/audit_head.json --public-key 9a0b…
                """)
        @Option(
            name: .customLong("expect-head"),
            help: ArgumentHelp("A published head: N:HEX (entry count and hash), or the hash alone.", valueName: "head"))
        var expectHead: String?
        @Option(
            name: .customLong("expect-head-file"),
            help: ArgumentHelp("A published audit_head.json (or a saved outcome API answer); its signature is checked.", valueName: "file"))
        var expectHeadFile: String?
        @Option(
            name: .customLong("public-key"),
            help: ArgumentHelp("The audit public key (hex) the head file must be signed with.", valueName: "hex"))
        var publicKey: String?
        @OptionGroup var options: AdminOptions

        func validate() throws {
            if expectHead != nil, expectHeadFile != nil {
                throw ValidationError("give --expect-head or --expect-head-file, not both")
            }
            if publicKey != nil, expectHeadFile == nil {
                throw ValidationError("--public-key checks the signature of --expect-head-file; give that file too")
            }
        }

        func run() async throws {
            try await reportingFailures {
                var expected: AuditHead?
                var signedNote = ""
                if let expectHead {
                    do { expected = try AuditHead(parsing: expectHead) } catch { throw CommandFailure.user("--expect-head: \(error)") }
                }
                if let expectHeadFile {
                    let signed = try Self.readSignedHead(expectHeadFile, publicKey: publicKey)
                    expected = signed.head
                    signedNote = " (\(URL(fileURLWithPath: expectHeadFile).lastPathComponent): signature valid, key \(signed.publicKey), signed \(signed.signedAt))"
                }
                let result = try await options.withStorage { [expected] storage in
                    try await VerifyAuditLog(storage: storage).execute(expected: expected)
                }
                try report(result, expected: expected, signedNote: signedNote)
            }
        }

        /// Reads and checks a published head file: well formed, signature valid under its own key,
        /// and that key the pinned one when given.
        static func readSignedHead(_ path: String, publicKey: String?) throws -> SignedAuditHead {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure.user("--expect-head-file: cannot read \(path)")
            }
            let signed: SignedAuditHead
            do { signed = try SignedAuditHead(json: data) } catch {
                throw CommandFailure.user("--expect-head-file: \(path) is not a published audit head: \(error)")
            }
            guard signed.hasValidSignature else {
                throw CommandFailure.user(
                    "the signature of \(path) does not verify under its public key \(signed.publicKey): the head was altered after it was signed")
            }
            if let publicKey, publicKey.lowercased() != signed.publicKey {
                throw CommandFailure.user(
                    "\(path) is signed by key \(signed.publicKey), not by the expected key \(publicKey.lowercased())")
            }
            return signed
        }

        func report(_ result: VerifyAuditLog.Result, expected: AuditHead?, signedNote: String) throws {
            switch result {
            case .intact(let count, let head):
                let against = expected.map { " and contains the published head \($0.hasCount ? "\($0.entries):" : "")\($0.hash)" } ?? ""
                if options.json {
                    Terminal.line(JSON.object([
                        ("intact", .bool(true)), ("entries", .int(count)), ("head", .string(head)),
                        ("matches_published_head", expected == nil ? JSON.null : JSON.bool(true)),
                    ]).text)
                } else {
                    Terminal.line("audit log intact: \(count) entries, head \(count):\(head)\(against)\(signedNote)")
                }
            case .broken(let id, let reason):
                if options.json {
                    Terminal.line(JSON.object([("intact", .bool(false)), ("first_bad_entry", .number(id)), ("reason", .string(reason))]).text)
                }
                throw CommandFailure.user("audit log broken at entry \(id): \(reason)")
            case .shortened(let published, let count):
                if options.json {
                    Terminal.line(JSON.object([("intact", .bool(false)), ("entries", .int(count)), ("published_entries", .int(published.entries)), ("reason", "removed")]).text)
                }
                throw CommandFailure.user(
                    "entries were removed: the published head counts \(published.entries) entries (head \(published.hash)), the log has \(count)")
            case .rewritten(let position, let id, let found, let published):
                if options.json {
                    Terminal.line(JSON.object([
                        ("intact", .bool(false)), ("entry", .int(position)), ("found", .string(found)), ("published", .string(published)),
                        ("reason", "rewritten"),
                    ]).text)
                }
                throw CommandFailure.user(
                    "the log was rewritten: entry \(position) has hash \(found), the published head says \(published)"
                        + (id > 0 ? " (entry \(position) is row id \(id); the chain was recomputed after a change at or before it)" : ""))
            case .headMissing(let hash):
                if options.json {
                    Terminal.line(JSON.object([("intact", .bool(false)), ("published", .string(hash)), ("reason", "head missing")]).text)
                }
                throw CommandFailure.user(
                    "the published head \(hash) is not in the log: entries were removed or the log was rewritten; "
                        + "give the head with its entry count (N:HEX, as published) to tell which")
            }
        }
    }
}

import Foundation
import MizanCore
import MizanTestSupport
import PostgresDriver
import Testing

extension AdminSession {
    /// Runs `body` as a superuser who first turns the audit log's guard triggers off, then on
    /// again: what an attacker with full database access does.
    func tamperingWithAuditLog(_ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection.connect(TestPostgres.configuration(configuration, as: .superuser))
        defer { connection.close() }
        try connection.transaction { connection in
            try connection.query("ALTER TABLE audit_log DISABLE TRIGGER USER")
            try body(connection)
            try connection.query("ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete")
            try connection.query("ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate")
        }
    }

    /// Every entry in chain order.
    func auditEntries() throws -> [AuditEntry] {
        try query("""
            SELECT id, (extract(epoch FROM at) * 1000000)::bigint, actor, action, object, details, previous_hash, hash FROM audit_log ORDER BY id
            """).map { row in
                AuditEntry(
                    id: try row.decode(Int64.self, 0), atMicroseconds: try row.decode(Int64.self, 1), actor: try row.decode(String.self, 2),
                    action: try row.decode(String.self, 3), object: try row.decode(String.self, 4), details: try row.decode(String.self, 5),
                    previousHash: try row.decode(String.self, 6), hash: try row.decode(String.self, 7))
            }
    }

    /// The head `mizan audit verify` prints as `N:HEX`.
    func publishedHead() throws -> String {
        let verified = try run("audit", "verify")
        #expect(verified.status == 0, "\(verified.output)")
        let words = verified.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return try #require(words.first { $0.contains(":") && $0.count > 64 }).description
    }
}

@Suite("The audit log is append-only and checked against its published head")
struct AuditHeadTests {
    @Test func theDatabaseRefusesToChangeOrEmptyTheLogWhateverTheSessionSays() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let before = try session.count("audit_log")
        #expect(before > 5)
        for statement: SQL in [
            "UPDATE audit_log SET details = 'cost=1' WHERE id = (SELECT min(id) FROM audit_log)",
            "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
            "TRUNCATE audit_log",
        ] {
            #expect {
                try session.query(statement)
            } throws: { error in
                guard let error = error as? PostgresError else { return false }
                return error.sqlState == SQLState.raiseException && error.message.contains("append-only")
            }
        }
        // A superuser's usual way around triggers (replica mode) does not work on these.
        let connection = try PostgresConnection.connect(session.configuration)
        defer { connection.close() }
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.query("SET LOCAL session_replication_role = replica")
                try connection.query("DELETE FROM audit_log")
            }
        }
        #expect(try session.count("audit_log") == before)
        #expect(try session.run("audit", "verify").status == 0)
    }

    @Test func aRewrittenHistoryIsToldApartFromAShortenedOne() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let published = try session.publishedHead()
        let parts = published.split(separator: ":")
        let count = try #require(Int(parts[0]))
        let hash = String(parts[1])
        #expect(count == (try session.count("audit_log")))

        // An attacker changes one entry and recomputes the chain from there: the chain is intact.
        try session.tamperingWithAuditLog { connection in
            var previous: String?
            for (index, entry) in try session.auditEntries().enumerated() where index >= 2 {
                let details = index == 2 ? "cost=1" : entry.details
                let link = previous ?? entry.previousHash
                let recomputed = AuditEntry.hash(
                    previousHash: link, atMicroseconds: entry.atMicroseconds, actor: entry.actor, action: entry.action, object: entry.object,
                    details: details)
                try connection.query("UPDATE audit_log SET details = \(details), previous_hash = \(link), hash = \(recomputed) WHERE id = \(entry.id)")
                previous = recomputed
            }
        }
        let rewrittenHead = try #require(try session.auditEntries().last?.hash)
        #expect(rewrittenHead != hash)
        #expect(try session.run("audit", "verify").status == 0, "the chain alone cannot tell")

        let caught = try session.run("audit", "verify", "--expect-head", published)
        #expect(caught.status == 1)
        #expect(caught.standardError.contains(
            "the log was rewritten: entry \(count) has hash \(rewrittenHead), the published head says \(hash)"), "\(caught.output)")
        #expect(!caught.standardError.contains("removed"))
        // With the hash alone, the change is seen but cannot be told apart.
        let bare = try session.run("audit", "verify", "--expect-head", hash)
        #expect(bare.status == 1)
        #expect(bare.standardError.contains("is not in the log"), "\(bare.output)")

        // Another log loses its last two entries: nothing to recompute, the chain stays intact.
        let other = try await AdminSession.make("shortened")
        _ = try other.cycleInVoting()
        let head = try other.publishedHead()
        let entries = try #require(Int(head.split(separator: ":")[0]))
        try other.tamperingWithAuditLog { connection in
            try connection.query("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 2)")
        }
        #expect(try other.run("audit", "verify").status == 0)
        let shortened = try other.run("audit", "verify", "--expect-head", head)
        #expect(shortened.status == 1)
        #expect(shortened.standardError.contains("entries were removed: the published head counts \(entries) entries"), "\(shortened.output)")
        #expect(shortened.standardError.contains("the log has \(entries - 2)"))
        #expect(!shortened.standardError.contains("rewritten"))

        // The untouched head of a log that has grown since is fine.
        #expect(try other.run("cycle", "advance", "1").status == 0)
        let grown = try other.run("audit", "verify", "--expect-head", "\(entries - 2):\(try other.auditEntries()[entries - 3].hash)")
        #expect(grown.status == 0, "\(grown.output)")
        #expect(try other.run("audit", "verify", "--expect-head", "12:xyz").standardError.contains("--expect-head"))
    }

    @Test func theExportedHeadIsSignedOutsideTheDatabaseAndATamperedOneFails() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.castStandardBallots()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        let folder = session.folder.appendingPathComponent("export")
        #expect(try session.run("export", "--cycle", "1", "--out", folder.path).status == 0)
        let file = folder.appendingPathComponent("audit_head.json")
        let signed = try SignedAuditHead(json: Data(contentsOf: file))

        // The head after the export's own entry, signed with the key derived from the secret.
        let entries = try session.auditEntries()
        #expect(signed.head == AuditHead(entries: entries.count, hash: entries.last!.hash))
        #expect(entries.last?.action == "cycle.export")
        let key = try ServerSecrets(masterKey: Array(repeating: 0xab, count: 32)).auditPublicKeyHex
        #expect(signed.publicKey == key)
        #expect(signed.hasValidSignature)
        #expect(try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8).contains("  audit_head.json\n"))

        let good = try session.run("audit", "verify", "--expect-head-file", file.path, "--public-key", key)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.standardOutput.contains("signature valid"))
        let otherKey = try ServerSecrets(masterKey: Array(repeating: 0xcd, count: 32)).auditPublicKeyHex
        let pinned = try session.run("audit", "verify", "--expect-head-file", file.path, "--public-key", otherKey)
        #expect(pinned.status == 1)
        #expect(pinned.standardError.contains("not by the expected key"))

        // A head edited to hide a removal (one entry fewer, with that entry's hash) fails its signature.
        let text = try String(contentsOf: file, encoding: .utf8)
        let forged = text.replacingOccurrences(of: "\"entries\":\(entries.count)", with: "\"entries\":\(entries.count - 1)")
            .replacingOccurrences(of: entries.last!.hash, with: entries[entries.count - 2].hash)
        #expect(forged != text)
        let forgedFile = session.folder.appendingPathComponent("forged_head.json")
        try forged.write(to: forgedFile, atomically: true, encoding: .utf8)
        let refused = try session.run("audit", "verify", "--expect-head-file", forgedFile.path)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("does not verify under its public key"), "\(refused.output)")
        // And `mizan verify` checks it in the folder too (with SHA256SUMS rewritten to match).
        try forged.write(to: file, atomically: true, encoding: .utf8)
        try rewriteSHA256SUMS(in: folder)
        let verified = try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
        #expect(verified.status == 1)
        #expect(verified.standardOutput.contains("audit_head.json: MISMATCH"), "\(verified.output)")
    }
}

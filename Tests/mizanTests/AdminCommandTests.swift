import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver
import MizanDevCluster

/// A migrated database of its own and the environment that points `mizan` at it.
struct AdminSession {
    let configuration: PostgresConfiguration
    let environment: [String: String]
    let folder: URL

    static let secret = String(repeating: "ab", count: 32)

    static func make(_ label: String = #function) async throws -> AdminSession {
        let configuration = try await TestPostgres.database("cli_\(label)")
        let folder = try TemporaryFolder.make("mizan-cli")
        return AdminSession(
            configuration: configuration,
            environment: MizanBinary.environment(["DATABASE_URL": configuration.urlForTests, "MIZAN_SECRET": secret]),
            folder: folder)
    }

    @discardableResult
    func run(_ arguments: String...) throws -> ChildProcess.Result {
        try MizanBinary.run(arguments + ["--actor", "test-clerk"], environment: environment)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Runs a statement as the database's superuser: the hand of an administrator (or an attacker
    /// with database access) beside the commands, which connect as the service's role.
    @discardableResult
    func query(_ sql: SQL) throws -> QueryResult {
        let connection = try PostgresConnection.connect(TestPostgres.configuration(configuration, as: .superuser))
        defer { connection.close() }
        return try connection.query(sql)
    }

    func count(_ table: String) throws -> Int {
        try query(SQL(unsafeRaw: "SELECT count(*) FROM \(table)")).single().decode(Int.self, 0)
    }

    /// A Berkane cycle moved to `phase`, with three accepted projects (ids returned) and a registry.
    func cycleInVoting(ballot: [String] = ["--ballot", "approval", "--max", "2"]) throws -> [Int] {
        #expect(try run(["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--rule", "greedy"] + ballot).status == 0)
        #expect(try run("cycle", "advance", "1").status == 0)
        for title in ["Éclairage de la rue 12", "Terrain de proximité", "Bibliothèque de quartier"] {
            #expect(try run("proposal", "add", "--cycle", "1", "--title", title, "--category", "Voirie", "--cost", "300000").status == 0)
        }
        #expect(try run("cycle", "advance", "1").status == 0)
        for id in 1...3 { #expect(try run("proposal", "accept", "\(id)", "--cost", "\(200_000 * id)").status == 0) }
        let voters = try write("voters.csv", "national_id,birth_date\nAB123456,1990-05-12\nCD234567,1985-07-12\nEF345678,1970-01-01\n")
        #expect(try run("registry", "import", "--cycle", "1", voters).status == 0)
        #expect(try run("cycle", "advance", "1").status == 0)
        return [1, 2, 3]
    }

    func run(_ arguments: [String]) throws -> ChildProcess.Result {
        try MizanBinary.run(arguments + ["--actor", "test-clerk"], environment: environment)
    }
}

@Suite("mizan cycle")
struct CycleCommandTests {
    @Test func createsAndShowsACycleAsJSON() async throws {
        let session = try await AdminSession.make()
        let created = try session.run(
            "cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1.500.000,50", "--ballot", "points",
            "--points", "10", "--points-cap", "5", "--rule", "mes", "--json")
        #expect(created.status == 0, "\(created.output)")
        #expect(created.standardOutput.contains("\"budget_centimes\":150000050"))
        #expect(created.standardOutput.contains("\"phase\":\"draft\""))
        let listed = try session.run("cycle", "list", "--commune", "02.113.01.09")
        #expect(listed.standardOutput.contains("1.500.000,50 MAD"))
    }

    @Test func refusesBadOptionsWithTheField() async throws {
        let session = try await AdminSession.make()
        let cases: [([String], String)] = [
            (["--budget=-5"], "negative"), (["--budget", "abc"], "not an amount"), (["--rule", "borda"], "--rule"),
            (["--ballot", "points"], "--points"), (["--year", "1850"], "--year"),
        ]
        for (change, message) in cases {
            var arguments = ["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000", "--ballot", "approval", "--rule", "greedy"]
            if change.count == 1 {
                arguments.removeAll { $0 == "--budget" || $0 == "1000" }
                arguments += change
            }
            for index in stride(from: 0, to: change.count - 1, by: 2) {
                if let position = arguments.firstIndex(of: change[index]) {
                    arguments[position + 1] = change[index + 1]
                } else {
                    arguments += [change[index], change[index + 1]]
                }
            }
            let result = try session.run(arguments)
            #expect(result.status == 1, "\(change): \(result.output)")
            #expect(result.standardError.contains(message), "\(change): \(result.standardError)")
        }
        #expect(try session.run("cycle", "create", "--commune", "99.999.99.9", "--year", "2026", "--budget", "1000", "--ballot", "approval", "--rule", "greedy").standardError.contains("no commune"))
        #expect(try session.count("cycles") == 0)
    }

    @Test func settingsAreCorrectedUntilVotingOpens() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run(
            "cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--max", "3",
            "--rule", "greedy", "--min-votes", "20", "--voting-close", "2026-06-30").status == 0)
        let changed = try session.run(
            "cycle", "settings", "1", "--budget", "1200000", "--rule", "equalshares", "--completion", "add1u", "--min-votes", "",
            "--voting-open", "2026-06-01")
        #expect(changed.status == 0, "\(changed.output)")
        #expect(changed.standardOutput.contains("changed: budget, rule, procedure, thresholds, dates"), "\(changed.output)")
        let row = try session.query("SELECT budget_centimes, max_choices, thresholds, to_char(voting_open, 'YYYY-MM-DD') FROM cycles WHERE id = 1").single()
        #expect(try row.decode(Int64.self, 0) == 120_000_000)
        #expect(try row.decode(Int.self, 1) == 3, "an option not given keeps its value")
        #expect(try row.decode(String.self, 2) == "", "an empty value clears it")
        #expect(try row.decode(String.self, 3) == "2026-06-01")
        let unchanged = try session.run("cycle", "settings", "1", "--budget", "1.200.000")
        #expect(unchanged.standardOutput.contains("nothing changed"))
        // Refused by field: dates out of order, a completion without equalshares.
        let disordered = try session.run("cycle", "settings", "1", "--voting-open", "2026-07-15")
        #expect(disordered.status == 1)
        #expect(disordered.standardError.contains("--voting-close"), "\(disordered.standardError)")
        let misplaced = try session.run("cycle", "settings", "1", "--rule", "greedy")
        #expect(misplaced.status == 1)
        #expect(misplaced.standardError.contains("--completion"), "\(misplaced.standardError)")
        #expect(try session.query("SELECT count(*) FROM audit_log WHERE action = 'cycle.settings'").single().decode(Int.self, 0) == 1)
    }

    @Test func phasesOnlyMoveForwardWithReasons() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        #expect(try session.run("cycle", "advance", "1").standardOutput.contains("now in proposals"))
        let blocked = try session.run("cycle", "advance", "1")
        #expect(blocked.status == 1)
        #expect(blocked.standardError.contains("no proposal has been submitted"))
        #expect(try session.run("proposal", "add", "--cycle", "1", "--title", "Parc", "--category", "Espaces verts", "--cost", "1000").status == 0)
        // Hidden by mistake and shown again, both before review; showing again what is not hidden is refused.
        #expect(try session.run("proposal", "hide", "1", "--reason", "Doublon supposé").status == 0)
        #expect(try session.run("proposal", "unhide", "1").status == 0)
        let notHidden = try session.run("proposal", "unhide", "1")
        #expect(notHidden.status == 1)
        #expect(notHidden.standardError.contains("is not hidden"))
        #expect(try session.query("SELECT status FROM proposals WHERE id = 1").single().decode(String.self, 0) == "submitted")
        #expect(try session.run("cycle", "advance", "1").status == 0)
        let review = try session.run("cycle", "advance", "1")
        #expect(review.status == 1)
        #expect(review.standardError.contains("no project is accepted"))
        #expect(review.standardError.contains("await review"))
        #expect(review.standardError.contains("nobody can vote"))

        // The database itself refuses skipping or going back.
        #expect(throws: PostgresError.self) { try session.query("UPDATE cycles SET phase = 'published' WHERE id = 1") }
        #expect(throws: PostgresError.self) { try session.query("UPDATE cycles SET phase = 'draft' WHERE id = 1") }
    }

    @Test func rulesAreFrozenOnceVotingOpens() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        #expect {
            try session.query("UPDATE cycles SET rule = 'mes' WHERE id = 1")
        } throws: { error in
            (error as? PostgresError)?.message.contains("frozen") == true
        }
        #expect(throws: PostgresError.self) { try session.query("UPDATE cycles SET budget_centimes = 1 WHERE id = 1") }
        #expect(throws: PostgresError.self) {
            try session.query("INSERT INTO proposals (commune_id, cycle_id, title, description, category, estimated_cost_centimes) SELECT commune_id, 1, 'Late', '', 'x', 100 FROM cycles")
        }
    }
}

@Suite("mizan registry import and codes issue")
struct RegistryImportTests {
    @Test func badLinesAreReportedAndNothingIsImported() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        let huge = String(repeating: "x", count: 2_000)
        let file = try session.write("voters.csv", """
            national_id;birth_date;district;sex
            AB123456;1990-05-12;;F
            AB 123456;1991-01-01;;F
            Q;2001-02-30;;X
            CD234567;12/07/1985;Nowhere;M
            EF345678;1970-01-01;\(huge);M
            GH456789;1980-03-04;;f
            """)
        let result = try session.run("registry", "import", "--cycle", "1", file)
        #expect(result.status == 1)
        for expected in [
            "line 3, national_id: duplicates line 2", "line 4, birth_date", "line 4, national_id", "line 4, sex",
            "line 5, district: \"Nowhere\"", "line 6, line: is 2", "4 bad line(s); nothing was imported",
        ] {
            #expect(result.standardError.contains(expected), "missing \(expected) in \(result.standardError)")
        }
        #expect(try session.count("registry_entries") == 0)

        let skipping = try session.run("registry", "import", "--cycle", "1", "--skip-invalid", file)
        #expect(skipping.status == 0, "\(skipping.output)")
        #expect(skipping.standardOutput.contains("imported: 2 new, 0 updated, 4 line(s) skipped"))
        let again = try session.run("registry", "import", "--cycle", "1", "--skip-invalid", file)
        #expect(again.standardOutput.contains("imported: 0 new, 2 updated"))
        #expect(try session.count("registry_entries") == 2, "re-import updates without duplicates")
    }

    @Test func idNumbersAreStoredOnlyAsHMAC() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        let file = try session.write("voters.csv", "cin,date_naissance,sexe\nAB123456,1990-05-12,F\n")
        #expect(try session.run("registry", "import", "--cycle", "1", file).status == 0)
        let stored = try session.query("SELECT national_id_hmac FROM registry_entries").single().decode(PostgresBytes.self, 0)
        let expected = try ServerSecrets(masterKey: Array(repeating: 0xab, count: 32)).digest(of: NationalID(parsing: "AB123456"))
        #expect(stored.bytes == expected)
        let dump = try session.query("SELECT row_to_json(r)::text FROM registry_entries r").single().decode(String.self, 0)
        #expect(!dump.contains("AB123456"))
    }

    @Test func missingColumnsEmptyFilesAndWrongEncodingAreRefused() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        let noColumn = try session.run("registry", "import", "--cycle", "1", try session.write("a.csv", "national_id,district\nAB1,x\n"))
        #expect(noColumn.status == 1)
        #expect(noColumn.standardError.contains("missing column(s) birth_date"))
        let latin1 = try session.write("b.csv", bytes: Array("national_id,birth_date,district\nAB1,1990-01-01,F".utf8) + [0xE8, 0x73, 0x0A])
        let encoding = try session.run("registry", "import", "--cycle", "1", latin1)
        #expect(encoding.status == 1)
        #expect(encoding.standardError.contains("line 2, line: is not UTF-8"))
        #expect(try session.run("registry", "import", "--cycle", "1", try session.write("c.csv", "")).standardError.contains("empty"))
        #expect(try session.run("registry", "import", "--cycle", "1", "/nonexistent.csv").status == 1)
    }

    @Test func codesAreWrittenOnceAndStoredHashed() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        let out = session.folder.appendingPathComponent("codes.csv").path
        #expect(try session.run("codes", "issue", "--cycle", "1", "--count", "25", "--out", out).status == 0)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 26)
        #expect(try session.count("voting_codes") == 25)
        let firstCode = String(lines[1].split(separator: ",")[0])
        #expect(try session.query("SELECT count(*) FROM voting_codes WHERE encode(code_hash, 'hex') LIKE '%' || \(firstCode) || '%'").single().decode(Int.self, 0) == 0)
        let again = try session.run("codes", "issue", "--cycle", "1", "--count", "5", "--out", out)
        #expect(again.status == 1, "an existing file is never overwritten")
        #expect(try session.count("voting_codes") == 25)
    }
}

@Suite("mizan ballots enter-paper")
struct PaperBallotTests {
    /// A web vote, through the use cases the site runs (each ballot in a transaction of its own
    /// instead of the site's group commit).
    func voteOnline(_ session: AdminSession, _ id: String, _ projects: [Int], replacing proof: ReceiptCode? = nil) async throws -> BallotReceipt {
        let secrets = try ServerSecrets(masterKey: Array(repeating: 0xab, count: 32))
        let pool = ConnectionPool(configuration: session.configuration, maximumConnections: 1)
        let storage = PostgresStorage(pool: pool)
        do {
            let voter = try #require(
                try await IdentifyVoter(storage: storage, secrets: secrets).atDesk(.nationalID(NationalID(parsing: id)), cycle: CycleID(1)))
            let cast = CastBallot(storage: storage, box: storage.directBallotBox, secrets: secrets)
            let receipt = try await cast(
                projects.map { BallotChoice(proposalID: $0) }, by: voter, in: CycleID(1), channel: .web, submission: .random(), replacing: proof)
            await pool.shutdown()
            return receipt
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    @Test func oneVotePerPersonAcrossChannels() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let out = session.folder.appendingPathComponent("codes.csv").path
        #expect(try session.run("codes", "issue", "--cycle", "1", "--count", "2", "--out", out).status == 0)
        let code = String(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")[1].split(separator: ",")[0])

        // A web vote first, through the same code path the site uses.
        let webReceipt = try await voteOnline(session, "CD234567", [1])
        #expect(webReceipt.replaced == false)

        let paper = try session.write("paper.csv", """
            voter,choices
            AB123456,1 2
            AB123456,3
            CD234567,2
            \(code),3
            EF345678,1 2 3
            ZZ999999,1
            EF345678,4
            """)
        let rehearsal = try session.run("ballots", "enter-paper", "--cycle", "1", "--dry-run", paper)
        #expect(rehearsal.status == 1)
        #expect(rehearsal.standardOutput.contains("2 ballot(s) would be stored, 5 refused (dry run: nothing stored)"))
        #expect(rehearsal.standardError.contains("line 3, ballot: this voter already voted (paper)"), "a repeated voter is refused in a dry run too")
        #expect(try session.count("sealed_ballots") == 1, "a dry run stores nothing")

        let result = try session.run("ballots", "enter-paper", "--cycle", "1", paper)
        #expect(result.status == 1, "refusals make the exit status 1")
        #expect(result.standardOutput.contains("2 paper ballot(s) stored, 5 refused"))
        for expected in [
            "line 3, ballot: this voter already voted (paper)", "line 4, ballot: this voter already voted (web)",
            "line 6, ballot: choose at most 2", "line 7, ballot: this voter is not in the registry",
            "line 8, ballot: project 4 is not on this ballot",
        ] {
            #expect(result.standardError.contains(expected), "missing \(expected) in \(result.standardError)")
            #expect(rehearsal.standardError.contains(expected), "the dry run refuses the same lines: missing \(expected)")
        }
        #expect(try session.count("sealed_ballots") == 3)
        #expect(try session.count("participation") == 3)
        #expect(try session.query("SELECT count(*) FROM audit_log WHERE action = 'ballots.enter-paper'").single().decode(Int.self, 0) == 1)
        #expect(try session.query("SELECT count(*) FROM participation WHERE channel = 'paper'").single().decode(Int.self, 0) == 2)
        // Each paper ballot stored gets a receipt code, printed with its line for the voter.
        let receiptLines = result.standardOutput.split(separator: "\n").filter { $0.contains("\treceipt ") }
        #expect(receiptLines.map { $0.split(separator: "\t")[0] } == ["line 2", "line 5"])
        // Entering the same file again stores nothing twice and prints the same receipts.
        let rerun = try session.run("ballots", "enter-paper", "--cycle", "1", paper)
        #expect(rerun.standardOutput.split(separator: "\n").filter { $0.contains("\treceipt ") } == receiptLines)
        #expect(try session.count("sealed_ballots") == 3)

        // After voting on paper, an online vote of the same person is refused.
        await #expect(throws: VoteError.alreadyVoted(channel: .paper)) { try await voteOnline(session, "AB123456", [3]) }

        // A web voter may vote again with the receipt of their ballot: the new one replaces it.
        await #expect(throws: VoteError.needsReceipt) { try await voteOnline(session, "CD234567", [2, 3]) }
        let replaced = try await voteOnline(session, "CD234567", [2, 3], replacing: webReceipt.code)
        #expect(replaced.replaced)
        #expect(try session.count("sealed_ballots") == 3)

        // The one-ballot-per-voter rule is a database constraint, not only application code.
        #expect {
            try session.query("INSERT INTO participation (cycle_id, commune_id, voter_key, channel) SELECT cycle_id, commune_id, voter_key, 'paper' FROM participation LIMIT 1")
        } throws: { error in
            (error as? PostgresError)?.sqlState == SQLState.uniqueViolation
        }

        // Closing voting mixes the three ballots in; the replaced one is not among them.
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.count("sealed_ballots") == 0)
        #expect(try session.count("ballots") == 3)
        #expect(try session.query("SELECT count(*) FROM ballots WHERE receipt_code = \(webReceipt.code.value)").single().decode(Int.self, 0) == 0)
        #expect(try session.query("SELECT count(*) FROM ballots WHERE receipt_code = \(replaced.code.value)").single().decode(Int.self, 0) == 1)
    }

    @Test func refusedWhenVotingIsNotOpen() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        let paper = try session.write("paper.csv", "voter,choices\nAB123456,1\n")
        let result = try session.run("ballots", "enter-paper", "--cycle", "1", paper)
        #expect(result.status == 1)
        #expect(result.standardError.contains("paper ballots are entered while voting is open"), "\(result.standardError)")
        #expect(try session.count("ballots") == 0)
    }
}

@Suite("mizan audit")
struct AuditCommandTests {
    @Test func detectsAModifiedEntry() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let intact = try session.run("audit", "verify")
        #expect(intact.status == 0)
        #expect(intact.standardOutput.contains("audit log intact"))
        let show = try session.run("audit", "show", "--last", "3")
        #expect(show.standardOutput.contains("test-clerk"))
        #expect(show.standardOutput.contains("cycle.advance"))

        let ids = try session.query("SELECT id FROM audit_log ORDER BY id").map { try $0.decode(Int64.self, 0) }
        try session.tamperingWithAuditLog { try $0.query("UPDATE audit_log SET details = 'cost=1' WHERE id = \(ids[5])") }
        let modified = try session.run("audit", "verify")
        #expect(modified.status == 1)
        #expect(modified.standardError.contains("broken at entry \(ids[5])"))
        #expect(modified.standardError.contains("changed"))
    }

    @Test func detectsDeletedAndInsertedEntries() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let ids = try session.query("SELECT id FROM audit_log ORDER BY id").map { try $0.decode(Int64.self, 0) }
        try session.tamperingWithAuditLog { try $0.query("DELETE FROM audit_log WHERE id = \(ids[3])") }
        let deleted = try session.run("audit", "verify")
        #expect(deleted.status == 1)
        #expect(deleted.standardError.contains("broken at entry \(ids[4])"))

        let other = try await AdminSession.make("inserted")
        _ = try other.cycleInVoting()
        let second = try other.query("SELECT previous_hash FROM audit_log ORDER BY id OFFSET 2 LIMIT 1").single().decode(String.self, 0)
        let forged = AuditEntry.hash(previousHash: second, atMicroseconds: 0, actor: "intruder", action: "cycle.advance", object: "cycle:1", details: "")
        try other.query("""
            INSERT INTO audit_log (at, actor, action, object, details, previous_hash, hash)
            VALUES (to_timestamp(0), 'intruder', 'cycle.advance', 'cycle:1', '', \(second), \(forged))
            """)
        let inserted = try other.run("audit", "verify")
        #expect(inserted.status == 1, "\(inserted.output)")
        #expect(inserted.standardError.contains("broken at entry"))

        // Removing the newest entry is caught against a published head.
        let third = try await AdminSession.make("truncated")
        _ = try third.cycleInVoting()
        let published = try third.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").single().decode(String.self, 0)
        try third.tamperingWithAuditLog { try $0.query("DELETE FROM audit_log WHERE hash = \(published)") }
        #expect(try third.run("audit", "verify").status == 0)
        let pinned = try third.run("audit", "verify", "--expect-head", published)
        #expect(pinned.status == 1)
        #expect(pinned.standardError.contains("entries were removed"), "\(pinned.output)")
    }
}

@Suite("mizan commune, district and implementation")
struct GeographyCommandTests {
    @Test func listsAndShowsCommunesAndAddsDistricts() async throws {
        let session = try await AdminSession.make()
        let listed = try session.run("commune", "list", "--search", "Berkane", "--json")
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.standardOutput.contains("\"code\":\"02.113.01.09\""))
        #expect(try session.run("commune", "list", "--province", "2.113").standardError.contains("--province"))

        let added = try session.run("district", "add", "--commune", "02.113.01.09", "--name-fr", "Hay Al Massira", "--name-ar", "حي المسيرة")
        #expect(added.status == 0, "\(added.output)")
        #expect(added.standardOutput.contains("Hay Al Massira — حي المسيرة"))
        #expect(try session.run("district", "add", "--commune", "02.113.01.09", "--name-fr", " ", "--name-ar", "x").standardError
            .contains("must not be empty"))
        #expect(try session.run("district", "add", "--commune", "99.999.99.9", "--name-fr", "A", "--name-ar", "ب").status == 1)
        let districts = try session.run("district", "list", "--commune", "02.113.01.09", "--json")
        #expect(districts.standardOutput.contains("\"kind\":\"quarter\",\"name_fr\":\"Hay Al Massira\""))
        #expect(try session.run("district", "list", "--commune", "99.999.99.9").standardError.contains("no region, province or commune"))

        let shown = try session.run("commune", "show", "02.113.01.09")
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.standardOutput.contains("districts: Hay Al Massira (quarter)"))
        #expect(shown.standardOutput.contains("no cycles"))
        #expect(try session.count("audit_log") == 1)
    }

    @Test func implementationIsRecordedOnlyForFundedProjects() async throws {
        let session = try await AdminSession.make()
        let projects = try session.cycleInVoting()
        let unfunded = try session.run(
            "implementation", "update", "--project", "\(projects[0])", "--status", "in_progress", "--progress", "40", "--spent", "50000")
        #expect(unfunded.status == 1)
        #expect(unfunded.standardError.contains("project \(projects[0]) is not funded in a published outcome"))
        let badStatus = try session.run("implementation", "update", "--project", "1", "--status", "done", "--progress", "40", "--spent", "0")
        #expect(badStatus.standardError.contains("--status must be one of planned, tendering, in_progress"))
        #expect(try session.run("implementation", "update", "--project", "1", "--status", "planned", "--progress", "140", "--spent", "0")
            .standardError.contains("--progress must be between 0 and 100"))
        #expect(try session.count("implementation_updates") == 0)
    }
}

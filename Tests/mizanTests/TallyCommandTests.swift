import Crypto
import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import PBEngine
import Testing
import PostgresDriver
import MizanDevCluster

/// Ballots written straight into the database (`seed_ballot`), so a test can have dozens
/// of voters without a registry entry each.
extension AdminSession {
    /// A Berkane cycle in voting with three accepted projects costing 200 000, 400 000 and
    /// 600 000 MAD out of 1 000 000.
    func votingCycle(rule: String, budget: String = "1000000", options: [String] = []) throws {
        let created = try run(["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", budget, "--ballot", "approval", "--max", "2", "--rule", rule] + options)
        #expect(created.status == 0, "\(created.output)")
        #expect(try run("cycle", "advance", "1").status == 0)
        for title in ["Éclairage de la rue 12", "Terrain de proximité", "Bibliothèque de quartier"] {
            #expect(try run("proposal", "add", "--cycle", "1", "--title", title, "--category", "Voirie", "--cost", "300000").status == 0)
        }
        #expect(try run("cycle", "advance", "1").status == 0)
        for id in 1...3 { #expect(try run("proposal", "accept", "\(id)", "--cost", "\(200_000 * id)").status == 0) }
        let voters = try write("voters.csv", "national_id,birth_date\nAB123456,1990-05-12\n")
        #expect(try run("registry", "import", "--cycle", "1", voters).status == 0)
        #expect(try run("cycle", "advance", "1").status == 0)
    }

    /// `count` ballots choosing `projects`, numbered from `first` so every voter is different.
    func cast(_ count: Int, for projects: [Int], first: Int, channel: String = "web") throws {
        try query("""
            SELECT seed_ballot(1, y.commune_id, sha256(('voter-' || g)::bytea), \(channel), NULL, sha256(('pseudonym-' || g)::bytea),
                               upper(substr(md5('r' || g), 1, 4) || '-' || substr(md5('r' || g), 5, 4) || '-' || substr(md5('r' || g), 9, 4) || '-' || substr(md5('r' || g), 13, 4)),
                               \(projects)::int[], array_fill(1, ARRAY[\(projects.count)::int]))
            FROM cycles y, generate_series(\(first)::int, \(first + count - 1)::int) g WHERE y.id = 1
            """)
    }

    /// 30 voters: 12 for projects 1+2, 10 for 3, 8 for 2+3 (two of them on paper).
    func castStandardBallots() throws {
        try cast(12, for: [1, 2], first: 1)
        try cast(10, for: [3], first: 100)
        try cast(6, for: [2, 3], first: 200)
        try cast(2, for: [2, 3], first: 300, channel: "paper")
    }

    func funded(tally: Int? = nil) throws -> [Int] {
        try query("""
            SELECT proposal_id FROM tally_projects WHERE funded AND tally_id = (SELECT max(id) FROM tallies) ORDER BY round
            """).map { try $0.decode(Int.self, 0) }
    }
}

/// The same ballots given to the engine directly, for comparison.
func engineWinners(ruleKey: String) -> [String] {
    let instance = Instance(
        projects: [Project(id: "1", cost: 200_000), Project(id: "2", cost: 400_000), Project(id: "3", cost: 600_000)], budget: 1_000_000)
    func ballot(_ projects: [Int]) -> PBEngine.Ballot { PBEngine.Ballot(entries: projects.map { .init(project: $0 - 1, value: 1) }) }
    let ballots = Array(repeating: ballot([1, 2]), count: 12) + Array(repeating: ballot([3]), count: 10) + Array(repeating: ballot([2, 3]), count: 8)
    let outcome = Rule(key: ruleKey)!.apply(to: instance, profile: Profile(voteType: .approval, ballots: ballots), tieBreaking: .lexicographic)
    return outcome.selected.map { instance.projects[$0].id }
}

func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

@Suite("mizan tally and publish")
struct TallyCommandTests {
    @Test func storesTheEngineOutcomeOnlyOnceVotingIsClosed() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "mes")
        try session.castStandardBallots()

        let early = try session.run("tally", "--cycle", "1")
        #expect(early.status == 1, "\(early.output)")
        #expect(early.standardError.contains("is in voting"), "\(early.standardError)")
        #expect(try session.run("tally", "--cycle", "1", "--what-if").status == 1, "no result may leak while people vote")
        #expect(try session.run("tally", "--cycle", "7").standardError.contains("there is no cycle 7"))

        #expect(try session.run("cycle", "advance", "1").status == 0)
        let promised = try session.run("tally", "--cycle", "1", "--rule", "greedy")
        #expect(promised.status == 1)
        #expect(promised.standardError.contains("--what-if"))

        let whatIf = try session.run("tally", "--cycle", "1", "--what-if", "--rule", "greedy", "--budget", "600000", "--json")
        #expect(whatIf.status == 0, "\(whatIf.output)")
        #expect(whatIf.standardOutput.contains("\"stored\":false"))
        #expect(whatIf.standardOutput.contains("\"budget_centimes\":60000000"))
        #expect(try session.count("tallies") == 0, "what-if stores nothing")
        #expect(try session.run("tally", "--cycle", "1", "--what-if", "--rule", "borda").status == 1)

        let tally = try session.run("tally", "--cycle", "1")
        #expect(tally.status == 0, "\(tally.output)")
        #expect(tally.standardOutput.contains("stored as tally #"))
        #expect(tally.standardOutput.contains("supporters"))
        #expect(tally.standardOutput.contains("funded in round 1"), "\(tally.standardOutput)")
        #expect(try session.funded().map(String.init) == engineWinners(ruleKey: "mes"))

        let row = try session.query("SELECT rule, tie_break, engine_version, budget_centimes, spent_centimes, voters, pb_sha256, jsonb_array_length(trace) FROM tallies").single()
        #expect(try row.decode(String.self, 0) == "mes_cost_add1_util")
        #expect(try row.decode(String.self, 1) == "lexicographic")
        #expect(try row.decode(String.self, 2) == EngineSettings.version)
        #expect(try row.decode(Int64.self, 3) == 100_000_000)
        #expect(try row.decode(Int.self, 5) == 30)
        #expect(try row.decode(String.self, 6).count == 64)
        #expect(try row.decode(Int.self, 7) > 0)
        let supporters = try session.query("SELECT proposal_id, supporters FROM tally_projects ORDER BY proposal_id").map { [try $0.decode(Int.self, 0), try $0.decode(Int.self, 1)] }
        #expect(supporters == [[1, 12], [2, 20], [3, 18]])
        let audit = try session.query("SELECT actor, details FROM audit_log WHERE action = 'tally.store'").single()
        #expect(try audit.decode(String.self, 0) == "test-clerk")
        #expect(try audit.decode(String.self, 1).contains("pb_sha256="))

        // The greedy rule through the command line agrees with the engine too.
        let greedy = try session.run("tally", "--cycle", "1", "--what-if", "--rule", "greedy", "--json")
        for id in engineWinners(ruleKey: "greedy") { #expect(greedy.standardOutput.contains("\"funded\":[") && greedy.standardOutput.contains("\"\(id)\"")) }
    }

    @Test func publishingFreezesTheOutcome() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.castStandardBallots()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("publish", "--cycle", "1").standardError.contains("no stored outcome"))
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0, "a tallied cycle may be tallied again")
        #expect(try session.count("tallies") == 2)

        let published = try session.run("publish", "--cycle", "1")
        #expect(published.status == 0, "\(published.output)")
        #expect(published.standardOutput.contains("now in published"))
        #expect(try session.query("SELECT count(*) FROM tallies WHERE published_at IS NOT NULL").single().decode(Int.self, 0) == 1)
        #expect(try session.query("SELECT phase FROM cycles").single().decode(String.self, 0) == "published")
        #expect(try session.count("audit_log WHERE action = 'tally.publish'") == 1)

        let again = try session.run("tally", "--cycle", "1")
        #expect(again.status == 1)
        #expect(again.standardError.contains("published and frozen"))
        #expect(try session.run("publish", "--cycle", "1").status == 1)
        #expect(try session.run("tally", "--cycle", "1", "--what-if", "--rule", "optimal").status == 0)
        #expect(try session.count("tallies") == 2)

        // The database refuses edits whatever the code path.
        #expect(throws: PostgresError.self) { try session.query("UPDATE tally_projects SET funded = NOT funded") }
        #expect(throws: PostgresError.self) { try session.query("UPDATE tallies SET spent_centimes = 0 WHERE published_at IS NOT NULL") }
        #expect(throws: PostgresError.self) { try session.query("DELETE FROM tallies WHERE published_at IS NOT NULL") }
        #expect(throws: PostgresError.self) {
            try session.query("""
                INSERT INTO tallies (commune_id, cycle_id, rule, tie_break, engine_version, budget_centimes, spent_centimes, voters, pb_sha256, trace, computed_by)
                SELECT commune_id, cycle_id, rule, tie_break, engine_version, budget_centimes, 0, 0, pb_sha256, '[]', 'x' FROM tallies LIMIT 1
                """)
        }
        #expect(throws: PostgresError.self) {
            try session.query("INSERT INTO tally_projects (tally_id, proposal_id, cost_centimes, supporters, score, funded) SELECT id, 1, 1, 0, 0, true FROM tallies WHERE published_at IS NOT NULL")
        }
    }
}

@Suite("mizan export and verify")
struct ExportVerifyTests {
    func exported(_ session: AdminSession, format: String = "pb") throws -> URL {
        let folder = session.folder.appendingPathComponent("export-\(format)")
        let result = try session.run("export", "--cycle", "1", "--format", format, "--out", folder.path)
        #expect(result.status == 0, "\(result.output)")
        return folder
    }

    func verify(_ folder: URL, _ session: AdminSession) throws -> ChildProcess.Result {
        // No database: verify must not need one.
        try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
    }

    @Test func exportsAnonymousFilesThatVerify() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "mes")
        try session.castStandardBallots()
        #expect(try session.run("export", "--cycle", "1", "--out", session.folder.appendingPathComponent("early").path).status == 1, "ballots are not exported during voting")
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        #expect(try session.run("publish", "--cycle", "1").status == 0)

        let folder = try exported(session)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["SHA256SUMS", "audit_head.json", "ballots.pb", "outcome.json", "projects.csv"])
        let sums = try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        for line in sums.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let data = try Data(contentsOf: folder.appendingPathComponent(String(parts[1])))
            #expect(sha256Hex(data) == String(parts[0]), "\(parts[1])")
        }
        let checked = try ChildProcess.run(["sha256sum", "-c", "SHA256SUMS"], in: folder.path)
        #expect(checked.status == 0, "\(checked.output)")

        // The canonical file is what the tally hashed, and it carries no voter data.
        let ballots = try Data(contentsOf: folder.appendingPathComponent("ballots.pb"))
        #expect(sha256Hex(ballots) == (try session.query("SELECT pb_sha256 FROM tallies").single().decode(String.self, 0)))
        var everything = ""
        for name in names { everything += try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
        let secrets = try session.query("""
            SELECT encode(pseudonym, 'hex') FROM ballots UNION ALL SELECT encode(voter_key, 'hex') FROM participation
            UNION ALL SELECT encode(national_id_hmac, 'hex') FROM registry_entries
            """).map { try $0.decode(String.self, 0) }
        #expect(secrets.count == 61)
        for secret in secrets { #expect(!everything.contains(secret)) }
        #expect(!everything.contains("AB123456"))
        let text = String(decoding: ballots, as: UTF8.self)
        #expect(text.contains("voter_id;vote;receipt;channel"))
        #expect(text.contains(";paper\n"))
        let receipt = try session.query("SELECT receipt_code FROM ballots ORDER BY receipt_code LIMIT 1").single().decode(String.self, 0)
        #expect(text.contains("\n1;") && text.contains(";\(receipt);"), "ballots are numbered in receipt order")
        let projects = try String(contentsOf: folder.appendingPathComponent("projects.csv"), encoding: .utf8)
        // Votes per channel under the small-cell rule: 0 printed-code and 2 paper votes are withheld.
        #expect(projects.contains("1,,Éclairage de la rue 12,Voirie,200000.00,12,<10,<10,12"), "\(projects)")
        #expect(projects.contains("2,,Terrain de proximité,Voirie,400000.00,18,<10,<10,20"), "\(projects)")
        #expect(projects.contains("3,,Bibliothèque de quartier,Voirie,600000.00,16,<10,<10,18"), "\(projects)")
        for line in projects.split(separator: "\n").dropFirst() {
            for cell in line.split(separator: ",").suffix(4) {
                if let count = Int(cell) { #expect(count >= 10, "a count under 10 in projects.csv: \(line)") }
            }
        }

        let match = try verify(folder, session)
        #expect(match.status == 0, "\(match.output)")
        #expect(match.standardOutput.contains("MATCH"))
        #expect(!match.standardOutput.contains("MISMATCH"))

        // Other formats.
        for format in ["csv", "json"] {
            let other = try exported(session, format: format)
            let files = try FileManager.default.contentsOfDirectory(atPath: other.path).sorted()
            #expect(files == ["SHA256SUMS", "audit_head.json", "ballots.\(format)", "outcome.json", "projects.\(format)"])
            #expect(try ChildProcess.run(["sha256sum", "-c", "SHA256SUMS"], in: other.path).status == 0)
        }
        let json = try Data(contentsOf: folder.deletingLastPathComponent().appendingPathComponent("export-json/ballots.json"))
        #expect((try JSONSerialization.jsonObject(with: json) as? [Any])?.count == 30)
        let projectsJSON = try Data(contentsOf: folder.deletingLastPathComponent().appendingPathComponent("export-json/projects.json"))
        let rows = try #require(try JSONSerialization.jsonObject(with: projectsJSON) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["votes_paper"] as? String == "<10" && $0["votes_code"] as? String == "<10" })
        #expect(rows.map { $0["votes_total"] as? Int } == [12, 20, 18])
        #expect(try session.run("export", "--cycle", "1", "--out", folder.path).status == 1, "an existing export is never overwritten")
        #expect(try session.count("audit_log WHERE action = 'cycle.export'") == 3)
    }

    @Test func verifyNamesATamperedBallotFileAndATamperedOutcome() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.castStandardBallots()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        let folder = try exported(session)
        #expect(try verify(folder, session).status == 0)

        // One ballot changed: SHA256SUMS catches it and names the file.
        let ballotsURL = folder.appendingPathComponent("ballots.pb")
        let original = try String(contentsOf: ballotsURL, encoding: .utf8)
        var lines = original.components(separatedBy: "\n")
        let index = lines.firstIndex { $0.first?.isNumber == true && $0.hasSuffix(";web") }!
        var fields = lines[index].components(separatedBy: ";")
        fields[1] = fields[1] == "3" ? "1" : "3"
        lines[index] = fields.joined(separator: ";")
        try lines.joined(separator: "\n").write(to: ballotsURL, atomically: true, encoding: .utf8)
        let tampered = try verify(folder, session)
        #expect(tampered.status == 1)
        #expect(tampered.standardError.contains("ballots.pb was modified"), "\(tampered.output)")

        // The same change with SHA256SUMS rewritten to match: the tally's recorded hash catches it.
        func resum() throws { try rewriteSHA256SUMS(in: folder) }
        try resum()
        let rehashed = try verify(folder, session)
        #expect(rehashed.status == 1)
        #expect(rehashed.standardOutput.contains("not the one the tally used"), "\(rehashed.output)")
        #expect(rehashed.standardOutput.contains("MISMATCH"))

        // Original ballots, but an outcome claiming other winners.
        try original.write(to: ballotsURL, atomically: true, encoding: .utf8)
        let outcomeURL = folder.appendingPathComponent("outcome.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: outcomeURL)) as? [String: Any])
        var scopes = try #require(object["scopes"] as? [[String: Any]])
        var fundedList = try #require(scopes[0]["funded"] as? [String])
        let funded = try session.funded()
        #expect(fundedList == funded.map(String.init))
        let loser = [1, 2, 3].first { !funded.contains($0) }!
        fundedList[0] = String(loser)
        scopes[0]["funded"] = fundedList
        object["scopes"] = scopes
        try JSONSerialization.data(withJSONObject: object).write(to: outcomeURL)
        let unsummed = try verify(folder, session)
        #expect(unsummed.status == 1)
        #expect(unsummed.standardError.contains("outcome.json was modified"))
        try resum()
        let forgedResult = try verify(folder, session)
        #expect(forgedResult.status == 1)
        #expect(forgedResult.standardOutput.contains("the outcome funds project(s) \(loser)"), "\(forgedResult.output)")

        #expect(try MizanBinary.run(["verify", "/nonexistent"], environment: MizanBinary.environment()).status == 1)
    }

    @Test func districtEnvelopesAreTalliedSeparately() async throws {
        let session = try await AdminSession.make()
        try session.cycleWithDistrictEnvelopes()
        let north = try session.query("SELECT id FROM districts WHERE name_fr = 'Nord'").single().decode(Int.self, 0)
        let south = try session.query("SELECT id FROM districts WHERE name_fr = 'Sud'").single().decode(Int.self, 0)
        try session.cast(5, for: [1, 2], first: 1)
        try session.cast(3, for: [2], first: 50)
        try session.cast(4, for: [3], first: 80)
        // The eight ballots for projects 1 and 2 come from the north, the four for project 3 from the south.
        try session.query("UPDATE ballots SET district_id = \(north) WHERE id IN (SELECT ballot_id FROM ballot_choices WHERE proposal_id IN (1, 2))")
        try session.query("UPDATE ballots SET district_id = \(south) WHERE district_id IS NULL")
        #expect(try session.run("cycle", "advance", "1").status == 0)

        let tally = try session.run("tally", "--cycle", "1")
        #expect(tally.status == 0, "\(tally.output)")
        let rows = try session.query("SELECT district_id, voters, budget_centimes, spent_centimes FROM tallies ORDER BY district_id")
            .map { [try $0.decode(Int.self, 0), try $0.decode(Int.self, 1), try $0.decode(Int.self, 2), try $0.decode(Int.self, 3)] }
        #expect(rows == [[north, 8, 40_000_000, 30_000_000], [south, 4, 60_000_000, 30_000_000]])
        #expect(try session.query("SELECT proposal_id FROM tally_projects WHERE funded ORDER BY proposal_id").map { try $0.decode(Int.self, 0) } == [2, 3])
        // 8 and 4 ballots: each envelope's counts would show how its few voters voted.
        let refused = try session.run("publish", "--cycle", "1")
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("district Nord (#\(north)) has 8 ballots (fewer than 10)"), "\(refused.output)")
        #expect(refused.standardError.contains("district Sud (#\(south)) has 4 ballots"))
        #expect(try session.run("publish", "--cycle", "1", "--confirm-small").status == 0)
        #expect(try session.query("SELECT count(*) FROM tallies WHERE published_at IS NOT NULL").single().decode(Int.self, 0) == 2)

        let folder = try exported(session)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.contains("ballots-district-\(north).pb") && names.contains("ballots-district-\(south).pb"))
        let match = try verify(folder, session)
        #expect(match.status == 0, "\(match.output)")
        #expect(match.standardOutput.contains("ballots-district-\(south).pb: MATCH"))
    }
}

extension AdminSession {
    /// Cycle 1 in Berkane, in voting: districts Nord (40 % of the budget, 400,000 MAD; two
    /// projects) and Sud (600,000 MAD; one project), every project at 300,000 MAD, one registry
    /// voter. `northPopulation` gives Nord a census figure.
    func cycleWithDistrictEnvelopes(northPopulation: Int? = nil) throws {
        var north = ["district", "add", "--commune", "02.113.01.09", "--name-fr", "Nord", "--name-ar", "الشمال"]
        if let northPopulation { north += ["--population", "\(northPopulation)"] }
        #expect(try run(north).status == 0)
        #expect(try run("district", "add", "--commune", "02.113.01.09", "--name-fr", "Sud", "--name-ar", "الجنوب").status == 0)
        #expect(try run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)
        #expect(try run("cycle", "advance", "1").status == 0)
        for (title, district) in [("Parc du nord", "Nord"), ("Fontaine du nord", "Nord"), ("Stade du sud", "Sud")] {
            #expect(try run("proposal", "add", "--cycle", "1", "--title", title, "--category", "Loisirs", "--cost", "300000", "--district", district).status == 0)
        }
        #expect(try run("cycle", "advance", "1").status == 0)
        for id in 1...3 { #expect(try run("proposal", "accept", "\(id)", "--cost", "300000").status == 0) }
        #expect(try run("cycle", "envelope", "1", "--district", "Nord", "--budget", "400000").status == 0)
        let south = try run("cycle", "envelope", "1", "--district", "الجنوب", "--budget", "600.000,00")
        #expect(south.status == 0, "\(south.output)")
        #expect(south.standardOutput.contains("total     1.000.000,00 MAD in 2 envelope(s)"), "\(south.standardOutput)")
        let voters = try write("voters.csv", "national_id,birth_date\nAB123456,1990-05-12\n")
        #expect(try run("registry", "import", "--cycle", "1", voters).status == 0)
        #expect(try run("cycle", "advance", "1").status == 0, "envelopes add up to the budget")
    }
}

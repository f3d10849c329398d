import Foundation
import MizanCore
import MizanDevCluster
import MizanTestSupport
import PostgresDriver
import Testing

/// A cycle's thresholds and equalshares.net options, from `cycle create` to `mizan verify`: chosen
/// once, frozen when voting opens, applied by the tally, written into the export and applied
/// again from the export alone.
@Suite("Counting options of a cycle")
struct CountingOptionsCommandTests {
    /// Budget 900 000; projects cost 200 000 (12 votes), 400 000 (20) and 600 000 (18). Greedy
    /// funds 2 and then 1, passing over 3 (500 000 left). At least 13 votes leaves 1 out; funding
    /// the next project at 80 % of its cost funds 3 with 500 000 left (≥ 480 000).
    static let thresholds = ["--min-votes", "13", "--fund-next-at", "80%"]

    @Test func thresholdsAreFrozenAppliedExportedAndVerified() async throws {
        let session = try await AdminSession.make()
        // Bad values are refused by name, and nothing is created.
        let badShare = try session.run(
            "cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "900000", "--ballot", "approval", "--rule", "greedy",
            "--fund-next-at", "120%")
        #expect(badShare.status == 1)
        #expect(badShare.standardError.contains("--fund-next-at"), "\(badShare.standardError)")
        let wrongRule = try session.run(
            "cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "900000", "--ballot", "approval", "--rule", "greedy",
            "--completion", "add1u")
        #expect(wrongRule.status == 1)
        #expect(wrongRule.standardError.contains("--completion"), "\(wrongRule.standardError)")
        let pointsES = try session.run(
            "cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "900000", "--ballot", "points", "--points", "5",
            "--rule", "equalshares")
        #expect(pointsES.status == 1)
        #expect(try session.count("cycles") == 0)

        try session.votingCycle(rule: "greedy", budget: "900000", options: Self.thresholds)
        let shown = try session.run("cycle", "show", "1", "--json")
        #expect(shown.standardOutput.contains("\"thresholds\":\"min-votes=13&fund-next-at=80%\""), "\(shown.standardOutput)")

        // Voting is open: the database refuses any change to the thresholds, whoever asks.
        #expect(throws: (any Error).self) { try session.query("UPDATE cycles SET thresholds = '' WHERE id = 1") }
        #expect(throws: (any Error).self) { try session.query("UPDATE cycles SET equalshares_options = 'equalshares/none' WHERE id = 1") }

        try session.castStandardBallots()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        let tally = try session.run("tally", "--cycle", "1")
        #expect(tally.status == 0, "\(tally.output)")
        #expect(try session.funded() == [2, 3])
        let row = try session.query("SELECT thresholds, spent_centimes, budget_centimes FROM tallies").single()
        #expect(try row.decode(String.self, 0) == "min-votes=13&fund-next-at=80%")
        #expect(try row.decode(Int64.self, 1) == 100_000_000, "the commune tops the budget up")
        #expect(try row.decode(Int64.self, 2) == 90_000_000)
        let left = try session.query("SELECT explanation FROM tally_projects WHERE proposal_id = 1").single().decode(String.self, 0)
        #expect(left.contains("threshold"), "\(left)")

        #expect(try session.run("publish", "--cycle", "1").status == 0)
        let folder = session.folder.appendingPathComponent("export")
        #expect(try session.run("export", "--cycle", "1", "--out", folder.path).status == 0)
        let pb = try String(contentsOf: folder.appendingPathComponent("ballots.pb"), encoding: .utf8)
        #expect(pb.contains("\nmin_project_score_threshold;13\n"))
        #expect(pb.contains("\nfund_next_at_share;80%\n"))
        let verified = try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
        #expect(verified.status == 0, "\(verified.output)")

        // Anyone can rank the file by the rules its META names, and gets the same projects.
        let ranked = try MizanBinary.run(
            ["pb", "rank", folder.appendingPathComponent("ballots.pb").path, "--rule", "meta", "--json"], environment: MizanBinary.environment())
        #expect(ranked.status == 0, "\(ranked.output)")
        #expect(ranked.standardOutput.replacingOccurrences(of: " ", with: "").contains("\"selected\":[\"2\",\"3\"]"), "\(ranked.standardOutput)")

        // A file whose thresholds were dropped, sums rewritten to match, no longer verifies.
        let edited = pb.replacingOccurrences(of: "fund_next_at_share;80%\n", with: "")
        try edited.write(to: folder.appendingPathComponent("ballots.pb"), atomically: true, encoding: .utf8)
        try rewriteSHA256SUMS(in: folder)
        let tampered = try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
        #expect(tampered.status != 0)
        #expect(tampered.output.contains("thresholds"), "\(tampered.output)")
    }

    @Test func equalSharesNetCycleRecordsItsProcedure() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "equalshares", options: ["--completion", "add1", "--comparison", "satisfaction"])
        try session.castStandardBallots()
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        let stored = try session.query("SELECT rule, tie_break FROM tallies").single()
        #expect(try stored.decode(String.self, 0) == "equalshares/add1?comparison=satisfaction")
        #expect(try stored.decode(String.self, 1) == "project-order", "equalshares.net's procedure breaks ties by its own criteria")
        #expect(try session.run("publish", "--cycle", "1").status == 0)
        let folder = session.folder.appendingPathComponent("export")
        #expect(try session.run("export", "--cycle", "1", "--out", folder.path).status == 0)
        let verified = try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
        #expect(verified.status == 0, "\(verified.output)")
        let audit = try session.query("SELECT details FROM audit_log WHERE action = 'cycle.create'").single().decode(String.self, 0)
        #expect(audit.contains("procedure=equalshares/add1?comparison=satisfaction"), "\(audit)")
    }
}

import Foundation
import MizanCore
import MizanDevCluster
import MizanTestSupport
import PostgresDriver
import Testing

/// Spoiled and blank paper ballots per polling place: recorded, corrected, refused when wrong or
/// late, exported beside the ballots.
@Suite("mizan ballots count")
struct PaperCountCommandTests {
    @Test func spoiledAndBlankBallotsAreRecordedAndExported() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.castStandardBallots()

        let noPlace = try session.run("ballots", "count", "--cycle", "1", "--place", "  ", "--spoiled", "1", "--blank", "0")
        #expect(noPlace.status == 1)
        #expect(noPlace.standardError.contains("--place"), "\(noPlace.standardError)")
        let negative = try session.run("ballots", "count", "--cycle", "1", "--place", "École A", "--spoiled", "-3", "--blank", "0")
        #expect(negative.status != 0)
        #expect(try session.count("paper_counts") == 0)

        #expect(try session.run("ballots", "count", "--cycle", "1", "--place", "École Ibn Khaldoun", "--spoiled", "10", "--blank", "2").status == 0)
        #expect(try session.run("ballots", "count", "--cycle", "1", "--place", "Dar Chabab, \"annexe\"", "--spoiled", "1", "--blank", "0").status == 0)
        // A corrected count sheet replaces the first one.
        let corrected = try session.run("ballots", "count", "--cycle", "1", "--place", "École Ibn Khaldoun", "--spoiled", "11", "--blank", "2")
        #expect(corrected.status == 0)
        #expect(try session.query("SELECT sum(spoiled), sum(blank) FROM paper_counts").single().decode(Int.self, 0) == 12)
        #expect(try session.query("SELECT count(*) FROM audit_log WHERE action = 'ballots.paper_count'").single().decode(Int.self, 0) == 3)

        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        #expect(try session.run("publish", "--cycle", "1").status == 0)
        let late = try session.run("ballots", "count", "--cycle", "1", "--place", "École Ibn Khaldoun", "--spoiled", "0", "--blank", "0")
        #expect(late.status == 1, "published: the counts are frozen")
        #expect(throws: PostgresError.self) { try session.query("UPDATE paper_counts SET spoiled = 0") }

        let folder = session.folder.appendingPathComponent("export")
        #expect(try session.run("export", "--cycle", "1", "--out", folder.path).status == 0)
        let csv = try String(contentsOf: folder.appendingPathComponent("paper_counts.csv"), encoding: .utf8)
        #expect(csv == "place,spoiled,blank\n\"Dar Chabab, \"\"annexe\"\"\",1,0\n\"École Ibn Khaldoun\",11,2\n")
        let sums = try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        #expect(sums.contains("  paper_counts.csv\n"))
        let verified = try MizanBinary.run(["verify", folder.path], environment: MizanBinary.environment())
        #expect(verified.status == 0, "\(verified.output)")
    }
}

import Foundation
import MizanCore
import MizanDevCluster
import MizanTestSupport
import PostgresDriver
import Testing

/// District envelopes set from the command line, refused when wrong, frozen once voting opens.
@Suite("mizan cycle envelope")
struct EnvelopeCommandTests {
    @Test func envelopesAreSetCheckedAndFrozen() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run("district", "add", "--commune", "02.113.01.09", "--name-fr", "Nord", "--name-ar", "الشمال").status == 0)
        #expect(try session.run("cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--ballot", "approval", "--rule", "greedy").status == 0)

        let unknown = try session.run("cycle", "envelope", "1", "--district", "Atlantide", "--budget", "1000")
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("no district Atlantide"), "\(unknown.standardError)")
        let tooMuch = try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "2000000")
        #expect(tooMuch.status == 1)
        #expect(tooMuch.standardError.contains("--budget"), "\(tooMuch.standardError)")
        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "abc").status == 1)
        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord").status == 1, "neither --budget nor --remove")
        #expect(try session.count("district_envelopes") == 0)

        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "400000").status == 0)
        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "500000").status == 0, "replaced")
        #expect(try session.query("SELECT budget_centimes FROM district_envelopes").single().decode(Int64.self, 0) == 50_000_000)
        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord", "--remove").status == 0)
        #expect(try session.count("district_envelopes") == 0)
        let audit = try session.query("SELECT action, actor FROM audit_log WHERE action LIKE 'cycle.envelope%' ORDER BY id").map { try $0.decode(String.self, 0) }
        #expect(audit == ["cycle.envelope", "cycle.envelope", "cycle.envelope_remove"])

        // Voting open: refused by the command, and by the database whoever asks.
        #expect(try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "1000000").status == 0)
        _ = try session.votingCycleFromDraft()
        let late = try session.run("cycle", "envelope", "1", "--district", "Nord", "--budget", "900000")
        #expect(late.status == 1)
        #expect(late.standardError.contains("frozen once voting opens"), "\(late.standardError)")
        #expect(throws: PostgresError.self) { try session.query("UPDATE district_envelopes SET budget_centimes = 1") }
        #expect(throws: PostgresError.self) { try session.query("DELETE FROM district_envelopes") }
    }
}

extension AdminSession {
    /// Takes cycle 1 from draft to voting with one accepted project of district Nord.
    func votingCycleFromDraft() throws {
        #expect(try run("cycle", "advance", "1").status == 0)
        #expect(try run("proposal", "add", "--cycle", "1", "--title", "Parc du nord", "--category", "Loisirs", "--cost", "300000", "--district", "Nord").status == 0)
        #expect(try run("cycle", "advance", "1").status == 0)
        #expect(try run("proposal", "accept", "1", "--cost", "300000").status == 0)
        let voters = try write("voters.csv", "national_id,birth_date\nAB123456,1990-05-12\n")
        #expect(try run("registry", "import", "--cycle", "1", voters).status == 0)
        let opened = try run("cycle", "advance", "1")
        #expect(opened.status == 0, "\(opened.output)")
    }
}

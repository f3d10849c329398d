import Foundation
import MizanCore
import MizanTestSupport
import Testing

/// `mizan petition` as staff use it, the real binary on a real database: a paper sheet's errors
/// named by line and field, paper lines of online signers refused, each step of the council in
/// order, and the register as JSON.
@Suite("mizan petition")
struct PetitionCommandTests {
    @Test func staffCarryAPetitionFromPaperToTheCouncilsAnswer() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run(["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--rule", "greedy", "--ballot", "approval", "--max", "2"]).status == 0)
        let voters = try session.write("voters.csv", "national_id,birth_date\nAB123456,1990-05-12\nCD234567,1985-07-12\nEF345678,1970-01-01\n")
        #expect(try session.run("registry", "import", "--cycle", "1", voters).status == 0)

        let help = try session.run("petition", "paper", "--help")
        #expect(help.status == 0 && help.output.contains("national_id"))
        let drafted = try session.run(
            "petition", "draft", "--commune", "02.113.01.09", "--agent-name", "Fatima Zahra", "--agent-id", "AB123456",
            "--title", "Éclairage de la rue 12", "--demands", "Remplacer les lampadaires.", "--reasons", "La rue est dans le noir.")
        #expect(drafted.status == 0, "\(drafted.standardError)")
        let unknownAgent = try session.run(
            "petition", "draft", "--commune", "02.113.01.09", "--agent-name", "Personne", "--agent-id", "ZZ999999",
            "--title", "Éclairage de la rue 13", "--demands", "Remplacer les lampadaires.", "--reasons", "La rue est dans le noir.")
        #expect(unknownAgent.status == 1 && unknownAgent.standardError.contains("--agent-id"))

        // A sheet with unreadable lines: each named, nothing entered.
        let broken = try session.write("broken.csv", "cin;date_naissance\nCD234567;12/07/1985\n12345;\nEF345678;31/02/1970\n")
        let refused = try session.run("petition", "paper", "1", broken)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("line 3, cin:") && refused.standardError.contains("line 4, date_naissance:"))
        #expect(try session.count("petition_signatures") == 0)

        // The agent signs on paper; a line for them again is refused with its reason.
        let sheet = try session.write("sheet.csv", "cin;date_naissance\nAB123456;12/05/1990\nAB123456;\nXY000001;\n")
        let entered = try session.run("petition", "paper", "1", sheet)
        #expect(entered.status == 1)
        #expect(entered.standardOutput.contains("1 paper signature(s) entered, 2 refused"))
        #expect(entered.standardError.contains("line 3 refused: this person already signed the petition on paper"))
        #expect(entered.standardError.contains("line 4 refused: the ID number"))

        // Below Berkane's 200: refused; with the commune's own minimum of 1, filed.
        let early = try session.run("petition", "file", "1")
        #expect(early.status == 1 && early.standardError.contains("needs 200"))
        #expect(try session.run("petition", "threshold", "--commune", "02.113.01.09", "--minimum", "1", "--reason", "Essai").status == 0)
        #expect(try session.run("petition", "file", "1").status == 0)
        let wrong = try session.run("petition", "schedule", "1", "--session", "Février", "--date", "2027-02-02")
        #expect(wrong.status == 1 && wrong.standardError.contains("petition 1 is filed: it cannot become scheduled (next: admissible or rejected)"))
        #expect(try session.run("petition", "decide", "1").status != 0, "a decision must be given")
        #expect(try session.run("petition", "decide", "1", "--admissible").status == 0)
        #expect(try session.run("petition", "schedule", "1", "--session", "Session de février", "--date", "02/02/2027").status == 0)
        #expect(try session.run("petition", "answer", "1", "--text", "Les travaux sont inscrits au budget 2027.").status == 0)

        let exported = try session.run("petition", "export", "--commune", "02.113.01.09")
        #expect(exported.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(exported.standardOutput.utf8)) as? [[String: Any]]
        let first = try #require(json?.first)
        #expect(first["state"] as? String == "answered")
        #expect(first["answer"] as? String == "Les travaux sont inscrits au budget 2027.")
        #expect(!exported.standardOutput.contains("Fatima") && !exported.standardOutput.contains("AB123456"))
        let listed = try session.run("petition", "list")
        #expect(listed.standardOutput.contains("answered") && listed.standardOutput.contains("1 petition(s)"))
        let actions = try session.query("SELECT action FROM audit_log WHERE action LIKE 'petition.%' ORDER BY id").map { try $0.decode(String.self, 0) }
        #expect(actions == [
            "petition.draft", "petition.paper", "petition.threshold", "petition.file", "petition.admissible", "petition.schedule",
            "petition.answer",
        ])
    }
}

@Suite("mizan support")
struct SupportCommandTests {
    @Test func staffGiveACycleASupportsPhaseAndReadItsCounts() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run(["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--rule", "greedy", "--ballot", "approval", "--max", "2"]).status == 0)
        let bad = try session.run("support", "enable", "--cycle", "1", "--per-person", "0")
        #expect(bad.status == 1 && bad.standardError.contains("from 1 to 1000"))
        #expect(try session.run("support", "enable", "--cycle", "1", "--per-person", "3").status == 0)
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("proposal", "add", "--cycle", "1", "--title", "Éclairage du parc", "--category", "Voirie", "--cost", "300000").status == 0)
        let counts = try session.run("support", "counts", "--cycle", "1")
        #expect(counts.status == 0 && counts.standardOutput.contains("Éclairage du parc"))
        #expect(try session.run("cycle", "advance", "1").status == 0)
        let late = try session.run("support", "enable", "--cycle", "1", "--per-person", "5")
        #expect(late.status == 1 && late.standardError.contains("supports are given in the proposals phase only"))
    }
}

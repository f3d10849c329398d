import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

@Suite("Voting over HTTP")
struct VoteFlowTests {
    func count(_ site: Site, _ table: String) throws -> Int {
        try site.transaction { try $0.query(SQL(unsafeRaw: "SELECT count(*) FROM \(table)")).single().decode(Int.self, 0) }
    }

    @Test func approvalBallotFromEligibilityToReceiptAndReplacement() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            let ballot = try await browser.becomeVoter(client, cycle: cycle, language: "ar")
            #expect(ballot.status == .ok)
            let html = String(buffer: ballot.body)
            #expect(html.contains("dir=\"rtl\""))
            #expect(html.contains("Terrain de proximité"))
            let csrf = try #require(Browser.field("csrf", in: html))

            // Three checkboxes of the same name, as a browser sends them.
            let body = "csrf=\(csrf)&project=\(projects[0])&project=\(projects[1])&project=\(projects[2])"
            let rejected = try await client.execute(
                uri: "/ar/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            #expect(rejected.status == .unprocessableContent)
            let again = String(buffer: rejected.body)
            #expect(again.contains("اختر 2 مشروعاً على الأكثر؛ اخترت 3."))
            #expect(again.contains("value=\"\(projects[2])\" checked"), "the choices are kept")
            #expect(try count(site, "ballots") == 0)

            let cast = try await client.execute(
                uri: "/ar/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(csrf)&project=\(projects[0])&project=\(projects[1])"))
            #expect(cast.status == .seeOther)
            browser.remember(cast)
            let location = try #require(cast.headers[.location])
            let receiptPage = String(buffer: try await browser.get(client, location).body)
            #expect(receiptPage.contains("تم تسجيل تصويتك"))
            let receipt = String(location.split(separator: "/").last!.prefix { $0 != "?" })
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM ballots WHERE receipt_code = \(receipt)").single().decode(Int.self, 0) } == 1)
            let choices = try site.transaction {
                try $0.query("SELECT proposal_id FROM ballot_choices ORDER BY proposal_id").map { try $0.decode(Int.self, 0) }
            }
            #expect(choices == [projects[0], projects[1]])

            // Check my ballot: counted, but its choices only after publication.
            let check = String(buffer: try await client.execute(uri: "/fr/receipts/\(receipt)", method: .get).body)
            #expect(check.contains("Ce bulletin est enregistré et sera compté."))
            #expect(!check.contains("Terrain de proximité"))
            #expect(!check.contains("fichier publié"))

            // Voting again (a fresh check) replaces the ballot.
            var same = Browser()
            let second = String(buffer: try await same.becomeVoter(client, cycle: cycle).body)
            #expect(second.contains("Vous avez déjà voté"))
            let replaced = try await same.post(client, "/fr/cycles/\(cycle)/ballot", ["csrf": Browser.field("csrf", in: second)!, "project": "\(projects[2])"])
            #expect(replaced.status == .seeOther)
            #expect(try count(site, "ballots") == 1)
            #expect(try count(site, "participation") == 1)
            let old = try await client.execute(uri: "/fr/receipts/\(receipt)", method: .get)
            #expect(old.status == .notFound, "the replaced ballot's receipt no longer exists")
        }
    }

    @Test func wrongDetailsRevealNothingAndAreRateLimited() async throws {
        try await Site.with { client, site in
            let (cycle, _, code) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            let unknown = try await browser.becomeVoter(client, cycle: cycle, id: "ZZ999999")
            let wrongDate = try await browser.becomeVoter(client, cycle: cycle, birthDate: "1990-05-13")
            #expect(unknown.status == .unprocessableContent)
            #expect(wrongDate.status == .unprocessableContent)
            let message = "pas pu vérifier ces informations."
            #expect(String(buffer: unknown.body).contains(message))
            #expect(String(buffer: wrongDate.body).contains(message), "the same words whether or not the ID is registered")

            for _ in 0..<4 { _ = try await browser.becomeVoter(client, cycle: cycle, birthDate: "1990-05-13") }
            let limited = try await browser.becomeVoter(client, cycle: cycle)
            #expect(limited.status == .tooManyRequests, "even the right date is refused once the entry is locked")
            #expect(String(buffer: limited.body).contains("Trop de tentatives"))

            // A printed code works for another voter.
            var other = Browser()
            let withCode = try await other.becomeVoter(client, cycle: cycle, code: code.printed.lowercased())
            #expect(withCode.status == .ok)
            #expect(String(buffer: withCode.body).contains("Bibliothèque"))
        }
    }

    @Test(arguments: [
        (BallotRules.knapsack, ["project": [1, 2, 3]], "coûtent 1.100.000,00 MAD, plus que le budget"),
        (BallotRules.points(total: 10, cap: 6), ["weight_1": [7]], "au plus 6 par projet"),
        (BallotRules.points(total: 10, cap: nil), ["weight_1": [6], "weight_2": [5]], "au plus 10"),
        (BallotRules.ranked(depth: 2), ["weight_1": [1], "weight_2": [3]], "sans trou ni répétition"),
        (BallotRules.ranked(depth: 2), ["weight_1": [1], "weight_2": [2], "weight_3": [3]], "au plus 2 projet(s)"),
        (BallotRules.approval(minimum: 2, maximum: 3), ["project": [1]], "au moins 2 projet(s)"),
    ] as [(BallotRules, [String: [Int]], String)])
    func everyBallotKindExplainsItsViolations(_ rules: BallotRules, _ marks: [String: [Int]], _ expected: String) async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: rules)
            var browser = Browser()
            let page = String(buffer: try await browser.becomeVoter(client, cycle: cycle).body)
            var body = "csrf=\(Browser.field("csrf", in: page)!)"
            for (name, values) in marks {
                for value in values {
                    // Marks name projects by position (1, 2, 3) for checkboxes and weights by value.
                    if name == "project" {
                        body += "&project=\(projects[value - 1])"
                    } else {
                        body += "&weight_\(projects[Int(name.dropFirst(7))! - 1])=\(value)"
                    }
                }
            }
            let response = try await client.execute(
                uri: "/fr/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            #expect(String(buffer: response.body).contains(expected), "\(String(buffer: response.body))")
            #expect(try count(site, "ballots") == 0)
            #expect(try count(site, "participation") == 0, "a refused ballot leaves no trace of who tried")
        }
    }

    @Test func votingOutsideItsPhaseOrWithoutTokensIsRefused() async throws {
        try await Site.with { client, site in
            let proposalsOnly = try site.cycleTakingProposals(title: "Budget des jeunes 2026")
            let early = try await client.execute(uri: "/fr/cycles/\(proposalsOnly)/vote", method: .get)
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("pas ouvert pour ce budget"))

            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            _ = try await browser.becomeVoter(client, cycle: cycle)
            let noToken = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", ["project": "\(projects[0])"])
            #expect(noToken.status == .forbidden)

            // A forged session is sent back to the eligibility check.
            var forger = Browser()
            let page = String(buffer: try await forger.get(client, "/fr/cycles/\(cycle)/vote").body)
            forger.cookies["mz_voter"] = "v1.\(cycle).\(String(repeating: "A", count: 43)).-.9999999999.forged"
            let forged = try await forger.post(client, "/fr/cycles/\(cycle)/ballot", ["csrf": Browser.field("csrf", in: page)!, "project": "\(projects[0])"])
            #expect(String(buffer: forged.body).contains("Votre vérification a expiré"))
            #expect(try count(site, "ballots") == 0)

            try site.transaction { _ = try CycleStore.advance(cycle, actor: "test", on: $0) }
            let closed = try await browser.get(client, "/fr/cycles/\(cycle)/ballot")
            #expect(String(buffer: closed.body).contains("pas ouvert pour ce budget"))
        }
    }
}

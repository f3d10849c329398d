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

    func receipt(in page: String) -> String? {
        page.components(separatedBy: "<p class=\"receipt\"><code>").dropFirst().first?.components(separatedBy: "</code>").first
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
            let submission = try #require(Browser.field("submission", in: html))

            // Three checkboxes of the same name, as a browser sends them.
            let body = "csrf=\(csrf)&submission=\(submission)&project=\(projects[0])&project=\(projects[1])&project=\(projects[2])"
            let rejected = try await client.execute(
                uri: "/ar/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            #expect(rejected.status == .unprocessableContent)
            let again = String(buffer: rejected.body)
            #expect(again.contains("اختر 2 مشروعاً على الأكثر؛ اخترت 3."))
            #expect(again.contains("value=\"\(projects[2])\" checked"), "the choices are kept")
            #expect(Browser.field("submission", in: again) == submission, "the form keeps its submission token")
            #expect(try count(site, "sealed_ballots") == 0)

            let valid = "csrf=\(csrf)&submission=\(submission)&project=\(projects[0])&project=\(projects[1])"
            let cookiesAtSubmit = browser.cookieHeader
            let cast = try await client.execute(
                uri: "/ar/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: valid))
            #expect(cast.status == .seeOther)
            #expect(cast.headers[.location] == "/ar/receipts", "the receipt code never goes into an address")
            browser.remember(cast)
            let shown = try await browser.get(client, "/ar/receipts")
            #expect(shown.headers[.cacheControl] == "no-store")
            let receiptPage = String(buffer: shown.body)
            #expect(receiptPage.contains("تم تسجيل تصويتك"))
            let receipt = try #require(self.receipt(in: receiptPage))
            // While voting is open the ballot is only sealed beside its participation row.
            #expect(try count(site, "sealed_ballots") == 1)
            #expect(try count(site, "ballots") == 0)
            #expect(try site.transaction { try $0.query("SELECT channel FROM participation").single().decode(String.self, 0) } == "web")

            // The same form sent again (a double click, a retry, with the cookies of the first
            // sending): the same receipt, one ballot.
            let resent = try await client.execute(
                uri: "/ar/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: cookiesAtSubmit, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: valid))
            #expect(resent.status == .seeOther)
            browser.remember(resent)
            let shownAgain = String(buffer: try await browser.get(client, "/ar/receipts").body)
            #expect(self.receipt(in: shownAgain) == receipt)
            #expect(!shownAgain.contains("تحل هذه الورقة محل"), "a retry is not a replacement")
            // Shown once: reloading the page gives the empty check form.
            #expect(self.receipt(in: String(buffer: try await browser.get(client, "/ar/receipts").body)) == nil)
            #expect(try count(site, "sealed_ballots") == 1)

            // Check my ballot: counted, but its choices only after publication.
            var checker = Browser()
            let form = String(buffer: try await checker.get(client, "/fr/receipts").body)
            let check = String(buffer: try await checker.post(client, "/fr/receipts", ["csrf": Browser.field("csrf", in: form)!, "code": receipt]).body)
            #expect(check.contains("Ce bulletin est enregistré et sera compté."))
            #expect(!check.contains("Terrain de proximité"))
            #expect(!check.contains("fichier publié"))

            // Knowing the voter's ID number and birth date is not enough to change their vote: a
            // replacement needs the receipt code of the ballot it replaces.
            var same = Browser()
            let second = String(buffer: try await same.becomeVoter(client, cycle: cycle).body)
            #expect(second.contains("Un bulletin est déjà enregistré pour vous"))
            #expect(second.contains("name=\"receipt\""))
            for (proof, status) in [("", HTTPResponse.Status.conflict), (ReceiptCode.random().value, .conflict), ("not a code", .unprocessableContent)] {
                let response = try await same.post(client, "/fr/cycles/\(cycle)/ballot", [
                    "csrf": Browser.field("csrf", in: second)!, "submission": Browser.field("submission", in: second)!,
                    "project": "\(projects[2])", "receipt": proof,
                ])
                #expect(response.status == status, "receipt \(proof)")
            }
            let refused = try await same.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: second)!, "submission": Browser.field("submission", in: second)!,
                "project": "\(projects[2])", "receipt": "WRONG",
            ])
            #expect(String(buffer: refused.body).contains("value=\"WRONG\""), "what was typed is kept")
            let replaced = try await same.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: second)!, "submission": Browser.field("submission", in: second)!,
                "project": "\(projects[2])", "receipt": receipt.lowercased(),
            ])
            #expect(replaced.status == .seeOther)
            let newPage = String(buffer: try await same.get(client, "/fr/receipts").body)
            #expect(newPage.contains("Ce bulletin remplace votre vote précédent."))
            let newReceipt = try #require(self.receipt(in: newPage))
            #expect(newReceipt != receipt)
            #expect(try count(site, "sealed_ballots") == 1)
            #expect(try count(site, "participation") == 1)
            let old = try await checker.post(client, "/fr/receipts", ["csrf": Browser.field("csrf", in: form)!, "code": receipt])
            #expect(old.status == .notFound, "the replaced ballot's receipt no longer exists")

            // Closing voting opens the sealed ballot into the ballots table.
            _ = try site.transaction { try CycleStore.advance(cycle, actor: "test", secrets: .forTests, on: $0) }
            #expect(try count(site, "sealed_ballots") == 0)
            let choices = try site.transaction {
                try $0.query("SELECT c.proposal_id FROM ballots b JOIN ballot_choices c ON c.ballot_id = b.id WHERE b.receipt_code = \(newReceipt)")
                    .map { try $0.decode(Int.self, 0) }
            }
            #expect(choices == [projects[2]])
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

            // A printed code works for another voter, whose vote is recorded as a code vote.
            var other = Browser()
            let withCode = try await other.becomeVoter(client, cycle: cycle, code: code.printed.lowercased())
            #expect(withCode.status == .ok)
            let page = String(buffer: withCode.body)
            #expect(page.contains("Bibliothèque"))
            let project = try site.transaction {
                try $0.query("SELECT min(id) FROM proposals WHERE cycle_id = \(cycle) AND status = 'accepted'").single().decode(Int.self, 0)
            }
            let cast = try await other.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: page)!, "submission": Browser.field("submission", in: page)!, "project": "\(project)",
            ])
            #expect(cast.status == .seeOther)
            #expect(try site.transaction { try $0.query("SELECT channel FROM participation").single().decode(String.self, 0) } == "code")
        }
    }

    @Test(arguments: [
        (BallotRules.knapsack, ["project": [1, 2, 3]], "coûtent 1.100.000,00\u{00A0}MAD, plus que le budget"),
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
            var body = "csrf=\(Browser.field("csrf", in: page)!)&submission=\(Browser.field("submission", in: page)!)"
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
            #expect(try count(site, "sealed_ballots") == 0)
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
            #expect(try count(site, "sealed_ballots") == 0)

            // A form without its submission token comes back, choices kept, with a fresh one.
            let page2 = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/ballot").body)
            let stale = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: page2)!, "project": "\(projects[0])", "submission": "forged",
            ])
            #expect(stale.status == .unprocessableContent)
            #expect(String(buffer: stale.body).contains("value=\"\(projects[0])\" checked"))
            #expect(Browser.field("submission", in: String(buffer: stale.body))?.count == 22)
            #expect(try count(site, "sealed_ballots") == 0)

            try site.transaction { _ = try CycleStore.advance(cycle, actor: "test", on: $0) }
            let closed = try await browser.get(client, "/fr/cycles/\(cycle)/ballot")
            #expect(String(buffer: closed.body).contains("pas ouvert pour ce budget"))
        }
    }
}

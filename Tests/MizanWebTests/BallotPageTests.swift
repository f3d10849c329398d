import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
import MizanWeb

/// The ballot page: cards, filters and the tally, the "update" button that recomputes them on the
/// server without storing anything, the paper voter's notice, the receipt of a replacement, and the
/// one script the site serves.
@Suite("Ballot page")
struct BallotPageTests {
    static let longDescription = String(
        repeating: "Remplacer les lampadaires de la rue 12 par des LED, de la mosquée jusqu'à l'école, pour éclairer mieux. ", count: 3)

    /// `site.cycleInVoting` with the first project described, placed in a district and a street,
    /// and the second in another category.
    func ballotCycle(_ site: Site, ballot: BallotRules) throws -> (cycle: Int, projects: [Int], code: VotingCode) {
        let voting = try site.cycleInVoting(ballot: ballot)
        try site.transaction { connection in
            try connection.query("""
                UPDATE proposals SET description = \(Self.longDescription), location = 'Rue 12, entre la mosquée et l''école',
                    category = 'lighting', district_id = (SELECT id FROM districts WHERE name_fr = 'Hay Al Massira')
                WHERE id = \(voting.projects[0])
                """)
            try connection.query("UPDATE proposals SET category = 'sport', description = 'Un terrain clôturé.' WHERE id = \(voting.projects[1])")
        }
        return voting
    }

    /// An amount as the French pages write it.
    func money(_ dirhams: Int64) -> String { (try? Catalogs())?.money(.dirhams(dirhams), .fr) ?? "" }

    /// An amount as `text(of:in:)` reads it: its no-break spaces are spaces there.
    func spoken(_ dirhams: Int64) -> String { money(dirhams).replacingOccurrences(of: "\u{00A0}", with: " ") }

    func count(_ site: Site, _ table: String) throws -> Int {
        try site.transaction { try $0.query(SQL(unsafeRaw: "SELECT count(*) FROM \(table)")).single().decode(Int.self, 0) }
    }

    /// The text of the element with `id`, tags left out.
    func text(of id: String, in html: String) -> String {
        guard let start = html.range(of: "id=\"\(id)\"") else { return "" }
        let rest = html[start.upperBound...]
        guard let open = rest.firstIndex(of: ">") else { return "" }
        var depth = 0
        var out = ""
        var inTag = false
        var tag = ""
        for character in rest[rest.index(after: open)...] {
            if character == "<" {
                inTag = true
                tag = ""
                continue
            }
            if inTag {
                if character == ">" {
                    inTag = false
                    if tag.hasPrefix("/") {
                        if depth == 0 { break }
                        depth -= 1
                    } else if !tag.hasSuffix("/") && !["input", "br", "meter"].contains(where: tag.hasPrefix) {
                        depth += 1
                    }
                } else {
                    tag.append(character)
                }
                continue
            }
            out.append(character)
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The card of `project`: from its `<li>` to the next.
    func card(_ project: Int, in html: String) -> String {
        guard let start = html.range(of: "id=\"card-\(project)\"") else { return "" }
        let rest = html[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</li>")?.upperBound ?? rest.endIndex)])
    }

    @Test func knapsackCardsShowEverythingAndUpdateRecomputesTheTotalWithoutStoring() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .knapsack)
            var browser = Browser()
            let page = try await browser.becomeVoter(client, cycle: cycle)
            let html = String(buffer: page.body)
            #expect(page.status == .ok)

            let first = card(projects[0], in: html)
            #expect(first.contains("Hay Al Massira"), "the district")
            #expect(first.contains("Rue 12, entre la mosquée et l&#39;école") || first.contains("Rue 12, entre la mosquée et l'école"), "the place")
            #expect(first.contains("Éclairage public"), "the category, in the page's language")
            #expect(first.contains(money(200_000)), "the cost")
            #expect(first.contains("<details"), "a long description is shortened, its full text one click away")
            #expect(first.contains("…"))
            #expect(first.contains("aria-describedby=\"facts-\(projects[0])\""), "the facts are read with the box")
            #expect(card(projects[1], in: html).contains("Un terrain clôturé."))
            #expect(!card(projects[1], in: html).contains("<details"), "a short description is shown whole")
            #expect(text(of: "tally-main", in: html).contains("\(spoken(0)) sur un budget de \(spoken(1_000_000))"))
            #expect(html.contains("<meter id=\"tally-meter\" min=\"0\" max=\"100000000\""))
            #expect(html.contains("aria-live=\"polite\""))
            #expect(html.contains("<fieldset") && html.contains("<legend"))

            // Without JavaScript: "update" with two projects ticked, 500k of 1M.
            let csrf = try #require(Browser.field("csrf", in: html))
            let submission = try #require(Browser.field("submission", in: html))
            let body = "csrf=\(csrf)&submission=\(submission)&project=\(projects[0])&project=\(projects[1])&action=update"
            let updated = try await client.execute(
                uri: "/fr/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
            #expect(updated.status == .ok)
            browser.remember(updated)
            let again = String(buffer: updated.body)
            #expect(text(of: "tally-main", in: again).contains("\(spoken(500_000)) sur un budget de \(spoken(1_000_000)) (2 projet(s))"))
            #expect(text(of: "tally-note", in: again).contains("Reste : \(spoken(500_000))"))
            #expect(again.contains("value=\"50000000\" aria-labelledby"), "the bar")
            #expect(again.contains("value=\"\(projects[0])\" checked") && again.contains("value=\"\(projects[1])\" checked"))
            #expect(!again.contains("value=\"\(projects[2])\" checked"))
            #expect(Browser.field("submission", in: again) == submission, "the form keeps its token")
            #expect(updated.headers[.cacheControl] == "no-store")
            #expect(try count(site, "sealed_ballots") == 0, "update stores nothing")
            #expect(try count(site, "participation") == 0)

            // A box unticked is a mark gone: 600k of 1M leaves 400k.
            let fewer = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: again)!, "submission": submission, "project": "\(projects[2])", "action": "update",
            ])
            let overPage = String(buffer: fewer.body)
            #expect(!overPage.contains("class=\"ballot-tally warning\""))
            #expect(text(of: "tally-note", in: overPage).contains("Reste : \(spoken(400_000))"))
            // Over budget: said in words and with a sign, not only by colour; still nothing stored.
            let tooMuch = "csrf=\(Browser.field("csrf", in: overPage)!)&submission=\(submission)&project=\(projects[0])&project=\(projects[1])&project=\(projects[2])&action=update"
            let overBudget = String(buffer: try await client.execute(
                uri: "/fr/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: tooMuch)).body)
            #expect(text(of: "tally-note", in: overBudget).contains("Budget dépassé de \(spoken(100_000)) : retirez un projet."))
            #expect(overBudget.contains("class=\"ballot-tally warning\""))
            #expect(try count(site, "sealed_ballots") == 0)

            // Casting from the updated form stores the ballot once.
            let cast = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: overBudget)!, "submission": submission, "project": "\(projects[0])", "action": "cast",
            ])
            #expect(cast.status == .seeOther)
            #expect(try count(site, "sealed_ballots") == 1)
        }
    }

    @Test func filtersHideCardsButKeepTheirMarks() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            _ = try await browser.becomeVoter(client, cycle: cycle)
            // A plain GET address filters, for a link or a browser without the script.
            let byDistrict = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/ballot?district=Hay%20Al%20Massira").body)
            #expect(!card(projects[0], in: byDistrict).contains(" hidden>"))
            #expect(card(projects[1], in: byDistrict).contains(" hidden>"))
            #expect(byDistrict.contains("<option value=\"Hay Al Massira\" selected>"))
            #expect(byDistrict.contains("1 projet(s) affiché(s) sur 3."))

            // The filter of the form, applied by "update": project 0 is chosen and hidden; its
            // box is still in the form, so it is still sent, and still counted.
            let form = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/ballot").body)
            let filtered = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: form)!, "submission": Browser.field("submission", in: form)!,
                "project": "\(projects[0])", "category": "sport", "district": "", "action": "update",
            ])
            let page = String(buffer: filtered.body)
            #expect(filtered.status == .ok)
            let hiddenCard = card(projects[0], in: page)
            #expect(hiddenCard.contains(" hidden>") && hiddenCard.contains("value=\"\(projects[0])\" checked"))
            #expect(!card(projects[1], in: page).contains(" hidden>"))
            #expect(page.contains("<option value=\"sport\" selected>"))
            #expect(page.contains("1 projet(s) choisi(s) masqué(s) par le filtre restent sur votre bulletin."))
            #expect(text(of: "tally-main", in: page) == "Projets choisis : 1")
            #expect(text(of: "tally-note", in: page).contains("Vous pouvez en choisir encore 1."))

            // A filter value is text like any other: escaped, matching nothing.
            let probe = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/ballot?category=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").body)
            #expect(!probe.contains("<script>alert(1)"))
            #expect(probe.contains("0 projet(s) affiché(s) sur 3."))
        }
    }

    @Test func approvalCountsChosenAndLeft() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            let html = String(buffer: try await browser.becomeVoter(client, cycle: cycle).body)
            #expect(text(of: "tally-main", in: html) == "Projets choisis : 0")
            #expect(text(of: "tally-note", in: html).contains("Choisissez-en encore au moins 1."))
            #expect(html.contains("data-kind=\"approval\" data-min=\"1\" data-max=\"2\""))
            let body = [projects[0], projects[1], projects[2]].map { "project=\($0)" }.joined(separator: "&")
            let response = try await client.execute(
                uri: "/fr/cycles/\(cycle)/ballot", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(Browser.field("csrf", in: html)!)&submission=\(Browser.field("submission", in: html)!)&\(body)&action=update"))
            let page = String(buffer: response.body)
            #expect(text(of: "tally-main", in: page) == "Projets choisis : 3")
            #expect(text(of: "tally-note", in: page).contains("1 de trop : choisissez-en au plus 2."))
            #expect(page.contains("class=\"ballot-tally warning\""))
            #expect(try count(site, "sealed_ballots") == 0)
        }
    }

    @Test(arguments: [
        (BallotRules.points(total: 10, cap: nil), "Points donnés : 7 sur 10", "Points à répartir : 3"),
        (BallotRules.ranked(depth: 2), "Projets classés : 2 sur 2 au plus", "Vous pouvez en classer encore 0."),
    ])
    func numberBallotsHaveTheSameCardsAndATally(rules: BallotRules, main: String, note: String) async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: rules)
            var browser = Browser()
            let html = String(buffer: try await browser.becomeVoter(client, cycle: cycle).body)
            let first = card(projects[0], in: html)
            #expect(first.contains("name=\"weight_\(projects[0])\""))
            #expect(first.contains("Hay Al Massira") && first.contains(money(200_000)))
            #expect(first.contains("<label for=\"w\(projects[0])\">"))
            let marks = rules == .ranked(depth: 2) ? ["2", "1"] : ["5", "2"]
            let updated = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: html)!, "submission": Browser.field("submission", in: html)!, "action": "update",
                "weight_\(projects[0])": marks[0], "weight_\(projects[1])": marks[1], "weight_\(projects[2])": "",
            ])
            let page = String(buffer: updated.body)
            #expect(updated.status == .ok)
            #expect(text(of: "tally-main", in: page) == main)
            #expect(text(of: "tally-note", in: page).contains(note))
            #expect(page.contains("name=\"weight_\(projects[0])\" value=\"\(marks[0])\""))

            // A weight that is not a number comes back with what was typed and the message.
            let malformed = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: page)!, "submission": Browser.field("submission", in: page)!, "action": "update",
                "weight_\(projects[0])": "beaucoup",
            ])
            #expect(malformed.status == .unprocessableContent)
            #expect(String(buffer: malformed.body).contains("nombres entiers positifs"))
            #expect(try count(site, "sealed_ballots") == 0)
        }
    }

    @Test func updateNeedsTheFormTokenAndTheVoterSession() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .knapsack)
            var browser = Browser()
            let html = String(buffer: try await browser.becomeVoter(client, cycle: cycle).body)
            // Another site posting "update" into the voter's session: refused like any POST.
            let forged = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": "forged", "submission": Browser.field("submission", in: html)!, "project": "\(projects[0])", "action": "update",
            ])
            #expect(forged.status == .forbidden)
            // No voter session: the eligibility check, not somebody's ballot.
            var stranger = Browser()
            let form = String(buffer: try await stranger.get(client, "/fr/cycles/\(cycle)/vote").body)
            let anonymous = try await stranger.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: form)!, "project": "\(projects[0])", "action": "update",
            ])
            let page = String(buffer: anonymous.body)
            #expect(page.contains("Votre vérification a expiré"))
            #expect(!page.contains("id=\"ballot-form\""))
            #expect(try count(site, "sealed_ballots") == 0)
        }
    }

    @Test func aPaperVoterIsToldTheyVotedOnPaperAndGetsNoForm() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .approval(minimum: 1, maximum: 2))
            try await site.withStorage { storage in
                let voter = try #require(try await IdentifyVoter(storage: storage, secrets: .forTests).atDesk(
                    .nationalID(try NationalID(parsing: "AB123456")), cycle: CycleID(cycle)))
                _ = try await CastBallot(storage: storage, box: storage.directBallotBox, secrets: .forTests)(
                    [BallotChoice(proposalID: projects[0], weight: 1)], by: voter, in: CycleID(cycle), channel: .paper, submission: .random())
            }
            var browser = Browser()
            let page = try await browser.becomeVoter(client, cycle: cycle, language: "ar")
            let html = String(buffer: page.body)
            #expect(html.contains("لقد صوّتت ورقياً في هذه الميزانية"))
            #expect(!html.contains("id=\"replace-note\""), "not told that voting again replaces the ballot")
            #expect(!html.contains("id=\"ballot-form\""), "no form to fill in")
            #expect(!html.contains("name=\"receipt\""))

            // A form posted all the same (its token from another form) is refused, with the same notice.
            let form = String(buffer: try await browser.get(client, "/ar/cycles/\(cycle)/vote").body)
            let refused = try await browser.post(client, "/ar/cycles/\(cycle)/ballot", [
                "csrf": try #require(Browser.field("csrf", in: form)), "submission": SubmissionToken.random().value, "project": "\(projects[1])",
            ])
            #expect(refused.status == .conflict)
            let again = String(buffer: refused.body)
            #expect(again.contains("لقد صوّتت ورقياً في هذه الميزانية") && !again.contains("id=\"ballot-form\""))
            #expect(try count(site, "sealed_ballots") == 1)

            // An online voter still gets the replacement note and the form.
            var online = Browser()
            let other = String(buffer: try await online.becomeVoter(client, cycle: cycle, id: "CD234567", birthDate: "1985-07-12").body)
            #expect(other.contains("id=\"ballot-form\"") && !other.contains("ورقياً في هذه"))
        }
    }

    @Test func theReceiptOfAReplacementSaysTheOldCodeIsVoid() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try ballotCycle(site, ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            let first = String(buffer: try await browser.becomeVoter(client, cycle: cycle).body)
            _ = try await browser.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: first)!, "submission": Browser.field("submission", in: first)!, "project": "\(projects[0])",
            ])
            let receiptPage = String(buffer: try await browser.get(client, "/fr/receipts").body)
            #expect(!receiptPage.contains("plus valable : gardez celui-ci"), "a first vote replaces nothing")
            let code = try #require(receiptPage.components(separatedBy: "<p class=\"receipt\"><code>").dropFirst().first?.components(separatedBy: "</code>").first)

            var again = Browser()
            let second = String(buffer: try await again.becomeVoter(client, cycle: cycle).body)
            let replaced = try await again.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": Browser.field("csrf", in: second)!, "submission": Browser.field("submission", in: second)!,
                "project": "\(projects[1])", "receipt": code,
            ])
            #expect(replaced.status == .seeOther)
            let page = String(buffer: try await again.get(client, "/fr/receipts").body)
            #expect(page.contains("Ce bulletin remplace votre vote précédent."))
            #expect(page.contains("Le code de reçu de votre bulletin précédent n&#39;est plus valable : gardez celui-ci."))
        }
    }

    @Test func theBallotScriptIsServedFromTheSiteAndNothingIsInline() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try ballotCycle(site, ballot: .knapsack)
            let script = try await client.execute(uri: "/static/ballot.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(String(buffer: script.body).contains("ballot-tally"))
            let style = try await client.execute(uri: "/static/ballot.css", method: .get)
            #expect(style.status == .ok && style.headers[.contentType] == "text/css; charset=utf-8")

            var browser = Browser()
            let page = try await browser.becomeVoter(client, cycle: cycle)
            let html = String(buffer: page.body)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self';") == true)
            let scripts = html.components(separatedBy: "<script").dropFirst()
            #expect(scripts.count == 1)
            for tag in scripts {
                #expect(tag.hasPrefix(" src=\"/static/ballot.js\" defer></script>"), "only the site's own file, no inline code")
            }
            #expect(!html.contains(" onclick=") && !html.contains(" onchange=") && !html.contains("style=\""))
            // Every template the script fills is on the page, in the page's language.
            for key in ["data-chosen", "data-total", "data-remaining", "data-over-budget", "data-money=\"\(money(0))\""] {
                #expect(html.contains(key), "\(key)")
            }
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanDemo
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

/// What no page may ever show: a Swift optional printed as text, a template tag left unfilled, an
/// inline script. Checked on every page type of the demo, in the four languages, with a voter
/// session and a staff session, and on forms sent back with errors.
@Suite("Page text")
struct PageTextTests {
    /// Why `text` is not fit to show, or nil.
    static func leak(in text: String) -> String? {
        if text.contains("Optional(") { return "Optional(" }
        if text.contains("{{") || text.contains("}}") { return "a mustache tag" }
        if text.firstMatch(of: /(^|[^A-Za-z_])nil([^A-Za-z_]|$)/) != nil { return "nil" }
        // A script served by the site (`<script src="/static/…">`) is allowed; inline ones are not.
        for match in text.matches(of: /<script[^>]*>/) where !match.output.contains("src=\"/static/") { return "an inline script" }
        return nil
    }

    @Test func optionalsNeverReachTemplatesAsText() throws {
        struct Inner { let note: String?; let count: Int? }
        struct Page { let title: String?; let twice: String??; let list: [String?]; let inner: Inner; let inners: [Inner?]; let byKey: [String: String?] }
        let page = Page(
            title: nil, twice: .some(nil), list: ["a", nil, "b"], inner: Inner(note: nil, count: 3), inners: [nil, Inner(note: "x", count: nil)],
            byKey: ["k": nil, "v": "value"])
        #expect(TemplateValue.child(named: "title", of: page) == nil)
        #expect(TemplateValue.child(named: "twice", of: page) == nil, "an optional inside an optional is no value either")
        #expect(TemplateValue.child(named: "list", of: page) as? [String] == ["a", "b"])
        let inner = try #require(TemplateValue.child(named: "inner", of: page) as? TemplateValue.Container)
        #expect(inner.child(named: "note") == nil)
        #expect(inner.child(named: "count") as? Int == 3)
        let inners = try #require(TemplateValue.child(named: "inners", of: page) as? [Any])
        #expect(inners.count == 1)
        #expect((inners.first as? TemplateValue.Container)?.child(named: "count") == nil)
        let byKey = try #require(TemplateValue.child(named: "byKey", of: page) as? TemplateValue.Container)
        #expect(byKey.child(named: "k") == nil)
        #expect(byKey.child(named: "v") as? String == "value")
    }

    @Test func theLeakCheckCatchesWhatItLooksFor() {
        #expect(Self.leak(in: "<p>nil</p>") == "nil")
        #expect(Self.leak(in: "Coût : Optional(\"12\")") != nil)
        #expect(Self.leak(in: "<p>{{title}}</p>") != nil)
        #expect(Self.leak(in: "<script>alert(1)</script>") != nil)
        #expect(Self.leak(in: "<script src=\"/static/ballot.js\" defer></script> Nil river, nihil, anil") == nil)
    }

    @Test func everyPageOfTheDemoInEveryLanguageShowsNoLeak() async throws {
        try await Site.with(testing: .router) { client, site in
            let (open, published) = try await site.withStorage { storage in
                (try await DemoSeed.seed(secrets: .forTests, storage: storage), try await DemoSeed.seedPublished(storage: storage))
            }
            let proposing = try site.cycleTakingProposals(title: "Budget participatif 2027")
            let (proposal, receipt) = try site.transaction { connection in
                (
                    try connection.query("SELECT min(id) FROM proposals WHERE cycle_id = \(published.cycleID)").single().decode(Int.self, 0),
                    try connection.query("SELECT receipt_code FROM ballots WHERE cycle_id = \(published.cycleID) ORDER BY receipt_code LIMIT 1")
                        .single().decode(String.self, 0)
                )
            }
            try await site.staffAccount("amina", role: .admin)
            var problems: [String] = []
            var pages = 0
            func check(_ response: TestResponse, _ what: String, allowed: Set<Int> = [200]) {
                pages += 1
                let html = String(buffer: response.body)
                if !allowed.contains(Int(response.status.code)) { problems.append("\(what): status \(response.status.code)") }
                if let leak = Self.leak(in: html) { problems.append("\(what): \(leak)") }
            }

            var staff = Browser()
            check(try await staff.signIn(client, username: "amina", password: "wrong password", language: "fr"), "fr login refused",
                  allowed: [200, 401, 403, 422])
            #expect(try await staff.signIn(client, username: "amina", password: "correct horse battery", language: "fr").status == .seeOther)
            for language in ["ar", "fr", "en", "zgh"] {
                var visitor = Browser()
                let addresses = [
                    "/", "/search?q=Oujda", "/regions/02", "/regions/02/overview", "/provinces/02.411", "/provinces/02.411/overview",
                    "/communes/02.411.01.23", "/communes/02.113.01.09", "/cycles/\(open.cycleID)", "/cycles/\(published.cycleID)",
                    "/cycles/\(published.cycleID)/results", "/cycles/\(published.cycleID)/participation",
                    "/cycles/\(open.cycleID)/proposals", "/cycles/\(published.cycleID)/proposals?category=green",
                    "/proposals/\(proposal)", "/cycles/\(open.cycleID)/propose", "/cycles/\(proposing)/propose",
                    "/cycles/\(open.cycleID)/vote", "/cycles/\(published.cycleID)/vote", "/receipts", "/staff/login",
                ]
                // A form whose phase is over answers 409 with its notice; the page still has to be clean.
                for address in addresses {
                    check(try await visitor.get(client, "/\(language)\(address)"), "\(language)\(address)", allowed: [200, 409])
                }
                check(try await visitor.get(client, "/\(language)/no/such/page"), "\(language) 404", allowed: [404])

                // A proposal sent with mistakes, then a good one: the form again, then the tracking page.
                let form = String(buffer: try await visitor.get(client, "/\(language)/cycles/\(proposing)/propose").body)
                var fields = ["csrf": Browser.field("csrf", in: form) ?? "", "title": "ab", "cost": "beaucoup"]
                if let submission = Browser.field("submission", in: form) { fields["submission"] = submission }
                let refused = try await visitor.post(client, "/\(language)/cycles/\(proposing)/propose", fields)
                check(refused, "\(language) propose errors", allowed: [422])
                for name in ["csrf", "submission"] { if let value = Browser.field(name, in: String(buffer: refused.body)) { fields[name] = value } }
                fields.merge(["title": "Bibliothèque du quartier ⵜⴰⵙⴷⵍⵉⵙⵜ", "cost": "120000", "category": "culture", "description": "مكتبة"]) { $1 }
                let saved = try await visitor.post(client, "/\(language)/cycles/\(proposing)/propose", fields)
                #expect(saved.status == .seeOther, "\(language)")
                if let tracking = saved.headers[.location] {
                    let page = try await visitor.get(client, tracking)
                    check(page, "\(language) tracking")
                    #expect(String(buffer: page.body).contains("<a class=\"code\" href=\"/\(language)/track/"), "the tracking address is a link")
                }

                // Identification refused, then a voter: the ballot, a cast ballot, its receipt.
                let eligibility = String(buffer: try await visitor.get(client, "/\(language)/cycles/\(open.cycleID)/vote").body)
                check(
                    try await visitor.post(
                        client, "/\(language)/cycles/\(open.cycleID)/vote",
                        ["csrf": Browser.field("csrf", in: eligibility) ?? "", "national_id": "ZZ999999", "birth_date": "1990-01-01"]),
                    "\(language) identification refused", allowed: [422])
                var voter = Browser()
                let index = ["ar": 1, "fr": 2, "en": 3, "zgh": 4][language]!
                let ballot = try await voter.becomeVoter(
                    client, cycle: open.cycleID, language: language, id: DemoSeed.voters[index].0, birthDate: DemoSeed.voters[index].1)
                check(ballot, "\(language) ballot")
                let ballotPage = String(buffer: ballot.body)
                let project = try #require(ballotPage.firstMatch(of: /name="project" value="(\d+)"/)?.output.1)
                var ballotFields = ["csrf": Browser.field("csrf", in: ballotPage) ?? "", "project": String(project)]
                if let submission = Browser.field("submission", in: ballotPage) { ballotFields["submission"] = submission }
                check(try await voter.post(client, "/\(language)/cycles/\(open.cycleID)/ballot", [:]), "\(language) ballot without token", allowed: [400, 403])
                let cast = try await voter.post(client, "/\(language)/cycles/\(open.cycleID)/ballot", ballotFields)
                #expect(cast.status == .seeOther, "\(language)")
                check(try await voter.get(client, cast.headers[.location] ?? "/\(language)/receipts"), "\(language) receipt")
                let lookup = String(buffer: try await visitor.get(client, "/\(language)/receipts").body)
                check(
                    try await visitor.post(client, "/\(language)/receipts", ["csrf": Browser.field("csrf", in: lookup) ?? "", "code": receipt]),
                    "\(language) published receipt")
                check(
                    try await visitor.post(client, "/\(language)/receipts", ["csrf": Browser.field("csrf", in: lookup) ?? "", "code": "AAAA-BBBB-CCCC-DDDD"]),
                    "\(language) unknown receipt", allowed: [404])

                // Staff pages with a staff session (signed in once, in French, below: each sign-in is a
                // deliberately slow password hash).
                check(try await staff.get(client, "/\(language)/staff/login"), "\(language) staff login", allowed: [200, 303])
                for address in ["/staff", "/staff/cycles/\(published.cycleID)/participation", "/staff/cycles/\(open.cycleID)/participation",
                                // The open cycle's analysis page (its notice that voting is still open): the
                                // published one's computation is AnalysisPageTests' subject.
                                "/staff/cycles/\(open.cycleID)/analysis"] {
                    check(try await staff.get(client, "/\(language)\(address)"), "\(language)\(address) (staff)", allowed: [200, 409])
                }
            }
            #expect(pages >= 4 * 35)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func theDemoVotesSpreadOverItsVotingDays() async throws {
        try await Site.with { client, site in
            let published = try await site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            let days = try site.transaction { connection in
                try connection.query("""
                    SELECT count(DISTINCT voted_on), min(voted_on)::text, max(voted_on)::text,
                           (SELECT (entered_at AT TIME ZONE 'Africa/Casablanca')::date::text FROM cycle_phases
                            WHERE cycle_id = \(published.cycleID) AND phase = 'voting')
                    FROM participation WHERE cycle_id = \(published.cycleID)
                    """).single()
            }
            #expect(try days.decode(Int.self, 0) == DemoSeed.publishedVotingDays)
            #expect(try days.decode(String.self, 1) == "2025-05-05")
            #expect(try days.decode(String.self, 2) == "2025-05-25")
            #expect(try days.decode(String.self, 3) == "2025-05-05", "the cycle page dates voting as the ballots are dated")
            let page = String(buffer: try await client.execute(uri: "/fr/cycles/\(published.cycleID)/participation", method: .get).body)
            #expect(page.contains("5 mai 2025"))
            #expect(page.contains("<title id=\"chart-by-day\">"), "many days: a line")
        }
    }

    @Test func mixedScriptsAreIsolatedAndAmountsHoldTogether() async throws {
        try await Site.with { client, site in
            let published = try await site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            let french = String(buffer: try await client.execute(uri: "/fr/cycles/\(published.cycleID)/results", method: .get).body)
            #expect(french.contains("<bdi>تهيئة ساحة باب سيدي عبد الوهاب</bdi> — <span class=\"amount\">1.250.000,00\u{00A0}MAD</span>"))
            #expect(french.contains("href=\"/fr/receipts\""), "check my ballot, from the results page")
            let arabic = String(buffer: try await client.execute(uri: "/ar/cycles/\(published.cycleID)/results", method: .get).body)
            #expect(arabic.contains("<bdi>Réhabilitation du parc Lalla Aïcha</bdi>"))
            #expect(arabic.contains("1.600.000,00\u{00A0}درهم"))
            #expect(!arabic.contains("د.م.."))
            #expect(arabic.contains("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"results-"), "the wide table scrolls in its box")
            let cycle = String(buffer: try await client.execute(uri: "/fr/cycles/\(published.cycleID)", method: .get).body)
            #expect(cycle.components(separatedBy: "href=\"/fr/receipts\"").count - 1 == 2, "from the cycle page and the footer")
        }
    }

    @Test func theOverviewListsCommunesWithABudgetFirst() async throws {
        try await Site.with { client, site in
            _ = try await site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            for order in ["asc", "desc"] {
                let page = String(buffer: try await client.execute(uri: "/fr/regions/02/overview?sort=commune&order=\(order)", method: .get).body)
                let body = try #require(page.components(separatedBy: "<tbody>").dropFirst().first)
                let firstRow = try #require(body.components(separatedBy: "</tr>").first)
                #expect(firstRow.contains("Oujda"), "\(order): \(firstRow)")
            }
        }
    }
}

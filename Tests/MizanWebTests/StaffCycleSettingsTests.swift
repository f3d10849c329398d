import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

/// Creating a cycle and correcting its settings in the browser: admins only, CSRF, each refusal
/// re-rendered with what was typed and the field at fault, the audit entry under the staff
/// member's name, and nothing changed once voting has opened — by the page or in the database.
@Suite("Cycle settings in the browser")
struct StaffCycleSettingsTests {
    /// What a filled-in creation form sends.
    static let creation: [String: String] = [
        "commune": "02.113.01.09", "year": "2027", "title": "Budget participatif 2027", "budget": "1.500.000", "ballot": "approval",
        "min": "1", "max": "3", "points": "", "points-cap": "", "rank-depth": "", "rule": "greedy", "tie": "lexicographic",
        "completion": "", "increment": "", "comparison": "", "tie-criteria": "", "min-votes": "25", "min-share": "", "share-of": "all",
        "cost-divisor": "", "fund-next-at": "", "proposals-open": "2027-03-01", "proposals-close": "2027-03-31",
        "voting-open": "2027-05-02", "voting-close": "2027-05-16",
    ]

    func cycleRow(_ site: Site, title: String) throws -> (id: Int, budget: Int64, rule: String, thresholds: String, votingClose: String?)? {
        try site.transaction { connection in
            try connection.query("""
                SELECT id, budget_centimes, rule, thresholds, to_char(voting_close, 'YYYY-MM-DD') FROM cycles WHERE title = \(title)
                """).first.map {
                (try $0.decode(Int.self, 0), try $0.decode(Int64.self, 1), try $0.decode(String.self, 2), try $0.decode(String.self, 3),
                 try $0.decodeIfPresent(String.self, 4))
            }
        }
    }

    @Test func anAdminCreatesACycleAndEveryRefusalKeepsWhatWasTyped() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina", role: .admin)
            try await site.staffAccount("salma", role: .reviewer)
            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            let home = String(buffer: try await admin.get(client, "/fr/staff").body)
            #expect(home.contains("href=\"/fr/staff/cycles/new\""))
            let blank = try await admin.get(client, "/fr/staff/cycles/new")
            #expect(blank.status == .ok)
            var csrf = Browser.field("csrf", in: String(buffer: blank.body)) ?? ""

            // Each bad field comes back marked, with everything typed kept and nothing stored.
            let refusals: [(field: String, value: String, message: String)] = [
                ("budget", "un million", "Indiquez un montant en dirhams"),
                ("commune", "99.999.99.99", "Aucune commune n"),
                ("commune", "Berkane", "Indiquez le code HCP"),
                ("voting-open", "2027-03-15", "pas avant la fin des propositions"),
                ("voting-close", "2027-02-30", "Indiquez une date réelle"),
                ("max", "0", "au moins 1"),
                ("min-share", "150%", "au plus 100"),
                ("completion", "add1u", "equalshares"),
                ("year", "deux mille", "entre 2000 et 2100"),
            ]
            for refusal in refusals {
                var form = Self.creation
                form[refusal.field] = refusal.value
                form["csrf"] = csrf
                let response = try await admin.post(client, "/fr/staff/cycles/new", form)
                let html = String(buffer: response.body)
                #expect(response.status == .badRequest, "\(refusal.field)")
                #expect(html.contains("value=\"\(refusal.value)\"") || html.contains("value=\"\(refusal.value)\" selected"), "\(refusal.field) kept")
                #expect(html.contains("id=\"setting-\(refusal.field)-error\""), "\(refusal.field) marked")
                #expect(html.contains(refusal.message), "\(refusal.field): \(html.components(separatedBy: "class=\"error\"").dropFirst().first?.prefix(200) ?? "")")
                #expect(html.contains("value=\"Budget participatif 2027\""), "the other fields kept")
                csrf = Browser.field("csrf", in: html) ?? ""
            }
            #expect(try cycleRow(site, title: "Budget participatif 2027") == nil)

            // No CSRF field, or a reviewer: refused, nothing stored.
            #expect(try await admin.post(client, "/fr/staff/cycles/new", Self.creation).status == .forbidden)
            var reviewer = Browser()
            try await reviewer.signIn(client, username: "salma", password: "correct horse battery")
            #expect(try await reviewer.get(client, "/fr/staff/cycles/new").status == .forbidden)
            let reviewerCSRF = try await reviewer.csrfField(client, from: "/fr/staff")
            var reviewerForm = Self.creation
            reviewerForm["csrf"] = reviewerCSRF
            #expect(try await reviewer.post(client, "/fr/staff/cycles/new", reviewerForm).status == .forbidden)
            #expect(try cycleRow(site, title: "Budget participatif 2027") == nil)

            var form = Self.creation
            form["csrf"] = csrf
            let created = try await admin.post(client, "/fr/staff/cycles/new", form)
            #expect(created.status == .seeOther)
            let row = try #require(try cycleRow(site, title: "Budget participatif 2027"))
            #expect(row.budget == 150_000_000 && row.rule == "greedy" && row.thresholds == "min-votes=25" && row.votingClose == "2027-05-16")
            #expect(created.headers[.location] == "/fr/staff/cycles/\(row.id)?done=created")
            let audit = try site.transaction {
                try $0.query("SELECT actor FROM audit_log WHERE action = 'cycle.create' AND object = \("cycle:\(row.id)")").single().decode(String.self, 0)
            }
            #expect(audit == "amina")

            // The same title again for that commune and year: refused on the title field.
            csrf = try await admin.csrfField(client, from: "/fr/staff/cycles/new")
            form["csrf"] = csrf
            let again = try await admin.post(client, "/fr/staff/cycles/new", form)
            #expect(again.status == .conflict)
            #expect(String(buffer: again.body).contains("id=\"setting-title-error\""))

            // Residents see the announced dates on the cycle page, in their language.
            let page = String(buffer: try await admin.get(client, "/fr/cycles/\(row.id)").body)
            #expect(page.contains("Propositions : du 1 mars 2027 au 31 mars 2027."), "\(page.prefix(0))")
            #expect(page.contains("Vote : du 2 mai 2027 au 16 mai 2027."))
        }
    }

    @Test func anAdminCorrectsSettingsUntilVotingOpens() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try await site.staffAccount("amina", role: .admin)
            try await site.staffAccount("nadia", role: .auditor)
            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            let page = "/fr/staff/cycles/\(cycle)/settings"
            #expect(String(buffer: try await admin.get(client, "/fr/staff/cycles/\(cycle)").body).contains("href=\"\(page)\""))
            let shown = String(buffer: try await admin.get(client, page).body)
            #expect(shown.contains("value=\"1000000\""), "the budget as stored")
            #expect(shown.contains("<option value=\"mes\" selected>"))
            var csrf = Browser.field("csrf", in: shown) ?? ""
            var form: [String: String] = [
                "year": "2026", "title": "Budget participatif 2026", "budget": "1200000", "ballot": "approval", "min": "1", "max": "2",
                "rule": "equalshares", "tie": "equalshares", "completion": "add1u", "comparison": "satisfaction", "share-of": "all",
                "proposals-close": "2026-04-30", "voting-open": "2026-04-01",
            ]

            // Dates out of order: refused on the later field, nothing changed.
            form["csrf"] = csrf
            let disordered = try await admin.post(client, page, form)
            #expect(disordered.status == .badRequest)
            let disorderedHTML = String(buffer: disordered.body)
            #expect(disorderedHTML.contains("id=\"setting-voting-open-error\""))
            #expect(disorderedHTML.contains("value=\"2026-04-01\""))
            #expect(try cycleRow(site, title: "Budget participatif 2026")?.budget == 100_000_000)

            form["voting-open"] = "2026-05-10"
            form["csrf"] = Browser.field("csrf", in: disorderedHTML) ?? ""
            let saved = try await admin.post(client, page, form)
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/fr/staff/cycles/\(cycle)?done=settings")
            let row = try #require(try cycleRow(site, title: "Budget participatif 2026"))
            #expect(row.budget == 120_000_000 && row.rule == "equalshares")
            let details = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'cycle.settings'").single()
            }
            #expect(try details.decode(String.self, 0) == "amina")
            let detailText = try details.decode(String.self, 1)
            #expect(detailText.contains("budget=120000000") && detailText.contains("rule=equalshares") && detailText.contains("dates=-/2026-04-30/2026-05-10/-"), "\(detailText)")

            // The same form again changes nothing and writes no audit entry.
            form["csrf"] = try await admin.csrfField(client, from: page)
            let same = try await admin.post(client, page, form)
            #expect(same.headers[.location] == "/fr/staff/cycles/\(cycle)?done=unchanged")
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM audit_log WHERE action = 'cycle.settings'").single().decode(Int.self, 0) } == 1)

            // An auditor reads the cycle but cannot open or post the form.
            var auditor = Browser()
            try await auditor.signIn(client, username: "nadia", password: "correct horse battery")
            #expect(try await auditor.get(client, page).status == .forbidden)
            var auditorForm = form
            auditorForm["csrf"] = try await auditor.csrfField(client, from: "/fr/staff/cycles/\(cycle)")
            auditorForm["budget"] = "5"
            #expect(try await auditor.post(client, page, auditorForm).status == .forbidden)
            #expect(try await admin.post(client, page, ["budget": "5"]).status == .forbidden, "no CSRF field")
            #expect(try cycleRow(site, title: "Budget participatif 2026")?.budget == 120_000_000)

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr"), ("fr", "ltr")] {
                let other = String(buffer: try await admin.get(client, "/\(language)/staff/cycles/\(cycle)/settings").body)
                #expect(other.contains("dir=\"\(direction)\""), "\(language)")
                #expect(!other.contains("settings_"), "\(language): a catalog key shows")
            }

            // Once voting opens the settings are what voters saw: the page says so and shows no
            // form, a post is refused, and the database refuses a direct change too.
            _ = try site.submit("Terrain de sport", cycle: cycle)
            try site.transaction { connection in
                _ = try CycleStore.advance(cycle, actor: "test", on: connection)
                try connection.query("UPDATE proposals SET status = 'accepted', official_cost_centimes = 10000000 WHERE cycle_id = \(cycle)")
                try RegistryStore.issueCodes([VotingCode.random()], cycleID: cycle, secrets: .forTests, actor: "test", on: connection)
                _ = try CycleStore.advance(cycle, actor: "test", on: connection)
            }
            let settled = String(buffer: try await admin.get(client, page).body)
            #expect(settled.contains("Le vote est ouvert"))
            #expect(!settled.contains("name=\"budget\""))
            form["csrf"] = try await admin.csrfField(client, from: "/fr/staff")
            form["budget"] = "2000000"
            let late = try await admin.post(client, page, form)
            #expect(late.status == .conflict)
            #expect(try cycleRow(site, title: "Budget participatif 2026")?.budget == 120_000_000)
            #expect(throws: (any Error).self) {
                try site.transaction { try $0.query("UPDATE cycles SET voting_close = '2026-12-31' WHERE id = \(cycle)") }
            }
            #expect(throws: (any Error).self) {
                try site.transaction { try $0.query("UPDATE cycles SET title = 'Autre' WHERE id = \(cycle)") }
            }
        }
    }

    @Test func anAdminAddsADistrictBeforeVoting() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try await site.staffAccount("amina", role: .admin)
            try await site.staffAccount("salma", role: .reviewer)
            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            let page = "/fr/staff/cycles/\(cycle)"
            func count() throws -> Int {
                try site.transaction { try $0.query("SELECT count(*) FROM districts WHERE name_fr = 'Hay Salam'").single().decode(Int.self, 0) }
            }
            var csrf = try await admin.csrfField(client, from: page)
            let noArabic = try await admin.post(client, page + "/districts", ["csrf": csrf, "name_fr": "Hay Salam", "name_ar": " ", "population": "1200"])
            #expect(noArabic.status == .badRequest)
            #expect(String(buffer: noArabic.body).contains("value=\"Hay Salam\""))
            #expect(String(buffer: noArabic.body).contains("Quartier refusé"))
            csrf = Browser.field("csrf", in: String(buffer: noArabic.body)) ?? ""
            let badPopulation = try await admin.post(client, page + "/districts", ["csrf": csrf, "name_fr": "Hay Salam", "name_ar": "حي السلام", "population": "-3"])
            #expect(badPopulation.status == .badRequest)
            #expect(String(buffer: badPopulation.body).contains("value=\"حي السلام\""))
            #expect(try count() == 0)
            csrf = Browser.field("csrf", in: String(buffer: badPopulation.body)) ?? ""
            #expect(try await admin.post(client, page + "/districts", ["csrf": csrf, "name_fr": "Hay Salam", "name_ar": "حي السلام", "population": "1200"]).status == .seeOther)
            #expect(try count() == 1)
            #expect(try site.transaction { try $0.query("SELECT actor FROM audit_log WHERE action = 'district.add'").single().decode(String.self, 0) } == "amina")
            // The envelope form now offers it; the same name again is refused in words.
            let after = String(buffer: try await admin.get(client, page).body)
            #expect(after.contains(">Hay Salam</option>"))
            csrf = Browser.field("csrf", in: after) ?? ""
            let twice = try await admin.post(client, page + "/districts", ["csrf": csrf, "name_fr": "Hay Salam", "name_ar": "حي السلام"])
            #expect(twice.status == .badRequest)
            #expect(String(buffer: twice.body).contains("déjà un quartier de ce nom"))
            #expect(try await admin.post(client, page + "/districts", ["name_fr": "Hay Nour", "name_ar": "حي النور"]).status == .forbidden, "no CSRF")
            var reviewer = Browser()
            try await reviewer.signIn(client, username: "salma", password: "correct horse battery")
            let reviewerCSRF = try await reviewer.csrfField(client, from: "/fr/staff")
            #expect(try await reviewer.post(client, page + "/districts", ["csrf": reviewerCSRF, "name_fr": "Hay Nour", "name_ar": "حي النور"]).status == .forbidden)
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM districts WHERE name_fr = 'Hay Nour'").single().decode(Int.self, 0) } == 0)
        }
    }
}

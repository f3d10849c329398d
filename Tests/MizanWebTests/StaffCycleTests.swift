import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

/// Moving a cycle to its next phase from the browser: a confirmation that says what becomes
/// frozen, admins only, CSRF, and a second click that cannot move it one step further.
@Suite("Running a cycle in the browser")
struct StaffCycleTests {
    func phase(_ site: Site, _ cycle: Int) throws -> String {
        try site.transaction { try $0.query("SELECT phase FROM cycles WHERE id = \(cycle)").single().decode(String.self, 0) }
    }

    @Test func anAdminAdvancesAfterConfirmingWhatFreezes() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try await site.staffAccount("amina", role: .admin)
            try await site.staffAccount("salma", role: .reviewer)
            let page = "/fr/staff/cycles/\(cycle)"

            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            // No proposal yet: the obstacle is shown and there is nothing to click.
            var html = String(buffer: try await admin.get(client, page).body)
            #expect(html.contains("Étape suivante : étude des propositions"))
            #expect(html.contains("Aucune proposition n"))
            #expect(!html.contains("/advance\""))

            // The district's envelope, set before voting: a bad amount comes back as typed.
            var envelopeCSRF = Browser.field("csrf", in: html) ?? ""
            let district = try site.transaction { try $0.query("SELECT id FROM districts WHERE name_fr = 'Hay Al Massira'").single().decode(Int.self, 0) }
            let badEnvelope = try await admin.post(client, page + "/envelope", ["csrf": envelopeCSRF, "district": "\(district)", "budget": "un million"])
            #expect(badEnvelope.status == .badRequest)
            #expect(String(buffer: badEnvelope.body).contains("value=\"un million\""))
            envelopeCSRF = Browser.field("csrf", in: String(buffer: badEnvelope.body)) ?? ""
            #expect(try await admin.post(client, page + "/envelope", ["csrf": envelopeCSRF, "district": "\(district)", "budget": "1.000.000,00"]).status == .seeOther)
            #expect(String(buffer: try await admin.get(client, page).body).contains("Hay Al Massira : 1.000.000,00\u{00A0}MAD"))
            #expect(try site.transaction { try $0.query("SELECT actor FROM audit_log WHERE action = 'cycle.envelope'").single().decode(String.self, 0) } == "amina")

            _ = try site.submit("Terrain de sport", cycle: cycle)
            html = String(buffer: try await admin.get(client, page).body)
            #expect(html.contains("href=\"/fr/staff/cycles/\(cycle)/advance\""))
            let confirm = String(buffer: try await admin.get(client, page + "/advance").body)
            #expect(confirm.contains("Le dépôt des propositions sera fermé"))
            let csrf = Browser.field("csrf", in: confirm) ?? ""

            #expect(try await admin.post(client, page + "/advance", ["from": "proposals"]).status == .forbidden, "no CSRF field")
            #expect(try phase(site, cycle) == "proposals")
            let moved = try await admin.post(client, page + "/advance", ["csrf": csrf, "from": "proposals"])
            #expect(moved.status == .seeOther)
            #expect(try phase(site, cycle) == "review")
            let audit = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'cycle.advance' ORDER BY id DESC LIMIT 1").single()
            }
            #expect(try audit.decode(String.self, 0) == "amina")
            #expect(try audit.decode(String.self, 1) == "proposals->review")

            // The same form sent again (a double click, a second tab): refused, one step only.
            let twice = try await admin.post(client, page + "/advance", ["csrf": csrf, "from": "proposals"])
            #expect(twice.status == .conflict)
            #expect(String(buffer: twice.body).contains("Le cycle a changé d&#39;étape entre-temps") || String(buffer: twice.body).contains("Le cycle a changé d'étape entre-temps"))
            #expect(try phase(site, cycle) == "review")

            // A reviewer reads the page but cannot advance.
            var reviewer = Browser()
            try await reviewer.signIn(client, username: "salma", password: "correct horse battery")
            #expect(try await reviewer.get(client, page).status == .ok)
            #expect(try await reviewer.get(client, page + "/advance").status == .forbidden)
            let reviewerCSRF = try await reviewer.csrfField(client, from: page)
            #expect(try await reviewer.post(client, page + "/advance", ["csrf": reviewerCSRF, "from": "review"]).status == .forbidden)
            #expect(try phase(site, cycle) == "review")

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = String(buffer: try await admin.get(client, "/\(language)/staff/cycles/\(cycle)/advance").body)
                #expect(other.contains("dir=\"\(direction)\""), "\(language)")
                #expect(!other.contains("staff_cycle_"), "\(language): a catalog key shows")
            }
        }
    }

    @Test func anAdminClosesVotingTalliesAndPublishes() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try site.cast(4, for: [projects[0], projects[1]], cycle: cycle, first: 1)
            try site.cast(2, for: [projects[2]], cycle: cycle, first: 100)
            try await site.staffAccount("amina", role: .admin)
            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            let page = "/fr/staff/cycles/\(cycle)"

            // Closing voting from the page mixes the sealed ballots as the command does.
            var csrf = try await admin.csrfField(client, from: page + "/advance")
            #expect(try await admin.post(client, page + "/advance", ["csrf": csrf, "from": "voting"]).status == .seeOther)
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM ballots").single().decode(Int.self, 0) } == 6)

            // Publishing before a tally: refused in words; then tally, then publish.
            csrf = try await admin.csrfField(client, from: page)
            let early = try await admin.post(client, page + "/publish", ["csrf": csrf])
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("Aucun résultat enregistré"))
            csrf = Browser.field("csrf", in: String(buffer: early.body)) ?? ""
            #expect(try await admin.post(client, page + "/tally", ["csrf": csrf]).status == .seeOther)
            try await Self.waitForTally(&admin, client, page)
            #expect(try await admin.get(client, "/fr/cycles/\(cycle)/results").status == .notFound, "stored, not yet public")
            // Six ballots: publishing needs the small-scope confirmation.
            csrf = try await admin.csrfField(client, from: page)
            let small = try await admin.post(client, page + "/publish", ["csrf": csrf])
            #expect(small.status == .conflict)
            #expect(String(buffer: small.body).contains("moins de 10 bulletins"))
            csrf = Browser.field("csrf", in: String(buffer: small.body)) ?? ""
            #expect(try await admin.post(client, page + "/publish", ["csrf": csrf, "confirm_small": "yes"]).status == .seeOther)
            #expect(try await admin.get(client, "/fr/cycles/\(cycle)/results").status == .ok)
            let actors = try site.transaction {
                try $0.query("SELECT action, actor FROM audit_log WHERE action IN ('tally.store', 'tally.publish', 'cycle.publish', 'outcome.publish') ORDER BY id")
                    .map { "\(try $0.decode(String.self, 0)) \(try $0.decode(String.self, 1))" }
            }
            #expect(actors.first == "tally.store amina", "\(actors)")
            #expect(actors.count >= 2 && actors.allSatisfy { $0.hasSuffix(" amina") }, "\(actors)")

            // Progress of a funded project, from the same page: a bad link is refused, a good
            // update shows on the results page's timeline.
            let published = String(buffer: try await admin.get(client, page).body)
            #expect(published.contains("action=\"/fr/staff/proposals/\(projects[0])/implementation\""))
            csrf = Browser.field("csrf", in: published) ?? ""
            let impl = page.replacingOccurrences(of: "cycles/\(cycle)", with: "proposals/\(projects[0])") + "/implementation"
            let badLink = try await admin.post(
                client, impl, ["csrf": csrf, "status": "in_progress", "progress": "30", "spent": "50000", "link": "javascript:alert(1)"])
            #expect(badLink.status == .badRequest)
            csrf = Browser.field("csrf", in: String(buffer: badLink.body)) ?? ""
            let badDate = try await admin.post(
                client, impl, ["csrf": csrf, "status": "in_progress", "progress": "30", "spent": "50000", "date": "2026-02-30"])
            #expect(badDate.status == .badRequest)
            csrf = Browser.field("csrf", in: String(buffer: badDate.body)) ?? ""
            let recorded = try await admin.post(
                client, impl, ["csrf": csrf, "status": "in_progress", "progress": "30", "spent": "50000", "note": "Chantier ouvert",
                               "link": "https://berkane.ma/chantier.jpg", "date": "2026-11-02"])
            #expect(recorded.status == .seeOther)
            let results = String(buffer: try await admin.get(client, "/fr/cycles/\(cycle)/results").body)
            #expect(results.contains("<bdi>Chantier ouvert</bdi> <a href=\"https://berkane.ma/chantier.jpg\""))
            #expect(results.contains("2 novembre 2026"), "the day the milestone was reached, not the day it was recorded")
            let api = String(buffer: try await admin.get(client, "/api/v1/cycles/\(cycle)/implementation-updates").body)
            #expect(api.contains("\"reached_on\":\"2026-11-02\""), "\(api)")
        }
    }

    /// Reloads the staff cycle page until no tally started from it is running. It waits for the
    /// work to end, not for a clock; the bound (ten minutes of reloads) is there only so a tally
    /// that never ends fails the test instead of hanging it.
    static func waitForTally(_ admin: inout Browser, _ client: any TestClientProtocol, _ page: String) async throws {
        for _ in 0..<12_000 {
            if !String(buffer: try await admin.get(client, page).body).contains("Décompte en cours") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the tally is still running")
    }

    @Test func aTallyLongerThanItsRequestRunsOnAndSaysHowFarItGot() async throws {
        var web = WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600)
        web.tallyWait = .milliseconds(200)
        try await Site.with(web) { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try site.cast(12, for: [projects[0]], cycle: cycle, first: 1)
            _ = try site.transaction { try CycleStore.advance(cycle, actor: "test", secrets: .forTests, on: $0) }
            try await site.staffAccount("amina", role: .admin)
            var admin = Browser()
            try await admin.signIn(client, username: "amina", password: "correct horse battery")
            let page = "/fr/staff/cycles/\(cycle)"
            func stored() throws -> Int {
                try site.transaction { try $0.query("SELECT count(*) FROM tallies WHERE cycle_id = \(cycle)").single().decode(Int.self, 0) }
            }

            // Another session holds the cycle's row: the tally waits for it however fast the
            // machine is, so the request is sure to answer before the tally ends.
            let holder = try PostgresConnection.connect(site.configuration)
            try holder.query("BEGIN")
            try holder.query("SELECT 1 FROM cycles WHERE id = \(cycle) FOR UPDATE")
            var csrf = try await admin.csrfField(client, from: page)
            let started = try await admin.post(client, page + "/tally", ["csrf": csrf])
            #expect(started.status == .seeOther)
            #expect(started.headers[.location] == page, "not yet done")
            let running = String(buffer: try await admin.get(client, page).body)
            #expect(running.contains("Décompte en cours, lancé le"), "\(running)")
            #expect(running.contains("par amina"))
            #expect(!running.contains("action=\"\(page)/tally\""), "no second start offered while it runs")
            csrf = try await admin.csrfField(client, from: "/fr/staff")
            let second = try await admin.post(client, page + "/tally", ["csrf": csrf])
            #expect(second.status == .conflict)
            #expect(String(buffer: second.body).contains("déjà en cours"))
            #expect(try stored() == 0)

            try holder.query("COMMIT")
            holder.close()
            try await Self.waitForTally(&admin, client, page)
            #expect(try stored() == 1, "one tally, stored once")
            let done = String(buffer: try await admin.get(client, page).body)
            #expect(done.contains("action=\"\(page)/publish\""))
            let actor = try site.transaction { try $0.query("SELECT actor FROM audit_log WHERE action = 'tally.store'").single().decode(String.self, 0) }
            #expect(actor == "amina")
        }
    }
}

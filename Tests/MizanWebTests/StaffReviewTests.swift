import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

/// The review queue over real HTTP: each decision by the role that may, refused to the role that
/// may not and without the CSRF field, a bad value sent back with what was typed, and the audit
/// entry under the staff member's name.
@Suite("Proposal review in the browser")
struct StaffReviewTests {
    func audit(_ site: Site, _ action: String) throws -> [(actor: String, object: String, details: String)] {
        try site.transaction { connection in
            try connection.query("SELECT actor, object, details FROM audit_log WHERE action = \(action) ORDER BY id").map {
                (try $0.decode(String.self, 0), try $0.decode(String.self, 1), try $0.decode(String.self, 2))
            }
        }
    }

    func status(_ site: Site, _ proposal: Int) throws -> String {
        try site.transaction { try $0.query("SELECT status FROM proposals WHERE id = \(proposal)").single().decode(String.self, 0) }
    }

    @Test func reviewersDecideAuditorsOnlyRead() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            let lamps = try site.submit("Éclairage de la rue 12", cycle: cycle, category: "Voirie")
            let pitch = try site.submit("Terrain de proximité", cycle: cycle, category: "Sport")
            let rude = try site.submit("Texte injurieux", cycle: cycle, category: "Voirie")
            let twin = try site.submit("Éclairage rue 12 (bis)", cycle: cycle, category: "Voirie")
            // The cycle collects supports: two residents support the lighting, none the pitch.
            _ = try await site.withStorage { try await SetSupportPhase(storage: $0).execute(cycle: CycleID(cycle), perPerson: 3, actor: "test") }
            try site.transaction { connection in
                try connection.query("""
                    INSERT INTO proposal_supports (proposal_id, cycle_id, supporter_key)
                    SELECT \(lamps), \(cycle), sha256(('resident-' || g)::bytea) FROM generate_series(1, 2) g
                    """)
            }
            try await site.staffAccount("amina", role: .reviewer)
            try await site.staffAccount("omar", role: .auditor, name: "Omar Auditeur")
            var reviewer = Browser()
            #expect(try await reviewer.signIn(client, username: "amina", password: "correct horse battery").status == .seeOther)
            let queue = "/fr/staff/cycles/\(cycle)/review"

            // In the proposals phase, only hiding is possible; a hiding needs a reason.
            var page = String(buffer: try await reviewer.get(client, queue).body)
            #expect(page.contains("Texte injurieux"))
            #expect(!page.contains("value=\"accept\""), "no acceptance before the review phase")
            var csrf = Browser.field("csrf", in: page) ?? ""
            let noReason = try await reviewer.post(client, "/fr/staff/proposals/\(rude)/review", ["csrf": csrf, "action": "hide", "reason": "  "])
            #expect(noReason.status == .badRequest)
            #expect(String(buffer: noReason.body).contains("Indiquez le motif du masquage"))
            csrf = Browser.field("csrf", in: String(buffer: noReason.body)) ?? ""
            let hidden = try await reviewer.post(client, "/fr/staff/proposals/\(rude)/review", ["csrf": csrf, "action": "hide", "reason": "Propos injurieux"])
            #expect(hidden.status == .seeOther)
            #expect(try status(site, rude) == "hidden")
            #expect(try audit(site, "proposal.hide").map(\.actor) == ["amina"])

            // Shown again, then hidden for good.
            csrf = try await reviewer.csrfField(client, from: queue)
            #expect(try await reviewer.post(client, "/fr/staff/proposals/\(rude)/review", ["csrf": csrf, "action": "unhide"]).status == .seeOther)
            #expect(try status(site, rude) == "submitted")
            #expect(try audit(site, "proposal.unhide").map(\.actor) == ["amina"])
            csrf = try await reviewer.csrfField(client, from: queue)
            #expect(try await reviewer.post(client, "/fr/staff/proposals/\(rude)/review", ["csrf": csrf, "action": "hide", "reason": "Propos injurieux"]).status == .seeOther)

            try site.advance(cycle)  // review
            page = String(buffer: try await reviewer.get(client, queue + "?category=Voirie").body)
            #expect(page.contains("Éclairage de la rue 12"))
            #expect(!page.contains("id=\"proposal-\(pitch)\""), "filtered by category (it stays a merge target)")
            let lampsItem = try #require(page.range(of: "id=\"proposal-\(lamps)\"").map { String(page[$0.upperBound...]) })
                .components(separatedBy: "</article>")[0]
            #expect(lampsItem.contains("Soutiens reçus pendant la phase de soutiens : 2"), "staff see the exact supports in review")
            csrf = Browser.field("csrf", in: page) ?? ""

            // A bad cost comes back with what was typed and the message, in French; nothing stored.
            let badCost = try await reviewer.post(
                client, "/fr/staff/proposals/\(lamps)/review",
                ["csrf": csrf, "action": "accept", "cost": "cent mille", "answer": "Réponse gardée", "category": "Voirie"])
            #expect(badCost.status == .badRequest)
            let again = String(buffer: badCost.body)
            #expect(again.contains("Indiquez le coût officiel en dirhams"))
            #expect(again.contains("value=\"cent mille\""))
            #expect(again.contains(">Réponse gardée</textarea>"))
            #expect(try status(site, lamps) == "submitted")

            // Without the CSRF field: refused, nothing stored.
            let forged = try await reviewer.post(client, "/fr/staff/proposals/\(lamps)/review", ["action": "accept", "cost": "200000"])
            #expect(forged.status == .forbidden)
            #expect(try status(site, lamps) == "submitted")

            csrf = Browser.field("csrf", in: again) ?? ""
            let accepted = try await reviewer.post(
                client, "/fr/staff/proposals/\(lamps)/review",
                ["csrf": csrf, "action": "accept", "cost": "200.000,00", "answer": "Retenu après visite.", "category": "Voirie"])
            #expect(accepted.status == .seeOther)
            let location = accepted.headers[.location] ?? ""
            #expect(location.hasPrefix("/fr/staff/cycles/\(cycle)/review?category=Voirie&done=accept"), "\(location)")
            #expect(try status(site, lamps) == "accepted")
            #expect(try audit(site, "proposal.accept").map { "\($0.actor) \($0.object) \($0.details)" } == ["amina proposal:\(lamps) cost=20000000"])
            let notice = String(buffer: try await reviewer.get(client, location).body)
            #expect(notice.contains("Proposition n° \(lamps) retenue pour le vote."))

            // Reject needs a public answer; merge moves the twin into the accepted one.
            csrf = try await reviewer.csrfField(client, from: queue)
            #expect(try await reviewer.post(client, "/fr/staff/proposals/\(pitch)/review", ["csrf": csrf, "action": "reject", "answer": ""]).status == .badRequest)
            csrf = try await reviewer.csrfField(client, from: queue)
            #expect(try await reviewer.post(client, "/fr/staff/proposals/\(pitch)/review", ["csrf": csrf, "action": "reject", "answer": "Terrain déjà prévu."]).status == .seeOther)
            #expect(try status(site, pitch) == "rejected")
            csrf = try await reviewer.csrfField(client, from: queue)
            #expect(try await reviewer.post(client, "/fr/staff/proposals/\(twin)/review", ["csrf": csrf, "action": "merge", "into": "\(lamps)"]).status == .seeOther)
            #expect(try status(site, twin) == "merged")
            // Its page (and its author's tracking page) says where it went, with a link.
            let merged = String(buffer: try await reviewer.get(client, "/fr/proposals/\(twin)").body)
            #expect(merged.contains("Fusionnée dans la proposition n° \(lamps). <a href=\"/fr/proposals/\(lamps)\">"), "\(merged)")
            csrf = try await reviewer.csrfField(client, from: queue)
            let intoItself = try await reviewer.post(client, "/fr/staff/proposals/\(pitch)/review", ["csrf": csrf, "action": "merge", "into": "\(pitch)"])
            #expect(intoItself.status == .badRequest)

            // The auditor reads the queue but cannot decide, even with a valid form.
            var auditor = Browser()
            #expect(try await auditor.signIn(client, username: "omar", password: "correct horse battery").status == .seeOther)
            let read = try await auditor.get(client, queue)
            #expect(read.status == .ok)
            #expect(!String(buffer: read.body).contains("value=\"reject\""))
            csrf = try await auditor.csrfField(client, from: queue)
            let refused = try await auditor.post(client, "/fr/staff/proposals/\(lamps)/review", ["csrf": csrf, "action": "reject", "answer": "Non."])
            #expect(refused.status == .forbidden)
            #expect(try status(site, lamps) == "accepted")

            // Every language renders the queue, right to left in Arabic.
            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = try await reviewer.get(client, "/\(language)/staff/cycles/\(cycle)/review")
                #expect(other.status == .ok)
                let html = String(buffer: other.body)
                #expect(html.contains("dir=\"\(direction)\""), "\(language)")
                #expect(!html.contains("review_"), "\(language): a catalog key shows instead of its text")
            }
            // Signed out: sent to the login page.
            var stranger = Browser()
            #expect(try await stranger.get(client, queue).status == .seeOther)
        }
    }
}

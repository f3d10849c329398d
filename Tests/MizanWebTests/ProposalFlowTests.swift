import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

@Suite("Proposals over HTTP")
struct ProposalFlowTests {
    @Test func submitWithErrorsThenFixAndTrack() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let form = try await browser.get(client, "/ar/cycles/\(cycle)/propose")
            #expect(form.status == .ok)
            let html = String(buffer: form.body)
            #expect(html.contains("dir=\"rtl\""))
            let csrf = try #require(Browser.field("csrf", in: html))

            // Errors come back next to the fields, in Arabic, with what was typed kept.
            let typed = "مكتبة الحي <b>الجديدة</b>"
            let wrong = try await browser.post(client, "/ar/cycles/\(cycle)/propose", [
                "csrf": csrf, "title": "ab", "description": typed, "category": "culture", "cost": "كثير",
            ])
            #expect(wrong.status == .unprocessableContent)
            let again = String(buffer: wrong.body)
            #expect(again.contains("يجب أن يتراوح العنوان بين 3 و200 حرف."))
            #expect(again.contains("أدخل مبلغاً بالدرهم"))
            #expect(again.contains("مكتبة الحي &lt;b&gt;الجديدة&lt;/b&gt;"), "what was typed is kept, escaped")
            #expect(again.contains("<option value=\"culture\" selected>"))
            #expect(again.contains("aria-invalid=\"true\""))
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 0)

            let done = try await browser.post(client, "/ar/cycles/\(cycle)/propose", [
                "csrf": csrf, "title": "المكتبة العمومية للحي", "description": typed, "category": "culture", "cost": "120.000",
                "location": "قرب المدرسة",
            ])
            #expect(done.status == .seeOther)
            let location = try #require(done.headers[.location])
            #expect(location.hasPrefix("/ar/track/"))
            let tracking = String(buffer: try await browser.get(client, location).body)
            #expect(tracking.contains("المكتبة العمومية للحي"))
            #expect(tracking.contains("120.000,00\u{00A0}درهم"))
            #expect(tracking.contains("في انتظار الدراسة"))

            let stored = try site.transaction { try $0.query("SELECT title, estimated_cost_centimes, language, tracking_token_hash IS NOT NULL FROM proposals").single() }
            #expect(try stored.decode(Int64.self, 1) == 12_000_000)
            #expect(try stored.decode(String.self, 2) == "ar")
            #expect(try stored.decode(Bool.self, 3))
            let token = String(location.dropFirst("/ar/track/".count).prefix { $0 != "?" })
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals WHERE tracking_token_hash::text LIKE '%' || \(token) || '%'").single().decode(Int.self, 0) } == 0, "only the hash of the token is stored")
        }
    }

    @Test func aMissingOrForgedCSRFTokenIsRefused() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            _ = try await browser.get(client, "/fr/cycles/\(cycle)/propose")
            let fields = ["title": "Parc", "category": "green", "cost": "1000"]
            let missing = try await browser.post(client, "/fr/cycles/\(cycle)/propose", fields)
            #expect(missing.status == .forbidden)
            #expect(String(buffer: missing.body).contains("Formulaire expiré"))
            var forged = fields
            forged["csrf"] = "AAAA"
            #expect(try await browser.post(client, "/fr/cycles/\(cycle)/propose", forged).status == .forbidden)
            var stranger = Browser()
            let html = String(buffer: try await stranger.get(client, "/fr/cycles/\(cycle)/propose").body)
            var other = fields
            other["csrf"] = Browser.field("csrf", in: html)
            #expect(try await browser.post(client, "/fr/cycles/\(cycle)/propose", other).status == .forbidden, "another visitor's token does not fit this cookie")
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 0)
        }
    }

    @Test func proposalsOutsideTheirPhaseAreRefused() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try site.transaction { connection in
                try connection.query("INSERT INTO proposals (commune_id, cycle_id, title, description, category, estimated_cost_centimes) SELECT commune_id, id, 'Parc', '', 'green', 100 FROM cycles")
                _ = try CycleStore.advance(cycle, actor: "test", on: connection)
            }
            var browser = Browser()
            let form = try await browser.get(client, "/en/cycles/\(cycle)/propose")
            #expect(form.status == .conflict)
            #expect(String(buffer: form.body).contains("Proposals are not open"))
            let csrf = Browser.field("csrf", in: String(buffer: form.body))
            #expect(csrf == nil, "no form is offered")
        }
    }

    @Test func searchFindsArabicSpellingVariantsAndFrench() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try site.transaction { connection in
                for (title, category) in [("إنارة الشارع الرئيسي", "lighting"), ("Réfection des trottoirs du quartier", "roads"), ("Bibliothèque municipale", "culture")] {
                    _ = try ProposalStore.submit(
                        NewProposal(title: title, description: "", category: category, district: nil, location: nil, estimatedCost: "1000", language: "fr"),
                        cycleID: cycle, trackingTokenHash: nil, actor: "test", on: connection)
                }
            }
            var browser = Browser()
            // Typed without the hamza: still found.
            let arabic = String(buffer: try await browser.get(client, "/ar/cycles/\(cycle)/proposals?q=%D8%A7%D9%86%D8%A7%D8%B1%D8%A9").body)
            #expect(arabic.contains("إنارة الشارع الرئيسي"))
            #expect(!arabic.contains("Bibliothèque"))
            let french = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/proposals?q=trottoir").body)
            #expect(french.contains("Réfection des trottoirs"), "French stemming finds the plural")
            let filtered = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/proposals?category=culture").body)
            #expect(filtered.contains("Bibliothèque municipale"))
            #expect(!filtered.contains("Réfection des trottoirs"))
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
import Testing

/// The supports phase over real HTTP: residents support proposals with a plain form, once each
/// and within the cycle's limit; bad input comes back as typed; no counts while the phase runs,
/// and counts under 10 never shown after it.
@Suite("Supports over HTTP")
struct SupportFlowTests {
    let residents = PetitionFixtures.residents(14)

    /// A cycle taking proposals with a supports phase of 2 per person and three proposals.
    func prepared(_ site: Site) async throws -> (cycle: Int, proposals: [Int]) {
        let cycle = try site.transaction { try PetitionFixtures.seedRegistry(residents: residents, secrets: .forTests, on: $0) }
        var proposals: [Int] = []
        try await site.withStorage { storage in
            _ = try await SetSupportPhase(storage: storage).execute(cycle: cycle, perPerson: 2, actor: "admin")
            _ = try await AdvanceCycle(storage: storage).execute(cycle, actor: "admin")
            for title in ["Trottoirs de la rue 3", "Éclairage du parc", "Aire de jeux"] {
                let proposal = try NewProposal(
                    title: title, description: "", category: "roads", district: nil, location: nil, estimatedCost: "100000", language: "fr")
                proposals.append(try await SubmitProposal(storage: storage).execute(proposal, cycle: cycle, trackingTokenHash: nil, actor: "web").id)
            }
        }
        return (cycle.rawValue, proposals)
    }

    func post(_ client: any TestClientProtocol, _ browser: inout Browser, _ cycle: Int, _ body: String) async throws -> TestResponse {
        let response = try await client.execute(
            uri: "/fr/cycles/\(cycle)/supports", method: .post,
            headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
        browser.remember(response)
        return response
    }

    @Test func residentsSupportWithinTheLimitAndCountsWaitForTheEndOfThePhase() async throws {
        try await Site.with { client, site in
            let (cycle, proposals) = try await prepared(site)
            var browser = Browser()
            let cyclePage = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)").body)
            #expect(cyclePage.contains("<a href=\"/fr/cycles/\(cycle)/supports\">Soutenir des propositions</a>"))
            let form = try await browser.get(client, "/ar/cycles/\(cycle)/supports")
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains("dir=\"rtl\"") && String(buffer: form.body).contains("دعم المقترحات"))
            let csrf = try #require(Browser.field("csrf", in: String(buffer: form.body)))
            // Three at once is over the limit of 2: nothing recorded, the choice and the ID kept.
            let over = try await post(client, &browser, cycle,
                "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01&proposal=\(proposals[0])&proposal=\(proposals[1])&proposal=\(proposals[2])")
            #expect(over.status == .unprocessableContent)
            let overPage = String(buffer: over.body)
            #expect(overPage.contains("vous pouvez encore soutenir 2 proposition(s)"))
            #expect(overPage.contains("value=\"\(proposals[2])\" checked") && overPage.contains("value=\"\(residents[1])\""))
            // Nothing ticked, or a value no checkbox has.
            #expect(try await post(client, &browser, cycle, "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01").status == .unprocessableContent)
            #expect(try await post(client, &browser, cycle, "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01&proposal=abc").status == .unprocessableContent)
            #expect(try await post(client, &browser, cycle, "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01&proposal=999999").status == .unprocessableContent)
            // Without the CSRF token: refused.
            #expect(try await post(client, &browser, cycle, "csrf=forged&national_id=\(residents[1])&birth_date=1990-01-01&proposal=\(proposals[0])").status == .forbidden)
            let supported = try await post(client, &browser, cycle,
                "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01&proposal=\(proposals[0])&proposal=\(proposals[1])")
            #expect(supported.status == .seeOther)
            #expect(supported.headers[.location] == "/fr/cycles/\(cycle)/supports?done=0")
            let again = try await post(client, &browser, cycle, "csrf=\(csrf)&national_id=\(residents[1])&birth_date=1990-01-01&proposal=\(proposals[2])")
            #expect(again.status == .unprocessableContent)
            // While the phase runs, nobody sees the counts.
            let running = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/supports").body)
            #expect(!running.contains("Soutiens reçus"))

            // Ten more residents support the first proposal; then review begins.
            try await site.withStorage { storage in
                let support = SupportProposals(storage: storage, secrets: .forTests)
                for resident in residents[2...11] {
                    let who = VoterCredential.typed(nationalID: resident, birthDate: PetitionFixtures.birthDate, code: "")
                    _ = try await support.execute([ProposalID(proposals[0])], cycle: CycleID(cycle), supporter: who, client: "198.51.100.20")
                }
                _ = try await AdvanceCycle(storage: storage).execute(CycleID(cycle), actor: "admin")
            }
            let closed = try await post(client, &browser, cycle, "csrf=\(csrf)&national_id=\(residents[12])&birth_date=1990-01-01&proposal=\(proposals[0])")
            #expect(closed.status == .conflict)
            let after = String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/supports").body)
            #expect(after.contains("Soutiens reçus"))
            #expect(after.contains("<bdi>Trottoirs de la rue 3</bdi></a></td><td>11</td>"))
            #expect(after.contains("<bdi>Éclairage du parc</bdi></a></td><td>moins de 10</td>"))
            for resident in residents { #expect(!after.contains(resident)) }
            // A cycle without a supports phase has no such page.
            #expect(try await browser.get(client, "/fr/cycles/999999/supports").status == .notFound)
        }
    }
}

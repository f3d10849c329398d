import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing

@Suite("Demo data")
struct DemoTests {
    @Test func aNewcomerCanVoteInTheDemoAtOnce() async throws {
        try await Site.with { client, site in
            let first = try site.transaction { try DemoSeed.seed(secrets: .forTests, on: $0) }
            let second = try site.transaction { try DemoSeed.seed(secrets: .forTests, on: $0) }
            #expect(first.created)
            #expect(!second.created)
            #expect(first.cycleID == second.cycleID)
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 20)

            let page = String(buffer: try await client.execute(uri: "/ar/cycles/\(first.cycleID)", method: .get).body)
            #expect(page.contains("/ar/cycles/\(first.cycleID)/vote"))
            var browser = Browser()
            let voter = DemoSeed.voters[0]
            let ballot = try await browser.becomeVoter(client, cycle: first.cycleID, id: voter.0, birthDate: voter.1)
            #expect(ballot.status == .ok)
            #expect(String(buffer: ballot.body).contains("إنارة حي السلام بالطاقة الشمسية"))
            var withCode = Browser()
            #expect(try await withCode.becomeVoter(client, cycle: first.cycleID, code: second.codes[0].printed).status == .ok)
        }
    }

    @Test func theDemoHasASecondCommuneWithPublishedResults() async throws {
        try await Site.with { client, site in
            let first = try site.transaction { try DemoSeed.seedPublished(on: $0) }
            let second = try site.transaction { try DemoSeed.seedPublished(on: $0) }
            #expect(first.created)
            #expect(!second.created)
            #expect(first.cycleID == second.cycleID)
            let counts = try site.transaction { connection in
                try connection.query("""
                    SELECT (SELECT count(*) FROM ballots WHERE cycle_id = \(first.cycleID)),
                           (SELECT count(*) FROM tallies WHERE cycle_id = \(first.cycleID) AND published_at IS NOT NULL),
                           (SELECT phase FROM cycles WHERE id = \(first.cycleID)),
                           (SELECT count(*) FROM cycles WHERE title = \(DemoSeed.publishedCycleTitle))
                    """).single()
            }
            #expect(try counts.decode(Int.self, 0) == DemoSeed.publishedBallots)
            #expect(try counts.decode(Int.self, 1) == 1)
            #expect(try counts.decode(String.self, 2) == "published")
            #expect(try counts.decode(Int.self, 3) == 1)

            let response = try await client.execute(uri: "/fr/cycles/\(first.cycleID)/results", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("Oujda"))
            let funded = page.components(separatedBy: "<ol class=\"funded\">").dropFirst().first?.components(separatedBy: "</ol>").first ?? ""
            #expect(funded.contains("Réhabilitation du parc Lalla Aïcha"))
            #expect(funded.components(separatedBy: "<li>").count - 1 >= 3)
            #expect(first.sampleReceipt != nil)
        }
    }
}

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
}

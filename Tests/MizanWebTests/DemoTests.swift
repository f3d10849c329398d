import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver
import MizanDemo

@Suite("Demo data")
struct DemoTests {
    @Test func aNewcomerCanVoteInTheDemoAtOnce() async throws {
        try await Site.with { client, site in
            let (first, second) = try await site.withStorage { storage in
                (try await DemoSeed.seed(secrets: .forTests, storage: storage), try await DemoSeed.seed(secrets: .forTests, storage: storage))
            }
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
            let (first, second) = try await site.withStorage { storage in
                (try await DemoSeed.seedPublished(storage: storage), try await DemoSeed.seedPublished(storage: storage))
            }
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
            #expect(funded.contains("Travaux en cours : 60 % réalisé"))
            #expect(funded.contains("Appel d&#39;offres en cours") || funded.contains("Appel d&#x27;offres en cours"))
            #expect(first.sampleReceipt != nil)
        }
    }

    @Test func checkMyBallotShowsThePublishedLineOnceResultsArePublished() async throws {
        try await Site.with { client, site in
            let demo = try await site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            // The published anonymised set, as `mizan export --format pb` writes it.
            let (file, receipt, titles) = try site.transaction { connection -> (String, String, [Int: String]) in
                let cycle = try CycleStore.require(demo.cycleID, on: connection)
                var bytes: [UInt8] = []
                try CanonicalBallots.write(cycle: cycle, scope: TallyScope.all(for: cycle, on: connection)[0], on: connection) {
                    bytes.append(contentsOf: $0)
                }
                let receipt = try connection.query("""
                    SELECT receipt_code FROM ballots WHERE cycle_id = \(demo.cycleID) ORDER BY receipt_code OFFSET 41 LIMIT 1
                    """).single().decode(String.self, 0)
                let titles = Dictionary(uniqueKeysWithValues: try connection.query("SELECT id, title FROM proposals WHERE cycle_id = \(demo.cycleID)")
                    .map { (try $0.decode(Int.self, 0), try $0.decode(String.self, 1)) })
                return (String(decoding: bytes, as: UTF8.self), receipt, titles)
            }
            let line = try #require(file.split(separator: "\n").first { $0.contains(";\(receipt);") })
            #expect(line.hasPrefix("42;"))
            var browser = Browser()
            let form = String(buffer: try await browser.get(client, "/fr/receipts").body)
            let response = try await browser.post(client, "/fr/receipts", ["csrf": Browser.field("csrf", in: form)!, "code": receipt])
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains("Ce bulletin est le n° 42 du fichier publié ballots.pb."))
            #expect(page.contains("<code>\(line)</code>"))
            for id in line.split(separator: ";")[1].split(separator: ",") {
                let title = try #require(titles[Int(id)!])
                #expect(page.contains("projet \(id)</span> \(title.replacingOccurrences(of: "'", with: "&#39;"))"), "\(title)")
            }
            let published = try site.transaction {
                try $0.query("SELECT pb_sha256 FROM tallies WHERE cycle_id = \(demo.cycleID) AND published_at IS NOT NULL").single().decode(String.self, 0)
            }
            #expect(page.contains(published))
            #expect(page.contains("/fr/cycles/\(demo.cycleID)/results"))
            #expect(!page.contains("Ce bulletin est enregistré et sera compté."))

            let arabic = String(buffer: try await browser.post(client, "/ar/receipts", ["csrf": Browser.field("csrf", in: form)!, "code": receipt]).body)
            #expect(arabic.contains("هذه الورقة تحمل الرقم 42 في الملف المنشور ballots.pb."))
        }
    }
}



import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PBEngine
import Testing

/// What voters are told of a cycle's thresholds and equalshares.net options before they vote.
@Suite("Counting options on the cycle page")
struct CountingNotesTests {
    @Test func theCyclePageStatesTheThresholdsInEachLanguage() async throws {
        try await Site.with { client, site in
            let options = CountingOptions(
                equalShares: EqualSharesNetOptions(completion: .add1, comparison: .satisfaction),
                thresholds: Eligibility(minimumScore: 50, minimumVoterShare: Rational(1, 10), shareOfDistrict: true, fundNextAtShare: Rational(4, 5)))
            let id = try site.transaction { connection in
                try CycleStore.create(
                    NewCycle(
                        communeCode: GeoCode(parsing: "02.113.01.09"), year: 2027, title: "Budget vert", budget: .dirhams(1_000_000),
                        ballot: .approval(minimum: 1, maximum: 3), rule: .equalshares, tieBreak: .lexicographic, options: options),
                    actor: "test", on: connection
                ).id
            }
            let french = String(buffer: try await client.execute(uri: "/fr/cycles/\(id)", method: .get).body)
            #expect(french.contains("au moins 50 voix"), "\(french)")
            #expect(french.contains("au moins 10\u{00A0}% des votants de son quartier"))
            #expect(french.contains("au moins 80\u{00A0}% de son coût"))
            #expect(french.contains("equalshares/add1?comparison=satisfaction"))
            #expect(french.contains("figées à l&#39;ouverture du vote") || french.contains("figées à l'ouverture du vote"))
            #expect(french.contains("Méthode des parts égales, telle que la calcule equalshares.net"))
            for language in ["ar", "en", "zgh"] {
                let page = try await client.execute(uri: "/\(language)/cycles/\(id)", method: .get)
                #expect(page.status == .ok)
                let body = String(buffer: page.body)
                #expect(body.contains("80\u{00A0}%"), "\(language)")
                #expect(!body.contains("count_"), "\(language): a catalog key shows instead of its text")
            }
            // A cycle without options says nothing of thresholds.
            let plain = try site.cycleTakingProposals(title: "Sans seuils")
            let plainPage = String(buffer: try await client.execute(uri: "/fr/cycles/\(plain)", method: .get).body)
            #expect(!plainPage.contains("Seuils et options du décompte"))
        }
    }
}

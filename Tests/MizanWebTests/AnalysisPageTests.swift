import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

/// The staff analysis page on a cycle small enough to work out by hand: a 1,000,000 MAD budget,
/// projects A = 200,000, B = 300,000 and C = 600,000 MAD; 30 ballots for C alone and 20 for A and
/// B together; equal shares, ties to the smaller number.
///
/// - Greedy, equal shares and Phragmén fund A and C (800,000 spent): C first (cheapest per
///   supporter, or most votes), then A before B on the tie, and B no longer fits.
/// - The optimal knapsack (supporters × cost) funds B and C: 20·300k + 30·600k = 24M beats
///   20·200k + 30·600k = 22M, and 900,000 fits.
/// - Every voter has a funded project; the average share of a voter's supported cost that is
///   funded is (30·1 + 20·200/500)/50 = 76 % for A+C and (30 + 20·300/500)/50 = 84 % for B+C.
/// - With 10 % more budget B fits too. B is funded at a cost 34 % lower (198,000 ≤ the 200,000
///   its supporters still hold) and not at 33 % (201,000).
@Suite("The staff analysis page")
struct AnalysisPageTests {
    static func seed(_ site: Site) throws -> (cycle: Int, projects: [Int]) {
        let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        try site.transaction { connection in
            for (first, count, choice) in [(1, 30, [projects[2]]), (100, 20, [projects[0], projects[1]])] {
                try connection.query("""
                    SELECT seed_ballot(y.id, y.commune_id, sha256(('analysis-voter-' || g)::bytea), 'code', NULL,
                                       sha256(('analysis-pseudonym-' || g)::bytea), 'ANLY-' || lpad(g::text, 4, '0') || '-AAAA',
                                       \(choice)::int[], array_fill(1, ARRAY[\(choice.count)::int]))
                    FROM cycles y, generate_series(\(first)::int, \(first + count - 1)::int) g WHERE y.id = \(cycle)
                    """)
            }
        }
        return (cycle, projects)
    }

    func section(_ id: String, in html: String) throws -> String {
        let start = try #require(html.range(of: "<section class=\"dashboard\" id=\"\(id)\""))
        return String(html[start.lowerBound...]).components(separatedBy: "</section>")[0]
    }

    /// The table row whose header cell contains `label`.
    func row(_ label: String, in section: String) throws -> String {
        let start = try #require(section.range(of: "<tr><th scope=\"row\"><bdi>\(label)"))
        return String(section[start.lowerBound...]).components(separatedBy: "</tr>")[0]
    }

    @Test func comparesRulesTriesBudgetsAndFindsTheMarginalProject() async throws {
        try await Site.with { client, site in
            let (cycle, projects) = try Self.seed(site)
            let page = "/fr/staff/cycles/\(cycle)/analysis"

            #expect(try await client.execute(uri: page, method: .get).status == .seeOther, "staff only")
            try await site.staffAccount("auditeur", role: .auditor)
            var staff = Browser()
            #expect(try await staff.signIn(client, username: "auditeur", password: "correct horse battery").status == .seeOther)

            var response = try await staff.get(client, page)
            #expect(response.status == .conflict, "voting is still open: nothing to show")
            #expect(String(buffer: response.body).contains("Analyse pas encore disponible"))
            #expect(!String(buffer: response.body).contains("800.000,00"))

            try site.transaction { _ = try CycleStore.advance(cycle, actor: "test", on: $0) }
            // The analysis is computed off the request threads and the marginal projects apart from
            // the rest: until they are known the page says so (202 "being computed", or a notice),
            // and a reload shows them. Reload until they are there, however long a busy machine
            // takes; the bound only ends a computation that never finishes.
            response = try await staff.get(client, page)
            let giveUp = ContinuousClock.now + .seconds(600)
            while response.status == .accepted || String(buffer: response.body).contains("encore en cours de calcul"),
                ContinuousClock.now < giveUp
            {
                try await Task.sleep(for: .milliseconds(100))
                response = try await staff.get(client, page)
            }
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let html = String(buffer: response.body)

            let rules = try section("all-rules", in: html)
            #expect(rules.contains("Parts égales — règle du cycle"))
            let spent = try row("Budget dépensé", in: rules)
            #expect(spent.components(separatedBy: "800.000,00\u{00A0}MAD").count - 1 == 3, "greedy, equal shares and Phragmén")
            #expect(spent.contains("900.000,00\u{00A0}MAD"), "the optimal knapsack")
            #expect(try row("Votants ayant au moins", in: rules).components(separatedBy: "100,0\u{00A0}%").count - 1 == 4)
            let costShare = try row("Part moyenne", in: rules)
            #expect(costShare.components(separatedBy: "76,0\u{00A0}%").count - 1 == 3)
            #expect(costShare.contains("84,0\u{00A0}%"))
            #expect(rules.contains("<svg role=\"img\" aria-labelledby=\"chart-all-rules\""))

            let differences = try section("all-differences", in: html)
            #expect(differences.contains("#\(projects[0]) Éclairage de la rue 12"))
            #expect(differences.contains("#\(projects[1]) Terrain de proximité"))
            #expect(!differences.contains("Bibliothèque"), "every rule funds C")
            #expect(differences.contains("Financé dans le meilleur ensemble"), "the optimum's reason")

            let whatIf = try section("all-what-if", in: html)
            let plusTen = try row("Budget +10 %", in: whatIf)
            #expect(plusTen.contains("1.100.000,00\u{00A0}MAD"))
            #expect(plusTen.contains("Terrain de proximité"), "B is gained with 10 % more")
            #expect(try row("Budget −20 %", in: whatIf).contains("800.000,00\u{00A0}MAD"))

            let marginal = try row("#\(projects[1]) Terrain", in: try section("all-marginal", in: html))
            #expect(marginal.contains("<td>34 %</td>"))

            // The same numbers as a file.
            let csv = try await staff.get(client, "\(page)/all-rules.csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(String(buffer: csv.body).contains("84.0"))
            #expect(try await staff.get(client, "\(page)/nothing.csv").status == .notFound)

            // Another budget: refused without the form's CSRF field, computed with it.
            #expect(try await staff.get(client, "\(page)?budget=1100000").status == .forbidden)
            let csrf = try #require(Browser.field("csrf", in: html))
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let tried = try await staff.get(client, "\(page)?budget=1100000&csrf=\(csrf.addingPercentEncoding(withAllowedCharacters: allowed)!)")
            #expect(tried.status == .ok)
            let changed = try row("Budget saisi", in: try section("all-what-if", in: String(buffer: tried.body)))
            #expect(changed.contains("Terrain de proximité"))

            // A mistyped amount: the message, and what was typed kept.
            let mistyped = String(buffer: try await staff.get(client, "\(page)?budget=12abc").body)
            #expect(mistyped.contains("« 12abc » n&#39;est pas un montant"))
            #expect(mistyped.contains("value=\"12abc\""))

            // Right to left in Arabic.
            let arabic = String(buffer: try await staff.get(client, "/ar/staff/cycles/\(cycle)/analysis").body)
            #expect(arabic.contains("dir=\"rtl\""))
            #expect(arabic.contains("الحصص المتساوية"))
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

/// Three cycles in the province of Berkane: Berkane's published (three projects, 40 registered,
/// 9 ballots, two funded with updates), a smaller published one elsewhere with more ballots than
/// registry entries, and one still taking proposals.
struct OverviewSeed {
    let berkane: Int
    let berkaneProjects: [Int]
    let small: Int
    let smallCommune: String
    let open: Int
    let openCommune: String

    static func make(_ site: Site) throws -> OverviewSeed {
        let (berkane, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        try site.transaction { connection in
            for (project, category) in zip(projects, ["lighting", "sport", "culture"]) {
                try connection.query("UPDATE proposals SET category = \(category) WHERE id = \(project)")
            }
        }
        try site.register(38, cycle: berkane, seed: "berkane")
        try site.cast(5, for: [projects[0], projects[1]], cycle: berkane, first: 1)
        try site.cast(3, for: [projects[2]], cycle: berkane, first: 100)
        try site.cast(1, for: [projects[1], projects[2]], cycle: berkane, first: 200)
        try site.tally(berkane)
        try site.publish(berkane)
        // The lighting is completed (the later update counts), the pitch is under way.
        try site.recordUpdates([
            (projects[0], "in_progress", 40, 5_000_000, 1), (projects[0], "completed", 100, 19_000_000, 5),
            (projects[1], "in_progress", 40, 8_000_000, 2),
        ])

        let others = try site.transaction { connection in
            try connection.query("""
                SELECT c.code FROM communes c JOIN provinces p ON p.id = c.province_id
                WHERE p.code = '02.113' AND c.code <> '02.113.01.09' ORDER BY c.code COLLATE "C" LIMIT 2
                """).map { try $0.decode(String.self, 0) }
        }
        let small = try site.cycle(commune: others[0], title: "Petit budget 2026", budget: 500_000)
        let water = try site.submit("Adduction d'eau du douar", cycle: small, category: "water", cost: "150000")
        let road = try site.submit("Piste rurale vers l'école", cycle: small, category: "roads", cost: "250000")
        try site.advance(small)
        try site.review(water, .accept(cost: .dirhams(150_000), answer: nil))
        try site.review(road, .accept(cost: .dirhams(250_000), answer: nil))
        try site.register(10, cycle: small, seed: "small")
        try site.advance(small)
        try site.cast(4, for: [water], cycle: small, first: 1000)
        try site.cast(7, for: [water, road], cycle: small, first: 1050)
        try site.tally(small)
        try site.publish(small)

        let open = try site.cycle(commune: others[1], title: "Budget en préparation 2026")
        _ = try site.submit("Proposition du douar voisin", cycle: open)
        return OverviewSeed(
            berkane: berkane, berkaneProjects: projects, small: small, smallCommune: others[0], open: open, openCommune: others[1])
    }
}

/// What the database says about a published cycle, computed directly in SQL.
struct ExpectedFigures {
    let perInhabitant: Money
    let ballots: Int
    let registered: Int
    let funded: Int
    let fundedCost: Money
    let completed: Int
    let averageProgress: String
    let spent: Money

    static func of(_ cycle: Int, _ site: Site) throws -> ExpectedFigures {
        try site.transaction { connection in
            let row = try connection.query("""
                WITH funded AS (
                    SELECT tp.proposal_id, tp.cost_centimes FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                    WHERE t.cycle_id = \(cycle) AND t.published_at IS NOT NULL AND tp.funded
                ), latest AS (
                    SELECT f.proposal_id, f.cost_centimes,
                           (SELECT i.status FROM implementation_updates i WHERE i.proposal_id = f.proposal_id ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) AS status,
                           (SELECT i.progress_percent FROM implementation_updates i WHERE i.proposal_id = f.proposal_id ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) AS percent,
                           (SELECT i.spent_centimes FROM implementation_updates i WHERE i.proposal_id = f.proposal_id ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) AS spent
                    FROM funded f
                )
                SELECT round(y.budget_centimes::numeric / c.population)::bigint,
                       (SELECT sum(voters) FROM tallies WHERE cycle_id = y.id AND published_at IS NOT NULL)::int,
                       (SELECT count(*) FROM registry_entries WHERE cycle_id = y.id)::int,
                       (SELECT count(*) FROM latest)::int, (SELECT coalesce(sum(cost_centimes), 0) FROM latest)::bigint,
                       (SELECT count(*) FROM latest WHERE status = 'completed')::int,
                       (SELECT to_char(round(avg(coalesce(percent, 0)), 1), 'FM990.0') FROM latest),
                       (SELECT coalesce(sum(spent), 0) FROM latest)::bigint
                FROM cycles y JOIN communes c ON c.id = y.commune_id WHERE y.id = \(cycle)
                """).single()
            return ExpectedFigures(
                perInhabitant: Money(centimes: try row.decode(Int64.self, 0)), ballots: try row.decode(Int.self, 1),
                registered: try row.decode(Int.self, 2), funded: try row.decode(Int.self, 3),
                fundedCost: Money(centimes: try row.decode(Int64.self, 4)), completed: try row.decode(Int.self, 5),
                averageProgress: try row.decode(String.self, 6), spent: Money(centimes: try row.decode(Int64.self, 7)))
        }
    }
}

@Suite("The regional overview")
struct RegionalOverviewTests {
    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(uri: uri, method: .get)
        return (response.status, String(buffer: response.body))
    }

    /// Column positions in the table.
    enum Column: Int { case commune, population, cycle, phase, perInhabitant, turnout, funded, fundedCost, completed, progress, spent }

    @Test func figuresEqualTheDatabaseAndUnpublishedCyclesShowOnlyTheirPhase() async throws {
        try await Site.with { client, site in
            let seed = try OverviewSeed.make(site)
            let (status, html) = try await get(client, "/fr/regions/02/overview")
            #expect(status == .ok)
            let rows = HTMLTable.rows(of: "results overview", in: html)
            let expectedRows = try site.transaction { connection in
                try connection.query("""
                    SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id
                    LEFT JOIN cycles y ON y.commune_id = c.id WHERE r.code = '02'
                    """).single().decode(Int.self, 0)
            }
            #expect(rows.count == expectedRows)
            #expect(rows.allSatisfy { $0.count == 11 })

            let berkane = try #require(rows.first { $0[Column.cycle.rawValue].contains("Budget participatif 2026") })
            let expected = try ExpectedFigures.of(seed.berkane, site)
            #expect(expected.ballots == 9 && expected.registered == 40 && expected.funded == 2 && expected.completed == 1)
            #expect(berkane[Column.perInhabitant.rawValue] == expected.perInhabitant.formatted().replacingOccurrences(of: " ", with: "\u{00A0}"))
            let turnout = String(format: "%.1f", Double(expected.ballots) * 100 / Double(expected.registered)).replacingOccurrences(of: ".", with: ",")
            #expect(berkane[Column.turnout.rawValue] == "\(turnout)\u{00A0}%")
            #expect(berkane[Column.funded.rawValue] == "\(expected.funded)")
            #expect(berkane[Column.fundedCost.rawValue] == expected.fundedCost.formatted().replacingOccurrences(of: " ", with: "\u{00A0}"))
            #expect(berkane[Column.completed.rawValue] == "\(expected.completed) sur \(expected.funded)")
            #expect(berkane[Column.progress.rawValue] == expected.averageProgress.replacingOccurrences(of: ".", with: ",") + "\u{00A0}%")
            #expect(berkane[Column.spent.rawValue] == expected.spent.formatted().replacingOccurrences(of: " ", with: "\u{00A0}"))
            #expect(berkane[Column.phase.rawValue] == "résultats publiés")
            #expect(berkane[Column.progress.rawValue] == "70,0\u{00A0}%", "(100 + 40) / 2")

            // More ballots than registry entries: the count, not a share.
            let small = try #require(rows.first { $0[Column.cycle.rawValue].contains("Petit budget 2026") })
            let smallExpected = try ExpectedFigures.of(seed.small, site)
            #expect(smallExpected.ballots == 11 && smallExpected.registered == 10)
            #expect(small[Column.turnout.rawValue] == "11 bulletins")
            #expect(small[Column.perInhabitant.rawValue] == smallExpected.perInhabitant.formatted().replacingOccurrences(of: " ", with: "\u{00A0}"))
            #expect(small[Column.progress.rawValue] == "0,0\u{00A0}%", "no update yet")

            let open = try #require(rows.first { $0[Column.cycle.rawValue].contains("Budget en préparation 2026") })
            #expect(open[Column.phase.rawValue] == "dépôt des propositions")
            for column in [Column.perInhabitant, .turnout, .funded, .fundedCost, .completed, .progress, .spent] {
                #expect(open[column.rawValue] == "—", "\(column)")
            }
            #expect(rows.contains { $0[Column.cycle.rawValue] == "aucun budget participatif" })

            // Funded projects by category.
            let categories = HTMLTable.rows(of: "results categories", in: html)
            let berkaneName = try #require(berkane.first)
            #expect(categories.filter { $0.first == berkaneName }.map { Array($0.dropFirst(2)) } == [
                ["Éclairage public", "1", "200.000,00\u{00A0}MAD"], ["Sport et jeunesse", "1", "300.000,00\u{00A0}MAD"],
            ], "the library (culture) was not funded")
            let smallCategories = try site.transaction { connection in
                try connection.query("""
                    SELECT p.category, count(*), sum(tp.cost_centimes) FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                    JOIN proposals p ON p.id = tp.proposal_id WHERE t.cycle_id = \(seed.small) AND tp.funded AND t.published_at IS NOT NULL
                    GROUP BY p.category ORDER BY p.category
                    """).map { try [$0.decode(String.self, 0), $0.decode(String.self, 1), Money(centimes: $0.decode(Int64.self, 2)).formatted().replacingOccurrences(of: " ", with: "\u{00A0}")] }
            }
            let labels = ["roads": "Voirie et trottoirs", "water": "Eau et assainissement"]
            #expect(categories.filter { $0[1].contains("Petit budget") }.map { Array($0.dropFirst(2)) }
                == smallCategories.map { [labels[$0[0]] ?? $0[0], $0[1], $0[2]] })
            #expect(!smallCategories.isEmpty)

            // The chart: one bar per published cycle, labelled, with its text alternative.
            #expect(html.components(separatedBy: "<rect class=\"bar").count - 1 == 2)
            #expect(html.contains("<title id=\"overview-chart-title\">Diagramme en barres du budget par habitant : "))
            #expect(html.contains(expected.perInhabitant.formatted().replacingOccurrences(of: " ", with: "\u{00A0}")))
            #expect(!html.contains("<script"))
        }
    }

    @Test func columnsSortThroughLinksAndTheCSVMatchesTheTable() async throws {
        try await Site.with { client, site in
            let seed = try OverviewSeed.make(site)
            var (status, html) = try await get(client, "/fr/provinces/02.113/overview?sort=per_inhabitant&order=desc")
            #expect(status == .ok)
            #expect(html.components(separatedBy: "aria-sort=").count - 1 == 1)
            #expect(html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/fr/provinces/02.113/overview?sort=per_inhabitant&amp;order=asc\">"))
            #expect(html.contains("href=\"/fr/provinces/02.113/overview?sort=turnout&amp;order=asc\""))
            var rows = HTMLTable.rows(of: "results overview", in: html)
            let berkane = try ExpectedFigures.of(seed.berkane, site)
            let small = try ExpectedFigures.of(seed.small, site)
            let descending = [berkane.perInhabitant, small.perInhabitant].sorted { $0 > $1 }.map { $0.formatted().replacingOccurrences(of: " ", with: "\u{00A0}") }
            #expect(rows.prefix(2).map { $0[Column.perInhabitant.rawValue] } == descending)
            #expect(rows.dropFirst(2).allSatisfy { $0[Column.perInhabitant.rawValue] == "—" }, "lines without figures go last")
            let communes = try site.transaction {
                try $0.query("SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id WHERE p.code = '02.113'").single().decode(Int.self, 0)
            }
            #expect(rows.count == communes, "one line per commune: each has at most one cycle here")

            (status, html) = try await get(client, "/fr/provinces/02.113/overview?sort=population&order=asc")
            rows = HTMLTable.rows(of: "results overview", in: html)
            let populations = rows.map { Int($0[Column.population.rawValue].replacingOccurrences(of: ".", with: "")) ?? -1 }
            // Communes with a budget first, each group in the asked order.
            let none = "aucun budget participatif"
            let budgeted = rows.filter { $0[Column.cycle.rawValue] != none }.count
            let budgetFirst = rows.map { $0[Column.cycle.rawValue] != none }
            #expect(budgeted > 0 && budgeted < rows.count)
            #expect(budgetFirst == budgetFirst.sorted { $0 && !$1 })
            let ascendingGroups = [Array(populations[..<budgeted]), Array(populations[budgeted...])]
            #expect(ascendingGroups.allSatisfy { $0 == $0.sorted() })
            #expect(html.contains("aria-sort=\"ascending\""))
            (status, html) = try await get(client, "/fr/provinces/02.113/overview?sort=population&order=desc")
            rows = HTMLTable.rows(of: "results overview", in: html)
            let descendingPopulations = rows.map { Int($0[Column.population.rawValue].replacingOccurrences(of: ".", with: "")) ?? -1 }
            let descendingGroups = [Array(descendingPopulations[..<budgeted]), Array(descendingPopulations[budgeted...])]
            #expect(descendingGroups.allSatisfy { $0 == $0.sorted(by: >) })
            #expect(html.contains("href=\"/fr/provinces/02.113/overview.csv?sort=population&amp;order=desc\""))

            // The CSV of the same sort: same lines in the same order, same figures.
            let response = try await client.execute(uri: "/fr/provinces/02.113/overview.csv?sort=population&order=desc", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            let csv = parseCSV(String(buffer: response.body))
            let header = try #require(csv.first)
            #expect(header.first == "commune_code")
            let lines = Array(csv.dropFirst())
            #expect(lines.count == rows.count)
            let links = HTMLTable.rowLinks(of: "results overview", in: html).map { $0.replacingOccurrences(of: "/fr/communes/", with: "") }
            #expect(lines.map { $0[0] } == links)
            func column(_ name: String, _ line: [String]) -> String { header.firstIndex(of: name).map { line[$0] } ?? "?" }
            let berkaneLine = try #require(lines.first { column("cycle_id", $0) == "\(seed.berkane)" })
            #expect(column("budget_per_inhabitant_mad", berkaneLine) == String(format: "%.2f", Double(berkane.perInhabitant.centimes) / 100))
            #expect(column("ballots", berkaneLine) == "9")
            #expect(column("registry_size", berkaneLine) == "40")
            #expect(column("turnout_percent", berkaneLine) == "22.5")
            #expect(column("funded_projects", berkaneLine) == "2")
            #expect(column("funded_cost_mad", berkaneLine) == "500000.00")
            #expect(column("completed_projects", berkaneLine) == "1")
            #expect(column("average_progress_percent", berkaneLine) == "70.0")
            #expect(column("spent_mad", berkaneLine) == "270000.00")
            #expect(column("phase", berkaneLine) == "published")
            let openLine = try #require(lines.first { column("cycle_id", $0) == "\(seed.open)" })
            #expect(column("phase", openLine) == "proposals")
            #expect(column("ballots", openLine) == "" && column("budget_per_inhabitant_mad", openLine) == "")
            // Each CSV line's figures are the table line's, in machine form.
            func shown(_ decimal: String) -> String {
                decimal.isEmpty ? "—" : Money(centimes: Int64(decimal.replacingOccurrences(of: ".", with: "")) ?? -1).formatted().replacingOccurrences(of: " ", with: "\u{00A0}")
            }
            for (line, row) in zip(lines, rows) {
                #expect(shown(column("budget_per_inhabitant_mad", line)) == row[Column.perInhabitant.rawValue])
                #expect(shown(column("funded_cost_mad", line)) == row[Column.fundedCost.rawValue])
                #expect(shown(column("spent_mad", line)) == row[Column.spent.rawValue])
                #expect((column("funded_projects", line).isEmpty ? "—" : column("funded_projects", line)) == row[Column.funded.rawValue])
            }

            // The category table sorts on its own, and each table's links keep the other's order.
            (status, html) = try await get(client, "/fr/provinces/02.113/overview?sort=population&order=desc&csort=funded_cost&corder=desc")
            #expect(status == .ok)
            #expect(html.contains(
                "aria-sort=\"descending\"><a href=\"/fr/provinces/02.113/overview?sort=population&amp;order=desc&amp;csort=funded_cost&amp;corder=asc#categories\">"))
            #expect(html.contains("href=\"/fr/provinces/02.113/overview?sort=turnout&amp;order=asc&amp;csort=funded_cost&amp;corder=desc\""))
            let categoryRows = HTMLTable.rows(of: "results categories", in: html)
            func centimes(_ text: String) -> Int64 {
                Int64(text.replacingOccurrences(of: "\u{00A0}MAD", with: "").replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "")) ?? -1
            }
            let costs = categoryRows.map { centimes($0[4]) }
            #expect(costs.count == 4)
            #expect(costs == costs.sorted(by: >))
            let sortedCSV = try await client.execute(
                uri: "/fr/provinces/02.113/overview.csv?table=categories&sort=population&order=desc&csort=funded_cost&corder=desc", method: .get)
            let sortedCategoryLines = parseCSV(String(buffer: sortedCSV.body)).dropFirst()
            #expect(sortedCategoryLines.map { Int64($0[6].replacingOccurrences(of: ".", with: "")) ?? -2 } == costs)
            #expect(html.contains("href=\"/fr/provinces/02.113/overview.csv?table=categories&amp;sort=population&amp;order=desc&amp;csort=funded_cost&amp;corder=desc\""))

            let categories = try await client.execute(uri: "/fr/provinces/02.113/overview.csv?table=categories", method: .get)
            let categoryLines = parseCSV(String(buffer: categories.body))
            #expect(categoryLines.first == ["commune_code", "commune_fr", "cycle_id", "year", "category", "funded_projects", "funded_cost_mad"])
            let berkaneCategories = categoryLines.filter { $0.count > 2 && $0[2] == "\(seed.berkane)" }.map { [$0[4], $0[5], $0[6]] }
            #expect(berkaneCategories == [["lighting", "1", "200000.00"], ["sport", "1", "300000.00"]])
            #expect(categoryLines.filter { $0.count > 2 && $0[2] == "\(seed.open)" }.isEmpty)
        }
    }

    @Test func linkedFromGeographyPagesInEveryLanguageAndMirroredInArabic() async throws {
        try await Site.with { client, site in
            _ = try OverviewSeed.make(site)
            var (status, html) = try await get(client, "/fr/regions/02")
            #expect(html.contains("href=\"/fr/regions/02/overview\""))
            (status, html) = try await get(client, "/en/provinces/02.113")
            #expect(html.contains("href=\"/en/provinces/02.113/overview\""))
            for language in ["ar", "fr", "en", "zgh"] {
                (status, html) = try await get(client, "/\(language)/regions/02/overview")
                #expect(status == .ok, "\(language)")
                #expect(!html.contains("overview_") && !html.contains("phase_") && !html.contains("category_"), "\(language): a catalog key shows")
                let bars = html.components(separatedBy: "<rect class=\"bar funded\" x=\"").dropFirst().map { part -> (Int, Int) in
                    let x = Int(part.prefix { $0 != "\"" }) ?? -1
                    let width = part.range(of: "width=\"").map { Int(part[$0.upperBound...].prefix { $0 != "\"" }) ?? -1 } ?? -1
                    return (x, width)
                }
                #expect(bars.count == 2, "\(language)")
                if language == "ar" {
                    #expect(html.contains("<html lang=\"ar\" dir=\"rtl\">"))
                    #expect(bars.allSatisfy { $0.0 + $0.1 == 360 }, "bars grow from the right edge of the plot")
                    #expect(html.contains("درهم"))
                } else {
                    #expect(bars.allSatisfy { $0.0 == 0 }, "\(language)")
                }
            }
            (status, _) = try await get(client, "/fr/regions/99/overview")
            #expect(status == .notFound)
            (status, _) = try await get(client, "/fr/provinces/berkane/overview.csv")
            #expect(status == .notFound)
        }
    }

    /// Every commune of the largest region in one page (its speed is in BENCHMARKS.md, not here).
    @Test func aWholeRegionRendersEveryCommune() async throws {
        try await Site.with { client, site in
            _ = try OverviewSeed.make(site)
            let communes = try site.transaction {
                try $0.query("""
                    SELECT count(*) FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id WHERE r.code = '06'
                    """).single().decode(Int.self, 0)
            }
            let html = try await get(client, "/fr/regions/06/overview").1
            #expect(HTMLTable.rows(of: "results overview", in: html).count == communes)
        }
    }
}

import MizanCore
import PostgresDriver

/// Every commune of a region or province with its cycles and, for cycles whose outcome is
/// published, turnout, funded projects and their implementation. Two set-based statements whatever
/// the number of communes (a region has up to about 200), and numbers only from published tallies:
/// a cycle that is still running shows its phase and nothing else.
public enum RegionalOverviewStore {
    public typealias Area = RegionalOverview.Area
    public typealias Line = RegionalOverview.Line
    public typealias CycleFacts = RegionalOverview.CycleFacts
    public typealias PublishedFacts = RegionalOverview.PublishedFacts
    public typealias CategoryFacts = RegionalOverview.CategoryFacts

    /// The area's communes and what their published tallies fund, shared by both statements.
    static func context(_ area: Area) -> SQL {
        let region: String? = if case .region(let code) = area { code } else { nil }
        let province: String? = if case .province(let code) = area { code } else { nil }
        return """
            WITH area AS (
                SELECT c.id, c.code, c.name_fr, c.name_ar, c.population, p.code AS province_code
                FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id
                WHERE (\(region)::text IS NULL OR r.code = \(region)::text) AND (\(province)::text IS NULL OR p.code = \(province)::text)
            ),
            published AS (
                SELECT t.cycle_id, sum(t.voters) AS ballots
                FROM tallies t JOIN cycles y ON y.id = t.cycle_id JOIN area a ON a.id = y.commune_id
                WHERE t.published_at IS NOT NULL
                GROUP BY t.cycle_id
            ),
            funded AS (
                SELECT DISTINCT ON (tp.proposal_id) t.cycle_id, tp.proposal_id, tp.cost_centimes, p.category
                FROM published pu JOIN tallies t ON t.cycle_id = pu.cycle_id AND t.published_at IS NOT NULL
                JOIN tally_projects tp ON tp.tally_id = t.id AND tp.funded
                JOIN proposals p ON p.id = tp.proposal_id
                ORDER BY tp.proposal_id
            )
            """
    }

    public static func load(_ area: Area, on connection: PostgresConnection) throws -> [Line] {
        let categories = try connection.query("""
            \(context(area))
            SELECT f.cycle_id, f.category, count(*), sum(f.cost_centimes) FROM funded f
            GROUP BY f.cycle_id, f.category ORDER BY f.cycle_id, f.category
            """).map { row in
                (cycle: try row.decode(Int.self, 0), facts: CategoryFacts(
                    category: try row.decode(String.self, 1), projects: try row.decode(Int.self, 2),
                    cost: Money(centimes: try row.decode(Int64.self, 3))))
            }
        let categoriesByCycle = Dictionary(grouping: categories, by: { $0.cycle })
        return try connection.query("""
            \(context(area)),
            latest AS (
                SELECT DISTINCT ON (i.proposal_id) i.proposal_id, i.status, i.progress_percent, i.spent_centimes
                FROM implementation_updates i JOIN funded f ON f.proposal_id = i.proposal_id
                ORDER BY i.proposal_id, i.recorded_at DESC, i.id DESC
            ),
            progress AS (
                SELECT f.cycle_id, count(*) AS projects, sum(f.cost_centimes) AS cost,
                       count(*) FILTER (WHERE l.status = 'completed') AS completed,
                       coalesce(sum(l.progress_percent), 0) AS percent_sum, coalesce(sum(l.spent_centimes), 0) AS spent
                FROM funded f LEFT JOIN latest l ON l.proposal_id = f.proposal_id
                GROUP BY f.cycle_id
            ),
            registry AS (
                SELECT e.cycle_id, count(*) AS entries
                FROM registry_entries e JOIN published pu ON pu.cycle_id = e.cycle_id
                GROUP BY e.cycle_id
            )
            SELECT a.code, a.name_fr, a.name_ar, a.population, a.province_code,
                   y.id, y.year, y.title, y.phase, y.budget_centimes,
                   pu.cycle_id IS NOT NULL, coalesce(pu.ballots, 0), coalesce(rg.entries, 0),
                   coalesce(pr.projects, 0), coalesce(pr.cost, 0), coalesce(pr.completed, 0),
                   coalesce(pr.percent_sum, 0), coalesce(pr.spent, 0)
            FROM area a
            LEFT JOIN cycles y ON y.commune_id = a.id
            LEFT JOIN published pu ON pu.cycle_id = y.id
            LEFT JOIN progress pr ON pr.cycle_id = y.id
            LEFT JOIN registry rg ON rg.cycle_id = y.id
            ORDER BY a.code COLLATE "C", y.year DESC, y.id
            """).map { row in
                var cycle: CycleFacts?
                if let id = try row.decodeIfPresent(Int.self, 5) {
                    let published = try row.decode(Bool.self, 10)
                    cycle = CycleFacts(
                        id: id, year: try row.decode(Int.self, 6), title: try row.decode(String.self, 7),
                        phase: try row.decode(String.self, 8), budget: Money(centimes: try row.decode(Int64.self, 9)),
                        published: published
                            ? PublishedFacts(
                                ballots: try row.decode(Int.self, 11), registered: try row.decode(Int.self, 12),
                                fundedProjects: try row.decode(Int.self, 13), fundedCost: Money(centimes: try row.decode(Int64.self, 14)),
                                completedProjects: try row.decode(Int.self, 15), progressPercentSum: try row.decode(Int.self, 16),
                                spent: Money(centimes: try row.decode(Int64.self, 17)),
                                categories: (categoriesByCycle[id] ?? []).map { $0.facts })
                            : nil)
                }
                return Line(
                    communeCode: try row.decode(String.self, 0),
                    communeName: BilingualName(french: try row.decode(String.self, 1), arabic: try row.decode(String.self, 2)),
                    population: try row.decode(Int.self, 3), provinceCode: try row.decode(String.self, 4), cycle: cycle)
            }
    }
}

extension PostgresStores {
    var regionalOverview: any RegionalOverviewRepository { PostgresRegionalOverview(connection: connection) }
}

struct PostgresRegionalOverview: RegionalOverviewRepository {
    let connection: PostgresConnection

    func lines(in area: RegionalOverview.Area) throws -> [RegionalOverview.Line] {
        try RegionalOverviewStore.load(area, on: connection)
    }
}

import MizanCore
import PostgresDriver

/// What the open-data API publishes, read with filters that keep everything unpublished out:
/// projects only once review is over and only accepted or rejected ones (never submitted, hidden or
/// merged proposals, never tracking tokens), outcomes only from tallies whose `published_at` is
/// set, implementation updates only of projects a published outcome funded. No function here
/// counts ballots or participation of a cycle whose outcome is not published.
///
/// Lists are paged by keyset (`after` is the last key of the previous page) in a stable order, and
/// return one row more than `limit` so the caller knows whether a next page exists.
public enum OpenDataStore {
    public typealias Place = OpenData.Place
    public typealias CommuneRecord = OpenData.CommuneRecord
    public typealias CycleRecord = OpenData.CycleRecord
    public typealias ProjectRecord = OpenData.ProjectRecord
    public typealias OutcomeScope = OpenData.OutcomeScope
    public typealias OutcomeProject = OpenData.OutcomeProject
    public typealias ImplementationUpdateRecord = OpenData.ImplementationUpdateRecord
    public typealias TurnoutRecord = OpenData.TurnoutRecord

    /// ISO-8601 in UTC, as every timestamp of the API is written.
    static func iso(_ column: SQL) -> SQL {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    }

    // MARK: Communes

    static let communeColumns: SQL = """
        SELECT c.code, c.kind, c.name_fr, c.name_ar, c.population, c.households,
               p.code, p.name_fr, p.name_ar, r.code, r.name_fr, r.name_ar
        FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id
        """

    /// Communes by code (byte order, so `01.511.01.0` comes before `01.511.01.01`), optionally of
    /// one region or province.
    public static func communes(
        region: String?, province: String?, after: String?, limit: Int, on connection: PostgresConnection
    ) throws -> [CommuneRecord] {
        try connection.query("""
            \(communeColumns)
            WHERE (\(region)::text IS NULL OR r.code = \(region)::text)
              AND (\(province)::text IS NULL OR p.code = \(province)::text)
              AND (\(after)::text IS NULL OR c.code COLLATE "C" > \(after)::text COLLATE "C")
            ORDER BY c.code COLLATE "C" LIMIT \(limit + 1)
            """).map(decodeCommune)
    }

    public static func commune(code: String, on connection: PostgresConnection) throws -> CommuneRecord? {
        try connection.query("\(communeColumns) WHERE c.code = \(code)").map(decodeCommune).first
    }

    static func decodeCommune(_ row: Row) throws -> CommuneRecord {
        CommuneRecord(
            code: try row.decode(String.self, 0), kind: try row.decode(String.self, 1),
            name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3)),
            population: try row.decode(Int.self, 4), households: try row.decodeIfPresent(Int.self, 5),
            province: Place(code: try row.decode(String.self, 6), name: BilingualName(french: try row.decode(String.self, 7), arabic: try row.decode(String.self, 8))),
            region: Place(code: try row.decode(String.self, 9), name: BilingualName(french: try row.decode(String.self, 10), arabic: try row.decode(String.self, 11))))
    }

    // MARK: Cycles

    static var cycleColumns: SQL {
        """
        SELECT y.id, c.code, c.name_fr, c.name_ar, y.year, y.title, y.budget_centimes, y.phase, y.ballot_kind,
               y.min_choices, y.max_choices, y.points_total, y.points_cap, y.rank_depth, y.rule, y.tie_break,
               (SELECT string_agg(ph.phase || '=' || \(iso("ph.entered_at")), ',' ORDER BY ph.entered_at, cycle_phase_rank(ph.phase))
                FROM cycle_phases ph WHERE ph.cycle_id = y.id)
        FROM cycles y JOIN communes c ON c.id = y.commune_id
        """
    }

    /// Cycles by id, optionally of one commune. Every cycle's public facts are public from its
    /// creation; nothing here depends on ballots.
    public static func cycles(commune: String?, after: Int?, limit: Int, on connection: PostgresConnection) throws -> [CycleRecord] {
        try connection.query("""
            \(cycleColumns)
            WHERE (\(commune)::text IS NULL OR c.code = \(commune)::text) AND (\(after)::int IS NULL OR y.id > \(after)::int)
            ORDER BY y.id LIMIT \(limit + 1)
            """).map(decodeCycle)
    }

    public static func cycle(id: Int, on connection: PostgresConnection) throws -> CycleRecord? {
        try connection.query("\(cycleColumns) WHERE y.id = \(id)").map(decodeCycle).first
    }

    static func decodeCycle(_ row: Row) throws -> CycleRecord {
        let listed: String = try row.decodeIfPresent(String.self, 16) ?? ""
        let phases = listed.split(separator: ",").compactMap { (item: Substring) -> (String, String)? in
            let parts = item.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
        return CycleRecord(
            id: try row.decode(Int.self, 0),
            commune: Place(code: try row.decode(String.self, 1), name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3))),
            year: try row.decode(Int.self, 4), title: try row.decode(String.self, 5), budget: Money(centimes: try row.decode(Int64.self, 6)),
            phase: try row.decode(String.self, 7), phases: phases.map { (phase: $0.0, enteredAt: $0.1) },
            ballotKind: try row.decode(String.self, 8), minChoices: try row.decodeIfPresent(Int.self, 9),
            maxChoices: try row.decodeIfPresent(Int.self, 10), pointsTotal: try row.decodeIfPresent(Int.self, 11),
            pointsCap: try row.decodeIfPresent(Int.self, 12), rankDepth: try row.decodeIfPresent(Int.self, 13),
            rule: try row.decode(String.self, 14), tieBreak: try row.decode(String.self, 15))
    }

    // MARK: Projects

    /// The accepted and rejected proposals of a cycle whose review is over, by id. Before that,
    /// decisions can still change, so nothing is listed.
    public static func projects(cycleID: Int, after: Int?, limit: Int, on connection: PostgresConnection) throws -> [ProjectRecord] {
        try connection.query("""
            SELECT p.id, p.cycle_id, p.title, p.description, p.category, d.name_fr, d.name_ar, p.location, p.status,
                   p.estimated_cost_centimes, p.official_cost_centimes, p.official_answer,
                   (SELECT bool_or(tp.funded) FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                    WHERE tp.proposal_id = p.id AND t.published_at IS NOT NULL)
            FROM proposals p JOIN cycles y ON y.id = p.cycle_id LEFT JOIN districts d ON d.id = p.district_id
            WHERE p.cycle_id = \(cycleID) AND p.status IN ('accepted', 'rejected')
              AND cycle_phase_rank(y.phase) > cycle_phase_rank('review')
              AND (\(after)::int IS NULL OR p.id > \(after)::int)
            ORDER BY p.id LIMIT \(limit + 1)
            """).map { row in
                let districtFrench = try row.decodeIfPresent(String.self, 5)
                return ProjectRecord(
                    id: try row.decode(Int.self, 0), cycleID: try row.decode(Int.self, 1), title: try row.decode(String.self, 2),
                    description: try row.decode(String.self, 3), category: try row.decode(String.self, 4),
                    district: try districtFrench.map { BilingualName(french: $0, arabic: try row.decodeIfPresent(String.self, 6) ?? $0) },
                    location: try row.decodeIfPresent(String.self, 7), status: try row.decode(String.self, 8),
                    estimatedCost: Money(centimes: try row.decode(Int64.self, 9)),
                    officialCost: try row.decodeIfPresent(Int64.self, 10).map(Money.init(centimes:)),
                    officialAnswer: try row.decodeIfPresent(String.self, 11), funded: try row.decodeIfPresent(Bool.self, 12))
            }
    }

    // MARK: Outcomes

    /// The published scopes of a cycle (one per district envelope, or one for the whole commune);
    /// empty when nothing is published.
    public static func publishedOutcome(cycleID: Int, on connection: PostgresConnection) throws -> [OutcomeScope] {
        let projects = try connection.query("""
            SELECT tp.tally_id, tp.proposal_id, p.title, p.category, tp.cost_centimes, tp.supporters, tp.score, tp.funded, tp.round,
                   coalesce(tp.explanation->>'decision', CASE WHEN tp.funded THEN 'funded' ELSE 'notReached' END)
            FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id JOIN proposals p ON p.id = tp.proposal_id
            WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL
            ORDER BY tp.tally_id, tp.proposal_id
            """).map { row in
                (tally: try row.decode(Int.self, 0), project: OutcomeProject(
                    projectID: try row.decode(Int.self, 1), title: try row.decode(String.self, 2), category: try row.decode(String.self, 3),
                    cost: Money(centimes: try row.decode(Int64.self, 4)), supporters: try row.decode(Int.self, 5),
                    score: try row.decode(Int64.self, 6), funded: try row.decode(Bool.self, 7), round: try row.decodeIfPresent(Int.self, 8),
                    decision: try row.decode(String.self, 9)))
            }
        let byTally = Dictionary(grouping: projects, by: { $0.tally })
        return try connection.query("""
            SELECT t.id, t.district_id, d.name_fr, d.name_ar, t.rule, t.tie_break, t.engine_version, t.pb_sha256,
                   t.budget_centimes, t.spent_centimes, t.voters, \(iso("t.computed_at")), \(iso("t.published_at"))
            FROM tallies t LEFT JOIN districts d ON d.id = t.district_id
            WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL
            ORDER BY coalesce(t.district_id, 0)
            """).map { row in
                let id = try row.decode(Int.self, 0)
                let districtFrench = try row.decodeIfPresent(String.self, 2)
                return OutcomeScope(
                    tallyID: id,
                    district: try districtFrench.map { BilingualName(french: $0, arabic: try row.decodeIfPresent(String.self, 3) ?? $0) },
                    districtID: try row.decodeIfPresent(Int.self, 1), rule: try row.decode(String.self, 4),
                    tieBreak: try row.decode(String.self, 5), engineVersion: try row.decode(String.self, 6),
                    pbSHA256: try row.decode(String.self, 7), budget: Money(centimes: try row.decode(Int64.self, 8)),
                    spent: Money(centimes: try row.decode(Int64.self, 9)), voters: try row.decode(Int.self, 10),
                    computedAt: try row.decode(String.self, 11), publishedAt: try row.decode(String.self, 12),
                    projects: (byTally[id] ?? []).map { $0.project })
            }
    }

    // MARK: Implementation

    /// Updates of the projects a published outcome of the cycle funded, by id.
    public static func implementationUpdates(
        cycleID: Int, after: Int?, limit: Int, on connection: PostgresConnection
    ) throws -> [ImplementationUpdateRecord] {
        try connection.query("""
            SELECT i.id, i.proposal_id, p.title, i.status, i.progress_percent, i.spent_centimes, i.note, \(iso("i.recorded_at")),
                   to_char(i.reached_on, 'YYYY-MM-DD'), i.link
            FROM implementation_updates i JOIN proposals p ON p.id = i.proposal_id
            WHERE p.cycle_id = \(cycleID)
              AND EXISTS (SELECT 1 FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                          WHERE tp.proposal_id = i.proposal_id AND tp.funded AND t.published_at IS NOT NULL)
              AND (\(after)::int IS NULL OR i.id > \(after)::int)
            ORDER BY i.id LIMIT \(limit + 1)
            """).map { row in
                ImplementationUpdateRecord(
                    id: try row.decode(Int.self, 0), projectID: try row.decode(Int.self, 1), projectTitle: try row.decode(String.self, 2),
                    status: try row.decode(String.self, 3), progressPercent: try row.decode(Int.self, 4),
                    spent: Money(centimes: try row.decode(Int64.self, 5)), note: try row.decodeIfPresent(String.self, 6),
                    recordedAt: try row.decode(String.self, 7), reachedOn: try row.decodeIfPresent(String.self, 8),
                    link: try row.decodeIfPresent(String.self, 9))
            }
    }

    // MARK: Turnout

    /// Ballots and registry size of each published scope; empty when nothing is published, so no
    /// count of a running or unpublished vote is ever read.
    public static func publishedTurnout(cycleID: Int, on connection: PostgresConnection) throws -> [TurnoutRecord] {
        try connection.query("""
            SELECT t.district_id, d.name_fr, d.name_ar, t.voters,
                   (SELECT count(*) FROM registry_entries e
                    WHERE e.cycle_id = t.cycle_id AND (t.district_id IS NULL OR e.district_id = t.district_id))
            FROM tallies t LEFT JOIN districts d ON d.id = t.district_id
            WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL
            ORDER BY coalesce(t.district_id, 0)
            """).map { row in
                let districtFrench = try row.decodeIfPresent(String.self, 1)
                return TurnoutRecord(
                    district: try districtFrench.map { BilingualName(french: $0, arabic: try row.decodeIfPresent(String.self, 2) ?? $0) },
                    districtID: try row.decodeIfPresent(Int.self, 0), ballots: try row.decode(Int.self, 3),
                    registered: try row.decode(Int.self, 4))
            }
    }
}

extension PostgresStores {
    var openData: any OpenDataRepository { PostgresOpenData(connection: connection) }
}

struct PostgresOpenData: OpenDataRepository {
    let connection: PostgresConnection

    func communes(region: String?, province: String?, after: String?, limit: Int) throws -> [OpenData.CommuneRecord] {
        try OpenDataStore.communes(region: region, province: province, after: after, limit: limit, on: connection)
    }

    func commune(code: String) throws -> OpenData.CommuneRecord? { try OpenDataStore.commune(code: code, on: connection) }

    func cycles(commune: String?, after: Int?, limit: Int) throws -> [OpenData.CycleRecord] {
        try OpenDataStore.cycles(commune: commune, after: after, limit: limit, on: connection)
    }

    func cycle(id: CycleID) throws -> OpenData.CycleRecord? { try OpenDataStore.cycle(id: id.rawValue, on: connection) }

    func projects(cycle: CycleID, after: Int?, limit: Int) throws -> [OpenData.ProjectRecord] {
        try OpenDataStore.projects(cycleID: cycle.rawValue, after: after, limit: limit, on: connection)
    }

    func publishedOutcome(cycle: CycleID) throws -> [OpenData.OutcomeScope] {
        try OpenDataStore.publishedOutcome(cycleID: cycle.rawValue, on: connection)
    }

    func implementationUpdates(cycle: CycleID, after: Int?, limit: Int) throws -> [OpenData.ImplementationUpdateRecord] {
        try OpenDataStore.implementationUpdates(cycleID: cycle.rawValue, after: after, limit: limit, on: connection)
    }

    func publishedTurnout(cycle: CycleID) throws -> [OpenData.TurnoutRecord] {
        try OpenDataStore.publishedTurnout(cycleID: cycle.rawValue, on: connection)
    }
}

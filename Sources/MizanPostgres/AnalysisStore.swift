import MizanCore
import PostgresDriver

/// Reads what the rule comparison, what-if budgets and marginal projects are computed on: each
/// scope's projects with their district and category, its merged ballots (the very ones the tally
/// reads) and its voters per district. Only for cycles whose voting is closed, so no analysis can
/// leak how a vote in progress stands.
public enum AnalysisStore {
    /// Refuses a cycle before its tallied phase.
    public static func checkPhase(_ cycle: Cycle) throws {
        guard cycle.phase >= .tallied else {
            throw TallyError.wrongPhase(
                cycle: cycle.id, phase: cycle.phase, action: "analysing its outcome",
                needed: "needs voting closed: run `mizan cycle advance \(cycle.id)` until it is in tallied")
        }
    }

    /// Every scope of the cycle (the whole cycle, or each district envelope), ready to analyse.
    /// The caller's transaction must allow long statements (`CanonicalBallots.allowLongWork`);
    /// `progress` hears the scope and the ballots read so far, every 100,000.
    public static func scopes(
        cycle: Cycle, on connection: PostgresConnection, progress: ((TallyScope, Int) -> Void)? = nil
    ) throws -> [AnalysisScope] {
        try checkPhase(cycle)
        let communeDistricts = try connection.query("""
            SELECT id, name_fr, population FROM districts WHERE commune_id = \(cycle.communeID) ORDER BY id
            """).map { row in
                (id: try row.decode(Int.self, 0), name: try row.decodeIfPresent(String.self, 1), population: try row.decodeIfPresent(Int.self, 2))
            }
        let details = try connection.query("""
            SELECT id, district_id, category FROM proposals WHERE cycle_id = \(cycle.id) AND status = 'accepted' ORDER BY id
            """).map { row in (id: try row.decode(Int.self, 0), district: try row.decodeIfPresent(Int.self, 1), category: try row.decode(String.self, 2)) }
        let detail = Dictionary(details.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        return try TallyScope.all(for: cycle, on: connection).map { scope in
            let prepared = try TallyStore.prepare(cycle: cycle, scope: scope, on: connection) { progress?(scope, $0) }
            guard !prepared.projects.isEmpty else { throw TallyError.noProjects(scope: scope.label) }
            let projects = prepared.projects.map { project in
                AnalysisProject(
                    id: project.id, cost: project.cost, title: project.title, district: detail[project.id]?.district,
                    category: detail[project.id]?.category ?? "")
            }
            // Ballots counted exactly as the tally counts them: those with a mark on a project of the scope.
            let voters = try connection.query("""
                SELECT b.district_id, count(*) FROM ballots b
                WHERE b.cycle_id = \(cycle.id) AND (\(scope.district)::int IS NULL OR b.district_id = \(scope.district))
                  AND EXISTS (
                      SELECT 1 FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id
                      WHERE c.ballot_id = b.id AND p.cycle_id = \(cycle.id) AND p.status = 'accepted'
                        AND (\(scope.district)::int IS NULL OR p.district_id = \(scope.district)))
                GROUP BY b.district_id
                """).map { row in (district: try row.decodeIfPresent(Int.self, 0), count: try row.decode(Int.self, 1)) }
            let votersIn = Dictionary(voters.map { ($0.district ?? -1, $0.count) }, uniquingKeysWith: +)
            var districts = communeDistricts.filter { scope.district == nil || $0.id == scope.district }.map {
                AnalysisDistrict(id: $0.id, name: $0.name, population: $0.population, voters: votersIn[$0.id] ?? 0)
            }
            if projects.contains(where: { $0.district == nil }) || votersIn[-1] != nil {
                districts.append(AnalysisDistrict(id: nil, name: nil, population: nil, voters: votersIn[-1] ?? 0))
            }
            return AnalysisScope(
                district: scope.district, label: scope.label, budget: scope.budget, projects: projects, groups: prepared.groups,
                districts: districts)
        }
    }
}

extension PostgresStores {
    var analysis: any AnalysisRepository { PostgresAnalysis(connection: connection) }
}

struct PostgresAnalysis: AnalysisRepository {
    let connection: PostgresConnection

    func beginSnapshot() throws {
        try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try CanonicalBallots.allowLongWork(on: connection)
    }

    func ballotCount(cycle: CycleID) throws -> Int {
        try connection.query("SELECT count(*) FROM ballots WHERE cycle_id = \(cycle)").single().decode(Int.self, 0)
    }

    func scopes(cycle: Cycle, progress: ((String, Int) -> Void)?) throws -> [AnalysisScope] {
        try AnalysisStore.scopes(cycle: cycle, on: connection, progress: progress.map { report in { scope, count in report(scope.label, count) } })
    }
}

import Crypto
import Foundation
import MizanCore
import PBEngine
import PostgresDriver

/// Reading a scope's ballots for the engine, storing outcomes and publishing them. Everything runs
/// on the caller's connection, so a command's outcome rows and audit entry share one transaction.
public enum TallyStore {
    /// A scope's projects and merged ballots with the SHA-256 of the canonical `.pb` they were read from.
    public typealias Prepared = PreparedScope
    public typealias Stored = StoredTally

    /// Locks the cycle row (so tally, publish and advance of one cycle run one at a time) and
    /// returns the cycle.
    public static func lockCycle(_ id: Int, on connection: PostgresConnection) throws -> Cycle {
        guard try !connection.query("SELECT 1 FROM cycles WHERE id = \(id) FOR UPDATE").isEmpty else {
            throw CycleError.notFound(id)
        }
        return try CycleStore.require(id, on: connection)
    }

    public static func prepare(
        cycle: Cycle, scope: TallyScope, on connection: PostgresConnection, progress: ((Int) -> Void)? = nil
    ) throws -> PreparedScope {
        // Identical ballots are counted once per distinct line tail, then read with the one
        // VOTES decoder: the tally reads exactly the bytes it hashes.
        var counts: [PabulibVote.Choices: Int] = [:]
        let points = EngineSettings.voteType(for: cycle.ballot) == .cumulative
        let (sha256, ballots) = try CanonicalBallots.write(
            cycle: cycle, scope: scope, on: connection, into: { _ in },
            voteLine: { line in counts[try PabulibVote.Choices(parsing: line, points: points), default: 0] += 1 },
            progress: progress)
        let projects = try connection.query("""
            SELECT p.id, p.official_cost_centimes, p.title FROM proposals p WHERE \(CanonicalBallots.projectFilter) ORDER BY p.id
            """).map {
                TallyProjectInput(id: try $0.decode(Int.self, 0), cost: Money(centimes: try $0.decode(Int64.self, 1)), title: try $0.decode(String.self, 2))
            }
        let voteType = EngineSettings.voteType(for: cycle.ballot)
        let groups = counts.map { choices, count in
            let ids = choices.projects.map { Int($0) ?? -1 }
            let points = choices.points ?? []
            let marks = ids.enumerated().map { position, id in
                switch voteType {
                case .cumulative, .scoring: TallyMark(project: id, value: position < points.count ? points[position] : 0)
                case .ordinal: TallyMark(project: id, value: position)
                case .approval: TallyMark(project: id, value: 1)
                }
            }
            return (key: Self.key(choices), group: TallyVoteGroup(marks: marks, count: count))
        }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.group)
        return PreparedScope(scope: scope, projects: projects, groups: groups, sha256: sha256, ballots: ballots)
    }

    /// `projects[;points]` as the line holds them: groups go to the engine in the order of this
    /// text, as they always did, so the profile is the same however the ballots were read.
    static func key(_ choices: PabulibVote.Choices) -> [UInt8] {
        var text = choices.projects.joined(separator: ",")
        if let points = choices.points { text += ";" + points.map(String.init).joined(separator: ",") }
        return Array(text.utf8)
    }

    /// Stores one scope's outcome and returns the new tally's id. The database refuses it unless
    /// the cycle is in its tallied phase.
    @discardableResult
    public static func store(
        cycle: Cycle, prepared: PreparedScope, result: TallyResult, actor: String, on connection: PostgresConnection
    ) throws -> Int {
        let id = try connection.query("""
            INSERT INTO tallies (commune_id, cycle_id, district_id, rule, tie_break, thresholds, engine_version, budget_centimes,
                                 spent_centimes, voters, pb_sha256, trace, account, computed_by)
            VALUES (\(cycle.communeID), \(cycle.id), \(prepared.scope.district), \(result.ruleKey), \(result.tieBreak), \(result.thresholds),
                    \(EngineSettings.version), \(result.budgetCentimes), \(result.spentCentimes), \(result.voters),
                    \(prepared.sha256), \(result.traceJSON)::jsonb, \(result.account?.json)::jsonb, \(actor))
            RETURNING id
            """).single().decode(Int.self, 0)
        for project in result.projects {
            try connection.query("""
                INSERT INTO tally_projects (tally_id, proposal_id, cost_centimes, supporters, score, funded, round, explanation)
                VALUES (\(id), \(Int(project.id) ?? 0), \(project.costCentimes), \(project.supporters), \(Int64(project.score)),
                        \(project.funded), \(project.round), jsonb_build_object('decision', \(project.decision)::text, 'text', \(project.explanation)::text))
                """)
        }
        return id
    }

    /// Freezes the newest stored outcome of every scope and moves the cycle to published, with the
    /// audit entry: what `PublishOutcome` does, on the caller's connection.
    public static func publish(cycleID: Int, actor: String, on connection: PostgresConnection) throws -> [StoredTally] {
        let cycle = try lockCycle(cycleID, on: connection)
        guard cycle.phase == .tallied else {
            throw TallyError.wrongPhase(
                cycle: cycleID, phase: cycle.phase, action: "publishing",
                needed: cycle.phase < .tallied ? "needs a tallied cycle (close voting with `mizan cycle advance`, then `mizan tally`)" : "was done already: a published outcome is frozen")
        }
        let stored = try publishNewest(cycleID: cycleID, on: connection)
        guard !stored.isEmpty else { throw TallyError.nothingToPublish(cycle: cycleID) }
        try AuditLogStore.append(
            actor: actor, action: "tally.publish", object: "cycle:\(cycleID)",
            details: "tallies=" + stored.map { String($0.id) }.joined(separator: ","), on: connection)
        try CycleStore.move(cycle, to: .published, actor: actor, on: connection)
        return stored
    }

    /// The newest stored outcome's scopes: ballots, and whether every project had all or none of
    /// the scope's voters (then every ballot chose the same projects).
    static func newestScopeSizes(cycleID: Int, on connection: PostgresConnection) throws -> [ScopeSize] {
        try connection.query("""
            SELECT t.district_id, d.name_fr, t.voters,
                   NOT EXISTS (SELECT 1 FROM tally_projects tp WHERE tp.tally_id = t.id AND tp.supporters <> 0 AND tp.supporters <> t.voters)
            FROM tallies t LEFT JOIN districts d ON d.id = t.district_id
            WHERE t.cycle_id = \(cycleID) AND t.computed_at = (SELECT max(computed_at) FROM tallies WHERE cycle_id = \(cycleID))
            ORDER BY t.district_id NULLS FIRST
            """).map {
                ScopeSize(
                    district: try $0.decodeIfPresent(Int.self, 0), districtName: try $0.decodeIfPresent(String.self, 1),
                    ballots: try $0.decode(Int.self, 2), everyBallotAlike: try $0.decode(Bool.self, 3))
            }
    }

    /// Stamps the newest stored outcome of every scope (all rows of the latest tally share its
    /// transaction's `computed_at`) as published; empty when nothing is stored.
    static func publishNewest(cycleID: Int, on connection: PostgresConnection) throws -> [StoredTally] {
        try connection.query("""
            UPDATE tallies t SET published_at = now()
            WHERE t.cycle_id = \(cycleID) AND t.computed_at = (SELECT max(computed_at) FROM tallies WHERE cycle_id = \(cycleID))
            RETURNING t.id, t.district_id, t.spent_centimes, t.budget_centimes,
                      (SELECT count(*) FROM tally_projects tp WHERE tp.tally_id = t.id AND tp.funded)
            """).map {
                StoredTally(
                    id: try $0.decode(Int.self, 0), district: try $0.decodeIfPresent(Int.self, 1),
                    spent: Money(centimes: try $0.decode(Int64.self, 2)), budget: Money(centimes: try $0.decode(Int64.self, 3)),
                    funded: try $0.decode(Int.self, 4))
            }.sorted { ($0.district ?? 0) < ($1.district ?? 0) }
    }

    /// The outcome auditors get: the published one if there is one, else the newest stored one,
    /// as pretty JSON with every scope, its projects and trace; nil when nothing was tallied.
    public static func outcomeJSON(cycle: Cycle, on connection: PostgresConnection) throws -> String? {
        try connection.query("""
            WITH run AS (
                SELECT computed_at FROM tallies WHERE cycle_id = \(cycle.id)
                ORDER BY published_at IS NOT NULL DESC, computed_at DESC LIMIT 1
            )
            SELECT jsonb_pretty(jsonb_build_object(
                'cycle', \(cycle.id)::int, 'commune_code', \(cycle.communeCode)::text, 'title', \(cycle.title)::text,
                'cycle_rule', \(cycle.rule.rawValue)::text, 'ballot_kind', \(cycle.ballot.kind)::text,
                'published', bool_and(t.published_at IS NOT NULL),
                'scopes', jsonb_agg(jsonb_build_object(
                    'district', t.district_id,
                    'file', CASE WHEN t.district_id IS NULL THEN 'ballots.pb' ELSE 'ballots-district-' || t.district_id || '.pb' END,
                    'ballots_sha256', t.pb_sha256, 'rule', t.rule, 'tie_break', t.tie_break, 'thresholds', t.thresholds, 'account', t.account,
                    'engine_version', t.engine_version,
                    'budget_centimes', t.budget_centimes, 'spent_centimes', t.spent_centimes, 'voters', t.voters,
                    'computed_at', to_char(t.computed_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                    'published_at', to_char(t.published_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                    'funded', (SELECT coalesce(jsonb_agg(tp.proposal_id::text ORDER BY tp.round), '[]') FROM tally_projects tp
                               WHERE tp.tally_id = t.id AND tp.funded),
                    'projects', (SELECT jsonb_agg(jsonb_build_object(
                                    'project', tp.proposal_id::text, 'cost_centimes', tp.cost_centimes, 'supporters', tp.supporters,
                                    'score', tp.score, 'funded', tp.funded, 'round', tp.round,
                                    'explanation', tp.explanation->>'text') ORDER BY tp.proposal_id)
                                 FROM tally_projects tp WHERE tp.tally_id = t.id),
                    'trace', t.trace) ORDER BY coalesce(t.district_id, 0))))
            FROM tallies t JOIN run ON run.computed_at = t.computed_at
            WHERE t.cycle_id = \(cycle.id)
            HAVING count(*) > 0
            """).first?.decode(String.self, 0)
    }
}

extension PostgresStores {
    var tallies: any TallyRepository { PostgresTallies(connection: connection) }
    var cycleHistory: any CycleHistoryRepository { PostgresCycleHistory(connection: connection) }
}

struct PostgresTallies: TallyRepository {
    let connection: PostgresConnection

    func allowLongWork() throws { try CanonicalBallots.allowLongWork(on: connection) }

    func scopes(of cycle: Cycle) throws -> [TallyScope] { try TallyScope.all(for: cycle, on: connection) }

    func prepare(cycle: Cycle, scope: TallyScope, progress: ((Int) -> Void)?) throws -> PreparedScope {
        try TallyStore.prepare(cycle: cycle, scope: scope, on: connection, progress: progress)
    }

    func store(cycle: Cycle, prepared: PreparedScope, result: TallyResult, actor: String) throws -> Int {
        try TallyStore.store(cycle: cycle, prepared: prepared, result: result, actor: actor, on: connection)
    }

    func newestScopeSizes(cycle: CycleID) throws -> [ScopeSize] {
        try TallyStore.newestScopeSizes(cycleID: cycle.rawValue, on: connection)
    }

    func publishNewest(cycle: CycleID) throws -> [StoredTally] {
        try TallyStore.publishNewest(cycleID: cycle.rawValue, on: connection)
    }

    func markPublished(_ cycle: Cycle, actor: String) throws {
        try CycleStore.move(cycle, to: .published, actor: actor, on: connection)
    }

    func outcomeJSON(cycle: Cycle) throws -> String? { try TallyStore.outcomeJSON(cycle: cycle, on: connection) }

    func published(cycle: CycleID) throws -> PublishedOutcome? {
        let tallies = try connection.query("""
            SELECT t.id, t.district_id, d.name_fr, d.name_ar, t.budget_centimes, t.spent_centimes, t.voters, t.rule, t.tie_break,
                   t.account::text
            FROM tallies t LEFT JOIN districts d ON d.id = t.district_id
            WHERE t.cycle_id = \(cycle) AND t.published_at IS NOT NULL
            ORDER BY coalesce(t.district_id, 0)
            """).map { row in
                (id: try row.decode(Int.self, 0), district: try row.decodeIfPresent(Int.self, 1),
                 nameFR: try row.decodeIfPresent(String.self, 2), nameAR: try row.decodeIfPresent(String.self, 3),
                 budget: try row.decode(Int64.self, 4), spent: try row.decode(Int64.self, 5), voters: try row.decode(Int.self, 6),
                 rule: try row.decode(String.self, 7), tie: try row.decode(String.self, 8),
                 account: try row.decodeIfPresent(String.self, 9).flatMap(TallyAccount.init(json:)))
            }
        guard !tallies.isEmpty else { return nil }
        var scopes: [PublishedOutcome.Scope] = []
        for tally in tallies {
            var history: [Int: [PublishedOutcome.Progress]] = [:]
            for row in try connection.query("""
                SELECT i.proposal_id, i.status, i.progress_percent::int, i.spent_centimes, i.recorded_at, i.note, i.link,
                       to_char(i.reached_on, 'YYYY-MM-DD')
                FROM implementation_updates i JOIN tally_projects tp ON tp.proposal_id = i.proposal_id AND tp.funded
                WHERE tp.tally_id = \(tally.id) ORDER BY i.recorded_at, i.id
                """).rows {
                history[try row.decode(Int.self, 0), default: []].append(PublishedOutcome.Progress(
                    status: try row.decode(String.self, 1), percent: try row.decode(Int.self, 2),
                    spent: Money(centimes: try row.decode(Int64.self, 3)), recordedAt: try row.decode(Date.self, 4),
                    note: try row.decodeIfPresent(String.self, 5), link: try row.decodeIfPresent(String.self, 6),
                    reachedOn: try row.decodeIfPresent(String.self, 7).flatMap { CalendarDate(iso: $0) }))
            }
            let projects = try connection.query("""
                SELECT tp.proposal_id, p.title, tp.cost_centimes, tp.supporters, tp.funded, tp.round,
                       coalesce(tp.explanation->>'decision', CASE WHEN tp.funded THEN 'funded' ELSE 'notReached' END),
                       u.status, u.progress_percent, u.spent_centimes, u.recorded_at
                FROM tally_projects tp JOIN proposals p ON p.id = tp.proposal_id
                LEFT JOIN LATERAL (
                    SELECT i.status, i.progress_percent::int AS progress_percent, i.spent_centimes, i.recorded_at
                    FROM implementation_updates i WHERE i.proposal_id = tp.proposal_id AND tp.funded
                    ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1
                ) u ON true
                WHERE tp.tally_id = \(tally.id)
                ORDER BY tp.supporters DESC, tp.proposal_id
                """).map { row in
                    let funded = try row.decode(Bool.self, 4)
                    let round = try row.decodeIfPresent(Int.self, 5)
                    return PublishedOutcome.Project(
                        id: try row.decode(ProposalID.self, 0), title: try row.decode(String.self, 1),
                        cost: Money(centimes: try row.decode(Int64.self, 2)), supporters: try row.decode(Int.self, 3),
                        funded: funded, round: round,
                        decision: OutcomeDecision(stored: try row.decode(String.self, 6), funded: funded, round: round),
                        progress: try row.decodeIfPresent(String.self, 7).map { status in
                            PublishedOutcome.Progress(
                                status: status, percent: try row.decode(Int.self, 8), spent: Money(centimes: try row.decode(Int64.self, 9)),
                                recordedAt: try row.decode(Date.self, 10))
                        }, history: history[try row.decode(Int.self, 0)] ?? [])
                }
            let registered = try connection.query("""
                SELECT count(*) FROM registry_entries
                WHERE cycle_id = \(cycle) AND (\(tally.district)::int IS NULL OR district_id = \(tally.district)::int)
                """).single().decode(Int.self, 0)
            scopes.append(PublishedOutcome.Scope(
                tallyID: tally.id, districtName: tally.nameFR.map { BilingualName(french: $0, arabic: tally.nameAR ?? $0) },
                budget: Money(centimes: tally.budget), spent: Money(centimes: tally.spent), ballots: tally.voters,
                registered: registered, rule: tally.rule, tieBreak: tally.tie, projects: projects, account: tally.account))
        }
        return PublishedOutcome(scopes: scopes, paperCounts: try CycleStore.paperCounts(cycle.rawValue, on: connection))
    }
}

struct PostgresCycleHistory: CycleHistoryRepository {
    let connection: PostgresConnection

    func phases(of cycle: CycleID) throws -> [PhaseEntry] {
        try connection.query("SELECT phase, entered_at FROM cycle_phases WHERE cycle_id = \(cycle) ORDER BY entered_at")
            .map { row in (Phase(rawValue: try row.decode(String.self, 0)), try row.decode(Date.self, 1)) }
            .compactMap { phase, date in phase.map { PhaseEntry(phase: $0, enteredAt: date) } }
    }
}

import Crypto
import Foundation
import MizanCore
import PostgresDriver

/// Reading a scope's ballots for the engine, storing outcomes and publishing them. Everything runs
/// on the caller's connection, so a command's outcome rows and audit entry share one transaction.
public enum TallyStore {
    /// A scope's projects and merged ballots, read from the canonical `.pb` stream itself, with
    /// that stream's SHA-256: the stored hash is of exactly the ballots used.
    public struct Prepared: Sendable {
        public let scope: TallyScope
        public let projects: [TallyProjectInput]
        public let groups: [TallyVoteGroup]
        public let sha256: String
        public let ballots: Int
    }

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
    ) throws -> Prepared {
        var counts: [[UInt8]: Int] = [:]
        let fieldsBeforeReceipt = EngineSettings.voteType(for: cycle.ballot) == .cumulative ? 2 : 1
        let (sha256, ballots) = try CanonicalBallots.write(
            cycle: cycle, scope: scope, on: connection, into: { _ in },
            voteLine: { line in
                // `number;projects[;points];receipt;channel`: the key is what lies between the
                // number and the receipt.
                guard let start = line.firstIndex(of: UInt8(ascii: ";")) else { return }
                var end = start + 1
                var seen = 0
                while end < line.count {
                    if line[end] == UInt8(ascii: ";") {
                        seen += 1
                        if seen == fieldsBeforeReceipt { break }
                    }
                    end += 1
                }
                counts[Array(line[(start + 1)..<end]), default: 0] += 1
            },
            progress: progress)
        let projects = try connection.query("""
            SELECT p.id, p.official_cost_centimes, p.title FROM proposals p WHERE \(CanonicalBallots.projectFilter) ORDER BY p.id
            """).map {
                TallyProjectInput(id: try $0.decode(Int.self, 0), cost: Money(centimes: try $0.decode(Int64.self, 1)), title: try $0.decode(String.self, 2))
            }
        let voteType = EngineSettings.voteType(for: cycle.ballot)
        let groups = counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, count in
            let fields = key.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            let ids = fields[0].split(separator: UInt8(ascii: ",")).map { Int(String(decoding: $0, as: UTF8.self)) ?? -1 }
            let points = fields.count > 1 ? fields[1].split(separator: UInt8(ascii: ",")).map { Int(String(decoding: $0, as: UTF8.self)) ?? 0 } : []
            let marks = ids.enumerated().map { position, id in
                switch voteType {
                case .cumulative, .scoring: TallyMark(project: id, value: position < points.count ? points[position] : 0)
                case .ordinal: TallyMark(project: id, value: position)
                case .approval: TallyMark(project: id, value: 1)
                }
            }
            return TallyVoteGroup(marks: marks, count: count)
        }
        return Prepared(scope: scope, projects: projects, groups: groups, sha256: sha256, ballots: ballots)
    }

    /// Stores one scope's outcome and returns the new tally's id. The database refuses it unless
    /// the cycle is in its tallied phase.
    @discardableResult
    public static func store(
        cycle: Cycle, prepared: Prepared, result: TallyResult, actor: String, on connection: PostgresConnection
    ) throws -> Int {
        let id = try connection.query("""
            INSERT INTO tallies (commune_id, cycle_id, district_id, rule, tie_break, engine_version, budget_centimes,
                                 spent_centimes, voters, pb_sha256, trace, computed_by)
            VALUES (\(cycle.communeID), \(cycle.id), \(prepared.scope.district), \(result.ruleKey), \(result.tieBreak),
                    \(EngineSettings.version), \(result.budgetCentimes), \(result.spentCentimes), \(result.voters),
                    \(prepared.sha256), \(result.traceJSON)::jsonb, \(actor))
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

    /// One stored outcome row, as listed after publishing.
    public struct Stored: Sendable {
        public let id: Int
        public let district: Int?
        public let spent: Money
        public let budget: Money
        public let funded: Int
    }

    /// Freezes the newest stored outcome of every scope (all rows of the latest `mizan tally`
    /// share its transaction's `computed_at`) and moves the cycle to published.
    public static func publish(cycleID: Int, actor: String, on connection: PostgresConnection) throws -> [Stored] {
        let cycle = try lockCycle(cycleID, on: connection)
        guard cycle.phase == .tallied else {
            throw TallyError.wrongPhase(
                cycle: cycleID, phase: cycle.phase, action: "publishing",
                needed: cycle.phase < .tallied ? "needs a tallied cycle (close voting with `mizan cycle advance`, then `mizan tally`)" : "was done already: a published outcome is frozen")
        }
        let rows = try connection.query("""
            UPDATE tallies t SET published_at = now()
            WHERE t.cycle_id = \(cycleID) AND t.computed_at = (SELECT max(computed_at) FROM tallies WHERE cycle_id = \(cycleID))
            RETURNING t.id, t.district_id, t.spent_centimes, t.budget_centimes,
                      (SELECT count(*) FROM tally_projects tp WHERE tp.tally_id = t.id AND tp.funded)
            """)
        guard !rows.isEmpty else { throw TallyError.nothingToPublish(cycle: cycleID) }
        let stored = try rows.map {
            Stored(
                id: try $0.decode(Int.self, 0), district: try $0.decodeIfPresent(Int.self, 1),
                spent: Money(centimes: try $0.decode(Int64.self, 2)), budget: Money(centimes: try $0.decode(Int64.self, 3)),
                funded: try $0.decode(Int.self, 4))
        }.sorted { ($0.district ?? 0) < ($1.district ?? 0) }
        try AuditLogStore.append(
            actor: actor, action: "tally.publish", object: "cycle:\(cycleID)",
            details: "tallies=" + stored.map { String($0.id) }.joined(separator: ","), on: connection)
        try CycleStore.move(cycle, to: .published, actor: actor, on: connection)
        return stored
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
                    'ballots_sha256', t.pb_sha256, 'rule', t.rule, 'tie_break', t.tie_break, 'engine_version', t.engine_version,
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

import MizanCore
import PostgresDriver

/// Cycles: creation, lookup and forward-only phase changes. Each function runs on the caller's
/// connection so a use case and its audit entry share one transaction.
public enum CycleStore {
    static let columns: SQL = """
        SELECT y.id, y.commune_id, c.code, c.name_fr, c.name_ar, y.year, y.title, y.budget_centimes, y.phase,
               y.ballot_kind, y.min_choices, y.max_choices, y.points_total, y.points_cap, y.rank_depth, y.rule, y.tie_break,
               y.equalshares_options, y.thresholds, to_char(y.proposals_open, 'YYYY-MM-DD'),
               to_char(y.proposals_close, 'YYYY-MM-DD'), to_char(y.voting_open, 'YYYY-MM-DD'), to_char(y.voting_close, 'YYYY-MM-DD')
        FROM cycles y JOIN communes c ON c.id = y.commune_id
        """

    /// Creates a cycle with its audit entry: `CreateCycle` in the caller's transaction.
    public static func create(_ cycle: NewCycle, actor: String, on connection: PostgresConnection) throws -> Cycle {
        try CreateCycle.perform(cycle, actor: actor, in: PostgresStores(connection: connection))
    }

    /// Stores the cycle in draft and records that phase; the audit entry is the caller's.
    static func insert(_ cycle: NewCycle, actor: String, on connection: PostgresConnection) throws -> Cycle {
        guard let communeID = try connection.query("SELECT id FROM communes WHERE code = \(cycle.communeCode.value)")
            .first?.decode(Int.self, 0)
        else { throw CycleError.communeNotFound(cycle.communeCode.value) }
        let parameters = BallotColumns(cycle.ballot)
        let minimum = parameters.minimum, maximum = parameters.maximum
        let total = parameters.total, cap = parameters.cap, depth = parameters.depth
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                INSERT INTO cycles (commune_id, year, title, budget_centimes, ballot_kind, min_choices, max_choices,
                                    points_total, points_cap, rank_depth, rule, tie_break, equalshares_options, thresholds,
                                    proposals_open, proposals_close, voting_open, voting_close)
                VALUES (\(communeID), \(cycle.year), \(cycle.title), \(cycle.budget.centimes), \(cycle.ballot.kind),
                        \(minimum), \(maximum), \(total), \(cap), \(depth), \(cycle.rule.rawValue), \(cycle.tieBreak.rawValue),
                        \(cycle.options.equalShares.key), \(cycle.options.storedThresholds),
                        \(cycle.schedule.proposalsOpen?.description)::date, \(cycle.schedule.proposalsClose?.description)::date,
                        \(cycle.schedule.votingOpen?.description)::date, \(cycle.schedule.votingClose?.description)::date)
                RETURNING id
                """)
        } catch {
            if error.sqlState == SQLState.uniqueViolation { throw CycleError.duplicate(cycle.title) }
            throw error
        }
        let id = try inserted.single().decode(Int.self, 0)
        try connection.query("INSERT INTO cycle_phases (cycle_id, commune_id, phase, actor) VALUES (\(id), \(communeID), 'draft', \(actor))")
        return try require(id, on: connection)
    }

    /// Replaces a cycle's settings; the database refuses it once voting opens
    /// (`cycles_rules_frozen`, `cycles_settings_frozen`), and a title the commune already uses
    /// that year (`CycleError.duplicate`). The audit entry is the caller's.
    static func update(_ id: Int, to cycle: NewCycle, on connection: PostgresConnection) throws -> Cycle {
        let parameters = BallotColumns(cycle.ballot)
        let minimum = parameters.minimum, maximum = parameters.maximum
        let total = parameters.total, cap = parameters.cap, depth = parameters.depth
        do {
            try connection.query("""
                UPDATE cycles SET year = \(cycle.year), title = \(cycle.title), budget_centimes = \(cycle.budget.centimes),
                    ballot_kind = \(cycle.ballot.kind), min_choices = \(minimum), max_choices = \(maximum), points_total = \(total),
                    points_cap = \(cap), rank_depth = \(depth), rule = \(cycle.rule.rawValue), tie_break = \(cycle.tieBreak.rawValue),
                    equalshares_options = \(cycle.options.equalShares.key), thresholds = \(cycle.options.storedThresholds),
                    proposals_open = \(cycle.schedule.proposalsOpen?.description)::date,
                    proposals_close = \(cycle.schedule.proposalsClose?.description)::date,
                    voting_open = \(cycle.schedule.votingOpen?.description)::date,
                    voting_close = \(cycle.schedule.votingClose?.description)::date
                WHERE id = \(id)
                """)
        } catch {
            if error.sqlState == SQLState.uniqueViolation { throw CycleError.duplicate(cycle.title) }
            throw error
        }
        return try require(id, on: connection)
    }

    public static func find(_ id: Int, on connection: PostgresConnection) throws -> Cycle? {
        try connection.query("\(columns) WHERE y.id = \(id)").map(decode).first
    }

    public static func require(_ id: Int, on connection: PostgresConnection) throws -> Cycle {
        guard let cycle = try find(id, on: connection) else { throw CycleError.notFound(id) }
        return cycle
    }

    public static func list(communeCode: GeoCode?, on connection: PostgresConnection) throws -> [Cycle] {
        let filter: SQL = communeCode.map { "WHERE c.code = \($0.value)" } ?? ""
        return try connection.query("\(columns) \(filter) ORDER BY c.code, y.year DESC, y.id").map(decode)
    }

    /// Moves the cycle one phase forward with its audit entry: `AdvanceCycle` in the caller's transaction.
    public static func advance(
        _ id: Int, actor: String, secrets: ServerSecrets? = nil, on connection: PostgresConnection
    ) throws -> Cycle {
        try AdvanceCycle.perform(CycleID(id), actor: actor, in: PostgresStores(connection: connection), secrets: secrets)
    }

    /// Enters `phase` (the next one), records it and appends the audit entry; used by publishing.
    static func move(_ cycle: Cycle, to phase: Phase, actor: String, on connection: PostgresConnection) throws {
        try enter(cycle, phase, actor: actor, on: connection)
        try AuditLogStore.append(
            actor: actor, action: "cycle.advance", object: "cycle:\(cycle.id)", details: "\(cycle.phase.rawValue)->\(phase.rawValue)",
            on: connection)
    }

    /// Enters `phase` and records who did it; the database refuses anything but the next phase.
    static func enter(_ cycle: Cycle, _ phase: Phase, actor: String, on connection: PostgresConnection) throws {
        try connection.query("UPDATE cycles SET phase = \(phase.rawValue) WHERE id = \(cycle.id)")
        try connection.query("""
            INSERT INTO cycle_phases (cycle_id, commune_id, phase, actor) VALUES (\(cycle.id), \(cycle.communeID), \(phase.rawValue), \(actor))
            """)
    }

    static func proposalCounts(_ cycleID: Int, on connection: PostgresConnection) throws -> ProposalCounts {
        let counts = try connection.query("""
            SELECT count(*) FILTER (WHERE status = 'submitted'), count(*) FILTER (WHERE status = 'accepted'), count(*)
            FROM proposals WHERE cycle_id = \(cycleID)
            """).single()
        return ProposalCounts(
            submitted: try counts.decode(Int.self, 0), accepted: try counts.decode(Int.self, 1), total: try counts.decode(Int.self, 2))
    }

    static func envelopes(_ cycleID: Int, on connection: PostgresConnection) throws -> (count: Int, total: Money) {
        let envelopes = try connection.query("""
            SELECT count(*), coalesce(sum(budget_centimes), 0) FROM district_envelopes WHERE cycle_id = \(cycleID)
            """).single()
        return (try envelopes.decode(Int.self, 0), Money(centimes: try envelopes.decode(Int64.self, 1)))
    }

    static func envelopeList(_ cycleID: Int, on connection: PostgresConnection) throws -> [DistrictEnvelope] {
        try connection.query("""
            SELECT e.district_id, d.name_fr, d.name_ar, e.budget_centimes
            FROM district_envelopes e JOIN districts d ON d.id = e.district_id
            WHERE e.cycle_id = \(cycleID) ORDER BY d.name_fr, e.district_id
            """).map {
                DistrictEnvelope(
                    district: DistrictID(try $0.decode(Int.self, 0)),
                    name: BilingualName(french: try $0.decode(String.self, 1), arabic: try $0.decode(String.self, 2)),
                    budget: Money(centimes: try $0.decode(Int64.self, 3)))
            }
    }

    static func setEnvelope(_ cycleID: Int, district: Int, budget: Money, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO district_envelopes (cycle_id, commune_id, district_id, budget_centimes)
            SELECT id, commune_id, \(district), \(budget.centimes) FROM cycles WHERE id = \(cycleID)
            ON CONFLICT (cycle_id, district_id) DO UPDATE SET budget_centimes = EXCLUDED.budget_centimes
            """)
    }

    static func removeEnvelope(_ cycleID: Int, district: Int, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM district_envelopes WHERE cycle_id = \(cycleID) AND district_id = \(district)")
    }

    static func paperCounts(_ cycleID: Int, on connection: PostgresConnection) throws -> [PaperCount] {
        try connection.query("SELECT place, spoiled, blank FROM paper_counts WHERE cycle_id = \(cycleID) ORDER BY place").map {
            PaperCount(place: try $0.decode(String.self, 0), spoiled: try $0.decode(Int.self, 1), blank: try $0.decode(Int.self, 2))
        }
    }

    static func recordPaperCount(
        _ cycleID: Int, place: String, spoiled: Int, blank: Int, actor: String, on connection: PostgresConnection
    ) throws {
        try connection.query("""
            INSERT INTO paper_counts (cycle_id, commune_id, place, spoiled, blank, recorded_by)
            SELECT id, commune_id, \(place), \(spoiled), \(blank), \(actor) FROM cycles WHERE id = \(cycleID)
            ON CONFLICT (cycle_id, place) DO UPDATE
            SET spoiled = EXCLUDED.spoiled, blank = EXCLUDED.blank, recorded_at = now(), recorded_by = EXCLUDED.recorded_by
            """)
    }

    static func decode(_ row: Row) throws -> Cycle {
        let kind = try row.decode(String.self, 9)
        let ballot: BallotRules
        switch kind {
        case "approval": ballot = .approval(minimum: try row.decodeIfPresent(Int.self, 10) ?? 0, maximum: try row.decodeIfPresent(Int.self, 11))
        case "knapsack": ballot = .knapsack
        case "points": ballot = .points(total: try row.decode(Int.self, 12), cap: try row.decodeIfPresent(Int.self, 13))
        default: ballot = .ranked(depth: try row.decode(Int.self, 14))
        }
        return Cycle(
            id: try row.decode(Int.self, 0), communeID: try row.decode(Int.self, 1), communeCode: try row.decode(String.self, 2),
            communeName: BilingualName(french: try row.decode(String.self, 3), arabic: try row.decode(String.self, 4)),
            year: try row.decode(Int.self, 5), title: try row.decode(String.self, 6),
            budget: Money(centimes: try row.decode(Int64.self, 7)), phase: Phase(rawValue: try row.decode(String.self, 8)) ?? .draft,
            ballot: ballot, rule: WinnerRule(rawValue: try row.decode(String.self, 15)) ?? .greedy,
            tieBreak: TieBreak(rawValue: try row.decode(String.self, 16)) ?? .lexicographic,
            // The database checks both columns' form; a value this version cannot read counts as
            // the standard options rather than hiding the cycle.
            options: (try? CountingOptions(storedEqualShares: try row.decode(String.self, 17), storedThresholds: try row.decode(String.self, 18)))
                ?? .standard,
            schedule: CycleSchedule(
                proposalsOpen: try day(row, 19), proposalsClose: try day(row, 20), votingOpen: try day(row, 21), votingClose: try day(row, 22)))
    }

    private static func day(_ row: Row, _ column: Int) throws -> CalendarDate? {
        try row.decodeIfPresent(String.self, column).flatMap { CalendarDate(iso: $0) }
    }
}

/// The ballot rules as the nullable columns of `cycles`.
struct BallotColumns {
    var minimum: Int?
    var maximum: Int?
    var total: Int?
    var cap: Int?
    var depth: Int?

    init(_ rules: BallotRules) {
        switch rules {
        case .approval(let low, let high):
            minimum = low
            maximum = high
        case .knapsack: break
        case .points(let points, let limit):
            total = points
            cap = limit
        case .ranked(let ranks): depth = ranks
        }
    }
}

import MizanCore
import PostgresDriver

extension PostgresStorage {
    /// One transaction in which the demo data records the acts of its use cases through `Stores`
    /// and generates, through `DemoDataStore`, what stands for thousands of voters: all of it is
    /// committed, or none.
    public func demoTransaction<T: Sendable>(_ work: @escaping @Sendable (any Stores, DemoDataStore) throws -> T) async throws -> T {
        try await pool.withTransaction { connection in
            try work(PostgresStores(connection: connection), DemoDataStore(connection: connection))
        }
    }
}

/// The demo's bulk data, generated in SQL from fixed seeds so every fresh database gets the same
/// registry, ballots and outcome.
public struct DemoDataStore {
    let connection: PostgresConnection

    /// Registry entries that stand for no one: only their number matters (turnout).
    public func addPlaceholderVoters(_ count: Int, to cycle: Cycle) throws {
        try connection.query("""
            INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date)
            SELECT \(cycle.communeID), \(cycle.id), sha256(convert_to('mizan-demo-oujda-registry:' || i, 'UTF8')),
                   DATE '1950-01-01' + (i * 37) % 20000
            FROM generate_series(1, \(count)) i
            """)
    }

    /// Voter i's ballot approves 1 to 4 projects drawn without replacement with probability
    /// proportional to each project's popularity weight (Efraimidis–Spirakis keys from md5 of
    /// fixed strings); receipts use the receipt alphabet; channels are mostly web. Voters vote on
    /// the `days` days from `firstDay` (`YYYY-MM-DD`, Morocco's calendar), between 8:00 and 21:00,
    /// a quarter of them on the first three days and a quarter on the last three, as turnout runs
    /// when voting opens and before it closes. Ballots carry no time: only `participation` does.
    public func generateApprovalBallots(
        _ count: Int, cycle: Cycle, projects: [ProposalID], weights: [Int], firstDay: String, days: Int
    ) throws {
        let cycleID = cycle.id, communeID = cycle.communeID
        try connection.query("""
            INSERT INTO participation (cycle_id, commune_id, voter_key, channel, voted_at)
            SELECT \(cycleID), \(communeID), sha256(convert_to('mizan-demo-oujda-voter:' || i, 'UTF8')),
                   (ARRAY['web', 'web', 'web', 'web', 'web', 'web', 'paper', 'paper', 'code', 'code'])[
                       1 + get_byte(decode(md5('mizan-demo-oujda-channel:' || i), 'hex'), 0) % 10],
                   ((\(firstDay)::text)::date + (CASE
                        WHEN get_byte(t.h, 0) < 64 THEN get_byte(t.h, 1) % 3
                        WHEN get_byte(t.h, 0) < 128 THEN (\(days)::int) - 3 + get_byte(t.h, 1) % 3
                        ELSE get_byte(t.h, 1) % (\(days)::int)
                    END) + time '08:00' + (get_byte(t.h, 2) * 256 + get_byte(t.h, 3)) % 780 * interval '1 minute')
                   AT TIME ZONE 'Africa/Casablanca'
            FROM generate_series(1, \(count)) i
            CROSS JOIN LATERAL (SELECT decode(md5('mizan-demo-oujda-voted-at:' || i), 'hex') AS h) t
            """)
        try connection.query("""
            INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel)
            SELECT \(communeID), \(cycleID), sha256(convert_to('mizan-demo-oujda-pseudonym:' || i, 'UTF8')),
                   (SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + get_byte(h, k) % 32, 1)
                                      || CASE WHEN k IN (3, 7, 11) THEN '-' ELSE '' END, '' ORDER BY k)
                    FROM generate_series(0, 15) k),
                   (ARRAY['web', 'web', 'web', 'web', 'web', 'web', 'paper', 'paper', 'code', 'code'])[
                       1 + get_byte(decode(md5('mizan-demo-oujda-channel:' || i), 'hex'), 0) % 10]
            FROM generate_series(1, \(count)) i
            CROSS JOIN LATERAL (SELECT decode(md5('mizan-demo-oujda-receipt:' || i), 'hex') AS h) r
            """)
        try connection.query("""
            INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
            SELECT b.id, \(cycleID), pick.proposal, 1
            FROM generate_series(1, \(count)) i
            JOIN ballots b ON b.cycle_id = \(cycleID) AND b.pseudonym = sha256(convert_to('mizan-demo-oujda-pseudonym:' || i, 'UTF8'))
            CROSS JOIN LATERAL (
                SELECT ranked.proposal FROM (
                    SELECT p.proposal, row_number() OVER (
                        ORDER BY -ln((('x' || substr(md5('mizan-demo-oujda-choice:' || i || ':' || p.n), 1, 7))::bit(28)::int + 0.5)::float8
                                     / 268435456.0) / p.popularity) AS position
                    FROM unnest(\(projects.map(\.rawValue))::int[], \(weights)::int[]) WITH ORDINALITY AS p (proposal, popularity, n)
                ) ranked
                WHERE ranked.position <= 1 + get_byte(decode(md5('mizan-demo-oujda-size:' || i), 'hex'), 0) % 4
            ) pick
            """)
    }

    /// Dates the cycle's phases: `calendar` gives each phase's start in Morocco's time
    /// (`YYYY-MM-DD HH:MM`), so a past demo cycle reads as past on its pages.
    public func datePhases(_ cycle: CycleID, _ calendar: [(phase: String, startsAt: String)]) throws {
        for (phase, startsAt) in calendar {
            try connection.query("""
                UPDATE cycle_phases SET entered_at = (\(startsAt)::text)::timestamp AT TIME ZONE 'Africa/Casablanca'
                WHERE cycle_id = \(cycle.rawValue) AND phase = \(phase)
                """)
        }
    }

    /// The tally, as `mizan tally --cycle ID` stores it, then `mizan publish --cycle ID`.
    public func tallyAndPublish(_ cycleID: CycleID, actor: String) throws {
        let cycle = try TallyStore.lockCycle(cycleID.rawValue, on: connection)
        var stored: [String] = []
        for scope in try TallyScope.all(for: cycle, on: connection) {
            let prepared = try TallyStore.prepare(cycle: cycle, scope: scope, on: connection)
            let result = TallyComputation.compute(cycle: cycle, projects: prepared.projects, groups: prepared.groups, budget: scope.budget)
            let id = try TallyStore.store(cycle: cycle, prepared: prepared, result: result, actor: actor, on: connection)
            stored.append(
                "tally=\(id) district=\(scope.district.map(String.init) ?? "-") rule=\(result.ruleKey) voters=\(result.voters) spent=\(result.spentCentimes) pb_sha256=\(prepared.sha256)")
        }
        try AuditLogStore.append(
            actor: actor, action: "tally.store", object: "cycle:\(cycle.id)", details: stored.joined(separator: " "), on: connection)
        _ = try TallyStore.publish(cycleID: cycle.id, actor: actor, on: connection)
    }

    /// One receipt code of the cycle's ballots, to try "check my ballot" with.
    public func sampleReceipt(_ cycleID: CycleID) throws -> String? {
        try connection.query("SELECT receipt_code FROM ballots WHERE cycle_id = \(cycleID.rawValue) ORDER BY receipt_code LIMIT 1")
            .first?.decode(String.self, 0)
    }
}

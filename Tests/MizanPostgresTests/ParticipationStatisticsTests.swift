import Foundation
import MizanCore
import PBEngine
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver

/// A Berkane cycle of 2026 in voting, with three districts of its own, five proposals and 87
/// voters seeded through `seed_ballot`:
/// - registry voters 1–45 in Quartier A, 46–72 in B, 73–75 in C (3: a small cell), 76–80 are
///   registered but do not vote; 12 printed-code voters without a district;
/// - voters 1–5 on paper (a small cell), the other registry voters online;
/// - sex unknown for every seventh registry entry, F/M alternating otherwise; birth years spread
///   over 1950–2005;
/// - by voter order: 40 on 2 March, none on 3 March, 3 on 4 March, 44 on 5 March.
struct StatisticsScenario {
    let cycle: Cycle
    let districts: [Int]

    static func make(on connection: PostgresConnection) throws -> StatisticsScenario {
        var cycle = try CycleStore.create(
            NewCycle(
                communeCode: try GeoCode(parsing: "02.113.01.09"), year: 2026, title: "Budget participatif 2026",
                budget: .dirhams(1_000_000), ballot: .approval(minimum: 1, maximum: 2), rule: .greedy, tieBreak: .lexicographic),
            actor: "test", on: connection)
        let districts = try connection.query("""
            INSERT INTO districts (commune_id, kind, name_fr, name_ar, population)
            VALUES (\(cycle.communeID), 'quarter', 'Quartier A', 'حي أ', 1200), (\(cycle.communeID), 'quarter', 'Quartier B', 'حي ب', 900),
                   (\(cycle.communeID), 'quarter', 'Quartier C', 'حي ج', NULL)
            RETURNING id
            """).map { try $0.decode(Int.self, 0) }.sorted()
        cycle = try CycleStore.advance(cycle.id, actor: "test", on: connection)
        try connection.query("""
            INSERT INTO proposals (commune_id, cycle_id, title, description, category, estimated_cost_centimes)
            SELECT \(cycle.communeID), \(cycle.id), 'Projet ' || g, '', (ARRAY['roads', 'roads', 'culture', 'culture', 'other'])[g], 10000000
            FROM generate_series(1, 5) g
            """)
        cycle = try CycleStore.advance(cycle.id, actor: "test", on: connection)
        try connection.query("""
            UPDATE proposals SET
                status = (ARRAY['accepted', 'accepted', 'accepted', 'rejected', 'hidden'])[rank],
                official_cost_centimes = CASE WHEN rank <= 3 THEN estimated_cost_centimes END,
                official_answer = CASE WHEN rank = 4 THEN 'Hors compétence' END,
                hidden_reason = CASE WHEN rank = 5 THEN 'Injurieux' END
            FROM (SELECT id AS pid, row_number() OVER (ORDER BY id)::int AS rank FROM proposals WHERE cycle_id = \(cycle.id)) r
            WHERE id = r.pid
            """)
        try connection.query("""
            INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date, district_id, sex, birth_year)
            SELECT \(cycle.communeID), \(cycle.id), sha256(('stat-voter-' || g)::bytea),
                   make_date(1950 + (g * 7) % 56, 1 + g % 12, 1 + g % 28),
                   CASE WHEN g <= 45 THEN \(districts[0])::int WHEN g <= 72 THEN \(districts[1])::int WHEN g <= 75 THEN \(districts[2])::int END,
                   CASE WHEN g % 7 = 0 THEN NULL WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, 1950 + (g * 7) % 56
            FROM generate_series(1, 80) g
            """)
        cycle = try CycleStore.advance(cycle.id, actor: "test", on: connection)
        let project = try connection.query("SELECT min(id) FROM proposals WHERE cycle_id = \(cycle.id) AND status = 'accepted'").single().decode(Int.self, 0)
        try connection.query("""
            SELECT seed_ballot(\(cycle.id), \(cycle.communeID), r.national_id_hmac, CASE WHEN g <= 5 THEN 'paper' ELSE 'web' END, r.district_id,
                               sha256(('stat-pseudonym-' || g)::bytea), 'STAT-' || lpad(g::text, 4, '0') || '-AAAA', ARRAY[\(project)::int], ARRAY[1])
            FROM generate_series(1, 75) g JOIN registry_entries r ON r.national_id_hmac = sha256(('stat-voter-' || g)::bytea)
            """)
        try connection.query("""
            SELECT seed_ballot(\(cycle.id), \(cycle.communeID), sha256(('stat-code-' || g)::bytea), 'code', NULL,
                               sha256(('stat-code-pseudonym-' || g)::bytea), 'CODE-' || lpad(g::text, 4, '0') || '-AAAA', ARRAY[\(project)::int], ARRAY[1])
            FROM generate_series(1, 12) g
            """)
        try connection.query("""
            UPDATE participation p SET voted_at = CASE WHEN v.n <= 40 THEN TIMESTAMPTZ '2026-03-02 12:00Z'
                                                       WHEN v.n <= 43 THEN TIMESTAMPTZ '2026-03-04 12:00Z'
                                                       ELSE TIMESTAMPTZ '2026-03-05 12:00Z' END
            FROM (SELECT voter_key, row_number() OVER (ORDER BY voter_key) AS n FROM participation WHERE cycle_id = \(cycle.id)) v
            WHERE p.cycle_id = \(cycle.id) AND p.voter_key = v.voter_key
            """)
        return StatisticsScenario(cycle: cycle, districts: districts)
    }
}

/// A count as published must be the direct count, or withheld when that is under 10, or masked.
func expectProtected(_ shown: ProtectedCount, matches direct: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if direct < ProtectedCount.threshold {
        #expect(shown == .fewerThanThreshold, "\(what): \(direct) voters must be withheld", sourceLocation: sourceLocation)
    } else {
        #expect(shown == .exact(direct) || shown == .masked, "\(what): \(shown) for \(direct) voters", sourceLocation: sourceLocation)
    }
}

@Suite("Participation statistics from the database")
struct ParticipationStatisticsTests {
    func connect() async throws -> PostgresConnection {
        try PostgresConnection.connect(try await TestPostgres.database())
    }

    @Test func everyBreakdownMatchesDirectCountsWithSmallCellsWithheld() async throws {
        let connection = try await connect()
        defer { connection.close() }
        let scenario = try StatisticsScenario.make(on: connection)
        let id = scenario.cycle.id
        let statistics = try ParticipationStatistics.load(cycle: scenario.cycle, on: connection)

        let total = try connection.query("SELECT count(*) FROM participation WHERE cycle_id = \(id)").single().decode(Int.self, 0)
        #expect(total == 87)
        #expect(statistics.voters == .exact(total))
        #expect(statistics.registered == 80)
        #expect(statistics.byChannel.total == .exact(total))

        // Districts: A 45, B 27, C 3 (withheld), no district 12 (masked: C would be the total
        // minus the others otherwise).
        let names = statistics.byDistrict.cells.map { $0.key.nameFR ?? "none" }
        #expect(names == ["Quartier A", "Quartier B", "Quartier C", "none"])
        for cell in statistics.byDistrict.cells {
            let direct = try connection.query("""
                SELECT count(*) FROM participation WHERE cycle_id = \(id) AND district_id IS NOT DISTINCT FROM \(cell.key.id)::int
                """).single().decode(Int.self, 0)
            expectProtected(cell.count, matches: direct, cell.key.nameFR ?? "none")
            if let district = cell.key.id {
                let registered = try connection.query("""
                    SELECT count(*) FROM registry_entries WHERE cycle_id = \(id) AND district_id = \(district)
                    """).single().decode(Int.self, 0)
                #expect(cell.key.registered == registered)
            }
        }
        #expect(statistics.byDistrict.cells.map(\.count) == [.exact(45), .exact(27), .fewerThanThreshold, .masked])
        #expect(statistics.byDistrict.cells.map(\.key.population) == [1200, 900, nil, nil])
        #expect(statistics.byDistrict.cells.map(\.key.registered) == [45, 27, 3, 0])

        // Channels: web 70, paper 5 (withheld), code 12 (masked).
        for cell in statistics.byChannel.cells {
            let direct = try connection.query("""
                SELECT count(*) FROM participation WHERE cycle_id = \(id) AND channel = \(cell.key.channel)
                """).single().decode(Int.self, 0)
            expectProtected(cell.count, matches: direct, cell.key.channel)
        }
        #expect(statistics.byChannel.cells.map(\.count) == [.exact(70), .fewerThanThreshold, .masked])

        // Sex and age, counted here through the registry itself (not the copy on participation).
        let sexes = try #require(statistics.bySex)
        for cell in sexes.cells {
            let sex: String? = if case .known(let value) = cell.key { value.rawValue } else { nil }
            let direct = try connection.query("""
                SELECT count(*) FROM participation p
                LEFT JOIN registry_entries r ON r.cycle_id = p.cycle_id AND r.national_id_hmac = p.voter_key
                WHERE p.cycle_id = \(id) AND r.sex IS NOT DISTINCT FROM \(sex)::text
                """).single().decode(Int.self, 0)
            expectProtected(cell.count, matches: direct, "sex \(sex ?? "unknown")")
            #expect(!cell.count.isWithheld, "every sex group has 10 or more voters here")
        }
        let ages = try #require(statistics.byAgeBand)
        #expect(ages.cells.count == AgeBand.allCases.count + 1)
        for cell in ages.cells {
            let bounds: (Int, Int)? = switch cell.key {
            case .known(.upTo24): (0, 24)
            case .known(.from25To34): (25, 34)
            case .known(.from35To44): (35, 44)
            case .known(.from45To59): (45, 59)
            case .known(.from60): (60, 200)
            case .unknown: nil
            }
            let direct = try connection.query("""
                SELECT count(*) FROM participation p
                LEFT JOIN registry_entries r ON r.cycle_id = p.cycle_id AND r.national_id_hmac = p.voter_key
                WHERE p.cycle_id = \(id) AND CASE WHEN \(bounds?.0)::int IS NULL THEN r.birth_year IS NULL
                    ELSE 2026 - r.birth_year BETWEEN \(bounds?.0)::int AND \(bounds?.1)::int END
                """).single().decode(Int.self, 0)
            expectProtected(cell.count, matches: direct, "age \(cell.key)")
        }
        let withheldAges = ages.cells.filter(\.count.isWithheld).count
        #expect(withheldAges != 1, "a single withheld cell could be recovered from the total")

        // Days: 40, (3 March) 0, 3, 44; the two small days protect each other.
        let days = try connection.query("""
            SELECT (voted_at AT TIME ZONE 'Africa/Casablanca')::date::text, count(*) FROM participation WHERE cycle_id = \(id)
            GROUP BY 1 ORDER BY 1
            """).map { (try $0.decode(String.self, 0), try $0.decode(Int.self, 1)) }
        #expect(days.map(\.1) == [40, 3, 44])
        #expect(statistics.byDay.days.map(\.date.description) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"])
        #expect(statistics.byDay.days.map(\.voters) == [.exact(40), .fewerThanThreshold, .fewerThanThreshold, .exact(44)])
        #expect(statistics.byDay.days.map(\.runningTotal) == [.exact(40), .masked, .exact(43), .exact(87)])

        // Proposals are public one by one: exact counts; hidden ones stay out of the categories.
        #expect(statistics.proposalsByCategory.map(\.name) == ["culture", "roads"], "equal counts: by name")
        #expect(statistics.proposalsByCategory.map(\.proposals) == [2, 2])
        #expect(statistics.proposalsByStatus.map(\.name) == ["accepted", "rejected", "hidden"])
        #expect(statistics.proposalsByStatus.map(\.proposals) == [3, 1, 1])

        // The JSON form carries the same protection.
        let json = String(decoding: try JSONEncoder().encode(statistics), as: UTF8.self)
        #expect(json.contains("\"<10\""))
        #expect(json.contains("\"[c]\""))
        #expect(!json.contains("\"count\":3,") && !json.contains("\"count\":5,"))
    }

    @Test func profileIsCopiedWhenTheVoteIsRecordedAndFollowsRegistryCorrections() async throws {
        let connection = try await connect()
        defer { connection.close() }
        let scenario = try StatisticsScenario.make(on: connection)
        let id = scenario.cycle.id
        let copies = try connection.query("""
            SELECT count(*) FILTER (WHERE p.sex IS NOT DISTINCT FROM r.sex AND p.birth_year IS NOT DISTINCT FROM r.birth_year), count(*)
            FROM participation p LEFT JOIN registry_entries r ON r.cycle_id = p.cycle_id AND r.national_id_hmac = p.voter_key
            WHERE p.cycle_id = \(id)
            """).single()
        #expect(try copies.decode(Int.self, 0) == copies.decode(Int.self, 1))
        let codeProfiles = try connection.query("""
            SELECT count(*) FROM participation WHERE cycle_id = \(id) AND channel = 'code' AND (sex IS NOT NULL OR birth_year IS NOT NULL)
            """).single().decode(Int.self, 0)
        #expect(codeProfiles == 0)
        #expect(try connection.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'ballots' AND column_name IN ('sex', 'birth_year')")
            .single().decode(Int.self, 0) == 0, "what was voted stays apart from who voted")

        let before = try ParticipationStatistics.load(cycle: scenario.cycle, on: connection)
        // Voter 7 (unknown sex) is corrected to F while voting is open.
        try connection.query("UPDATE registry_entries SET sex = 'F' WHERE national_id_hmac = sha256('stat-voter-7'::bytea)")
        let after = try ParticipationStatistics.load(cycle: scenario.cycle, on: connection)
        let women = { (statistics: ParticipationStatistics) in statistics.bySex?.cells.first { $0.key == .known(.female) }?.count.value }
        let unknown = { (statistics: ParticipationStatistics) in statistics.bySex?.cells.first { $0.key == .unknown }?.count.value }
        let womenBefore = try #require(women(before)), womenAfter = try #require(women(after))
        let unknownBefore = try #require(unknown(before)), unknownAfter = try #require(unknown(after))
        #expect(womenAfter == womenBefore + 1)
        #expect(unknownAfter == unknownBefore - 1)
    }

    @Test func aCycleWithoutVotersOrDistrictsHasOnlyWithheldEmptyCells() async throws {
        let connection = try await connect()
        defer { connection.close() }
        let cycle = try CycleStore.create(
            NewCycle(
                communeCode: try GeoCode(parsing: "02.113.01.09"), year: 2026, title: "Vide", budget: .dirhams(1000),
                ballot: .approval(minimum: 1, maximum: 1), rule: .greedy, tieBreak: .lexicographic),
            actor: "test", on: connection)
        let statistics = try ParticipationStatistics.load(cycle: cycle, on: connection)
        #expect(statistics.voters == .fewerThanThreshold)
        #expect(statistics.byDay.days.isEmpty)
        #expect(statistics.byDistrict.cells.isEmpty)
        #expect(statistics.byChannel.cells.map(\.count) == [.fewerThanThreshold, .fewerThanThreshold, .fewerThanThreshold])
        #expect(statistics.bySex == nil && statistics.byAgeBand == nil)
    }
}

@Suite("Copying the profile of votes recorded before migration 0006")
struct ParticipationProfileMigrationTests {
    @Test func existingVotesOfClosedCyclesAreBackfilled() async throws {
        let cluster = try await TestPostgres.cluster.value
        let name = "profile_\(UInt32.random(in: 0...UInt32.max))"
        try cluster.createDatabase(name)
        let connection = try PostgresConnection.connect(cluster.configuration(database: name))
        defer { connection.close() }
        let migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
        try Migrator(migrations: migrations.filter { $0.version < 6 }).migrate(on: connection)
        try connection.execute(script: """
            INSERT INTO cycles (commune_id, year, title, budget_centimes, ballot_kind, rule)
            SELECT id, 2026, 'Avant', 100000, 'approval', 'greedy' FROM communes WHERE code = '02.113.01.09';
            UPDATE cycles SET phase = 'proposals'; UPDATE cycles SET phase = 'review';
            INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date, sex, birth_year)
            SELECT commune_id, id, sha256('old-1'::bytea), DATE '1980-02-03', 'F', 1980 FROM cycles
            UNION ALL SELECT commune_id, id, sha256('old-2'::bytea), DATE '1999-02-03', NULL, 1999 FROM cycles;
            UPDATE cycles SET phase = 'voting';
            INSERT INTO participation (cycle_id, commune_id, voter_key, channel)
            SELECT id, commune_id, sha256(k::bytea), c FROM cycles, (VALUES ('old-1', 'web'), ('old-2', 'paper'), ('code-1', 'code')) v (k, c);
            UPDATE cycles SET phase = 'tallied';
            """)
        try Migrator(migrations: migrations).migrate(on: connection)
        let rows = try connection.query("SELECT channel, sex, birth_year FROM participation ORDER BY channel")
            .map { "\(try $0.decode(String.self, 0)) \(try $0.decodeIfPresent(String.self, 1) ?? "-") \(try $0.decodeIfPresent(Int.self, 2) ?? 0)" }
        #expect(rows == ["code - 0", "paper - 1999", "web F 1980"])
        #expect(throws: PostgresError.self, "the phase guard is back once the copy is done") {
            try connection.query("UPDATE participation SET voted_at = now()")
        }
    }
}

@Suite("The small-cell rule")
struct SmallCellRuleTests {
    @Test func aLonelySmallCellTakesTheSmallestOtherWithIt() {
        let breakdown = Breakdown(counting: [(key: "a", count: 120), (key: "b", count: 4), (key: "c", count: 30), (key: "d", count: 31)])
        #expect(breakdown.cells.map(\.count) == [.exact(120), .fewerThanThreshold, .masked, .exact(31)])
        #expect(breakdown.total == .exact(185))
        let empty = Breakdown(counting: [(key: "a", count: 120), (key: "b", count: 0), (key: "c", count: 30)])
        #expect(empty.cells.map(\.count) == [.exact(120), .fewerThanThreshold, .exact(30)], "a lone empty cell masks nothing")
        let two = Breakdown(counting: [(key: "a", count: 120), (key: "b", count: 4), (key: "c", count: 0)])
        #expect(two.cells.map(\.count) == [.exact(120), .fewerThanThreshold, .fewerThanThreshold])
        let tiny = Breakdown(counting: [(key: "a", count: 6), (key: "b", count: 2)])
        #expect(tiny.total == .fewerThanThreshold)
        #expect(tiny.cells.allSatisfy { $0.count == .fewerThanThreshold })
        #expect(Breakdown(counting: [(key: "a", count: 10)]).cells.map(\.count) == [.exact(10)])
    }

    /// For random breakdowns: no shown cell differs from its count, nothing under 10 shows, and
    /// the total minus the shown cells never isolates one withheld cell.
    @Test func noSingleWithheldCellCanBeRecovered() {
        var generator = StatisticsRandom(seed: 20261123)
        for _ in 0..<2000 {
            let counts = (0..<Int.random(in: 1...7, using: &generator)).map { _ in
                Bool.random(using: &generator) ? Int.random(in: 0...12, using: &generator) : Int.random(in: 0...500, using: &generator)
            }
            let breakdown = Breakdown(counting: counts.enumerated().map { (key: $0.offset, count: $0.element) })
            for (cell, count) in zip(breakdown.cells, counts) {
                if count < 10 { #expect(cell.count == .fewerThanThreshold) }
                if let value = cell.count.value { #expect(value == count) }
            }
            let withheld = zip(breakdown.cells, counts).filter { $0.0.count.isWithheld }
            if breakdown.total.value != nil, withheld.count == 1 {
                #expect(withheld[0].1 == 0, "\(counts): one non-empty withheld cell is the total minus the others")
            }
        }
    }

    @Test func runningTotalsNeverIsolateAWithheldDay() {
        var generator = StatisticsRandom(seed: 7)
        let start = CalendarDate(year: 2026, month: 2, day: 27)
        for _ in 0..<2000 {
            let counts = (0..<Int.random(in: 1...9, using: &generator)).map { _ in
                Bool.random(using: &generator) ? Int.random(in: 0...12, using: &generator) : Int.random(in: 0...300, using: &generator)
            }
            var date = start
            var dated: [(date: CalendarDate, count: Int)] = []
            for count in counts {
                dated.append((date, count))
                date = date.next
            }
            let series = DailyTurnout(counting: dated)
            #expect(series.days.count == counts.count)
            var running = 0
            var withheldSinceShown: [Int] = []
            for (day, count) in zip(series.days, counts) {
                running += count
                if let value = day.voters.value { #expect(value == count) }
                if count < 10 { #expect(day.voters == .fewerThanThreshold) }
                if day.voters.isWithheld { withheldSinceShown.append(count) }
                if let value = day.runningTotal.value {
                    #expect(value == running)
                    #expect(withheldSinceShown.count != 1 || withheldSinceShown == [0], "\(counts): a running total isolates one day")
                    withheldSinceShown = []
                } else if running < 10 {
                    #expect(day.runningTotal == .fewerThanThreshold)
                }
            }
            if series.total.value != nil { #expect(series.days.last?.runningTotal == series.total) }
        }
        // Gaps become withheld zero days, across a month's end.
        let gap = DailyTurnout(counting: [(CalendarDate(year: 2026, month: 3, day: 2), 50), (CalendarDate(year: 2026, month: 2, day: 27), 40)])
        #expect(gap.days.map(\.date.description) == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
        #expect(gap.days.map(\.voters) == [.exact(40), .fewerThanThreshold, .fewerThanThreshold, .exact(50)])
    }

    @Test func ageBandsFollowTheCycleYear() {
        #expect(AgeBand(birthYear: 2002, cycleYear: 2026) == .upTo24)
        #expect(AgeBand(birthYear: 2001, cycleYear: 2026) == .from25To34)
        #expect(AgeBand(birthYear: 1982, cycleYear: 2026) == .from35To44)
        #expect(AgeBand(birthYear: 1981, cycleYear: 2026) == .from45To59)
        #expect(AgeBand(birthYear: 1967, cycleYear: 2026) == .from45To59)
        #expect(AgeBand(birthYear: 1966, cycleYear: 2026) == .from60)
    }
}

/// The project's one seeded generator, so the random cases are the same on every run.
typealias StatisticsRandom = SplitMix64

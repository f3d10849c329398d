import MizanCore
import PostgresDriver

extension ParticipationStatistics {
    /// Reads every breakdown of a cycle and protects it: two passes over covering indexes of
    /// `participation` (days; districts × channels × sexes × birth years), one over the registry's
    /// district index for the denominators, small ones for districts and proposals (see
    /// migration 0006 and BENCHMARKS.md for why this shape). Counts are live: callers decide
    /// whether the cycle's phase allows showing them.
    ///
    /// Days are Morocco's calendar days (`Africa/Casablanca`), as every date on the site.
    public static func load(cycle: Cycle, on connection: PostgresConnection) throws -> ParticipationStatistics {
        var raw = RawCounts(year: cycle.year, registered: 0)

        for row in try connection.query("""
            SELECT voted_on::text, count(*) FROM participation WHERE cycle_id = \(cycle.id) GROUP BY voted_on
            """).rows {
            let text = try row.decode(String.self, 0)
            guard let date = CalendarDate(iso: text) else { throw PostgresError(.decoding, "'\(text)' is not a date") }
            let count = try row.decode(Int.self, 1)
            raw.byDay.append((date: date, count: count))
        }
        // One small cross table (districts × channels × sexes × birth years, a few thousand rows
        // for a million voters) read off the covering index; each breakdown is one of its margins.
        var byDistrictID: [Int: Int] = [:]
        for row in try connection.query("""
            SELECT district_id, channel, sex, birth_year, count(*) FROM participation WHERE cycle_id = \(cycle.id)
            GROUP BY district_id, channel, sex, birth_year
            """).rows {
            let count = try row.decode(Int.self, 4)
            if let district = try row.decodeIfPresent(Int.self, 0) {
                byDistrictID[district, default: 0] += count
            } else {
                raw.withoutDistrict += count
            }
            let channel = VoteChannel(rawValue: try row.decode(String.self, 1))
            let sex = try row.decodeIfPresent(String.self, 2).flatMap(Sex.init(rawValue:))
            let birthYear = try row.decodeIfPresent(Int.self, 3)
            if let channel { raw.byChannel[channel, default: 0] += count }
            raw.bySex[sex, default: 0] += count
            raw.byBirthYear[birthYear, default: 0] += count
        }

        var registeredByDistrict: [Int: Int] = [:]
        for row in try connection.query("""
            SELECT district_id, count(*) FROM registry_entries WHERE cycle_id = \(cycle.id) GROUP BY district_id
            """).rows {
            let count = try row.decode(Int.self, 1)
            raw.registered += count
            if let district = try row.decodeIfPresent(Int.self, 0) { registeredByDistrict[district] = count }
        }
        raw.byDistrict = try connection.query("""
            SELECT id, name_fr, name_ar, population FROM districts WHERE commune_id = \(cycle.communeID) ORDER BY name_fr, id
            """).map { row in
                let id = try row.decode(Int.self, 0)
                let group = DistrictGroup(
                    id: id, nameFR: try row.decode(String.self, 1), nameAR: try row.decode(String.self, 2),
                    population: try row.decodeIfPresent(Int.self, 3), registered: registeredByDistrict[id, default: 0])
                return (key: group, count: byDistrictID[id, default: 0])
            }
        // Composite foreign keys keep every district inside the cycle's commune; should a count
        // still match no listed district, it joins "no district" rather than leaving the total.
        let listed = Set(raw.byDistrict.compactMap(\.key.id))
        raw.withoutDistrict += byDistrictID.filter { !listed.contains($0.key) }.values.reduce(0, +)

        raw.proposalsByCategory = try connection.query("""
            SELECT category, count(*) FROM proposals WHERE cycle_id = \(cycle.id) AND status <> 'hidden'
            GROUP BY category ORDER BY count(*) DESC, category
            """).map { ProposalCount(name: try $0.decode(String.self, 0), proposals: try $0.decode(Int.self, 1)) }
        raw.proposalsByStatus = try connection.query("""
            SELECT status, count(*) FROM proposals WHERE cycle_id = \(cycle.id)
            GROUP BY status ORDER BY array_position(ARRAY['submitted', 'accepted', 'rejected', 'merged', 'hidden'], status)
            """).map { ProposalCount(name: try $0.decode(String.self, 0), proposals: try $0.decode(Int.self, 1)) }
        return ParticipationStatistics(cycleID: cycle.id, raw: raw)
    }
}

extension PostgresStores {
    var participation: any ParticipationStatisticsRepository { PostgresParticipationStatistics(connection: connection) }
}

struct PostgresParticipationStatistics: ParticipationStatisticsRepository {
    let connection: PostgresConnection

    func beginSnapshot() throws {
        try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    }

    func statistics(cycle: Cycle) throws -> ParticipationStatistics {
        try ParticipationStatistics.load(cycle: cycle, on: connection)
    }
}

import Crypto
import Foundation
import MizanCore
import PBEngine
import PostgresDriver

extension TallyScope {
    /// The cycle's envelopes when it has any, else the whole cycle.
    public static func all(for cycle: Cycle, on connection: PostgresConnection) throws -> [TallyScope] {
        let envelopes = try connection.query("""
            SELECT e.district_id, d.name_fr, e.budget_centimes
            FROM district_envelopes e JOIN districts d ON d.id = e.district_id
            WHERE e.cycle_id = \(cycle.id) ORDER BY e.district_id
            """)
        if envelopes.isEmpty { return [TallyScope(district: nil, districtName: nil, budget: cycle.budget)] }
        return try envelopes.map {
            TallyScope(
                district: try $0.decode(Int.self, 0), districtName: try $0.decodeIfPresent(String.self, 1),
                budget: Money(centimes: try $0.decode(Int64.self, 2)))
        }
    }
}

/// The canonical Pabulib `.pb` of a scope's ballots: what the tally hashes and reads, and what the
/// export writes, byte for byte.
///
/// Ballots are ordered by receipt code (random, so unrelated to the order or time of voting) and
/// numbered 1…N in that order; no voter data, only the channel and the receipt code, so each voter
/// can find theirs. Nothing in it depends on when it is written.
public enum CanonicalBallots {
    /// Streams the file into `sink` and returns its SHA-256 (hex) and the number of ballots. Each
    /// VOTES line is also handed to `voteLine` (without its newline), so the tally reads exactly the
    /// bytes it hashes. The caller's transaction must allow long statements (see `allowLongWork`).
    @discardableResult
    public static func write(
        cycle: Cycle, scope: TallyScope, on connection: PostgresConnection,
        into sink: (UnsafeRawBufferPointer) throws -> Void,
        voteLine: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws -> (sha256: String, ballots: Int) {
        var hasher = SHA256()
        func emit(_ text: String) throws {
            var bytes = Array(text.utf8)
            hasher.update(data: bytes)
            try bytes.withUnsafeMutableBytes { try sink(UnsafeRawBufferPointer($0)) }
        }
        try select(cycle: cycle, scope: scope, on: connection)
        let projects = try connection.query("""
            SELECT p.id, p.official_cost_centimes, p.title, p.category, coalesce(v.votes, 0)
            FROM proposals p LEFT JOIN (\(votesPerProject(cycle: cycle, scope: scope))) v ON v.proposal_id = p.id
            WHERE \(projectFilter) ORDER BY p.id
            """)
        let ballots = try connection.query("""
            SELECT count(*) FROM ballots b
            WHERE \(ballotFilter) AND EXISTS (
                SELECT 1 FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id WHERE c.ballot_id = b.id AND \(projectFilter))
            """).single().decode(Int.self, 0)
        let voteType = EngineSettings.voteType(for: cycle.ballot)
        let rule = EngineSettings.rule(of: cycle)
        var meta: [(String, String)] = [
            ("description", "Participatory budget of \(cycle.communeName.french), \(cycle.title)"),
            ("country", "Morocco"), ("unit", cycle.communeName.french),
        ]
        if let district = scope.district { meta.append(("subunit", scope.districtName ?? "district \(district)")) }
        meta += [
            ("instance", "\(cycle.year)"), ("num_projects", "\(projects.count)"), ("num_votes", "\(ballots)"),
            ("budget", decimal(scope.budget)), ("vote_type", voteType.rawValue),
        ]
        switch cycle.ballot {
        case .approval(let minimum, let maximum):
            meta.append(("min_length", "\(minimum)"))
            if let maximum { meta.append(("max_length", "\(maximum)")) }
        case .knapsack: meta.append(("max_sum_cost", decimal(cycle.budget)))
        case .points(let total, let cap):
            meta.append(("max_sum_points", "\(total)"))
            if let cap { meta.append(("max_points", "\(cap)")) }
        case .ranked(let depth): meta.append(("max_length", "\(depth)"))
        }
        meta += [
            ("rule", rule.key), ("tie_break", cycle.tieBreak.rawValue),
        ]
        meta += MetaRule.metaLines(cycle.options.thresholds)
        meta += [
            ("currency", "MAD"), ("language", "ar,fr"), ("commune_code", cycle.communeCode), ("cycle", "\(cycle.id)"),
        ]
        if let district = scope.district { meta.append(("district", "\(district)")) }
        try emit("META\nkey;value\n" + meta.map { "\($0.0);\(PabulibField.quoted($0.1))\n" }.joined())
        try emit("PROJECTS\nproject_id;cost;votes;name;category\n")
        for row in projects.rows {
            let cost = Money(centimes: try row.decode(Int64.self, 1))
            try emit("\(try row.decode(Int.self, 0));\(decimal(cost));\(try row.decode(Int.self, 4));\(PabulibField.quoted(try row.decode(String.self, 2)));\(PabulibField.quoted(try row.decode(String.self, 3)))\n")
        }
        let points = voteType == .cumulative
        try emit("VOTES\n" + PabulibVote.header(points: points, extraColumns: ["receipt", "channel"]) + "\n")
        var copied = 0
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var row = BallotRow()
        try connection.copyOut(votesCopy(points: points, ranked: voteType == .ordinal)) { chunk in
            try row.read(chunk, points: points)
            line.removeAll(keepingCapacity: true)
            PabulibVote.append(
                voter: row.number, projects: row.projects, points: points ? row.points : nil, extra: [row.receipt, row.channel],
                to: &line)
            line.append(UInt8(ascii: "\n"))
            try line.withUnsafeBytes { bytes in
                hasher.update(bufferPointer: bytes)
                try sink(bytes)
                if let voteLine { try voteLine(UnsafeRawBufferPointer(rebasing: bytes.dropLast())) }
            }
            copied += 1
            if copied % 100_000 == 0 { progress?(copied) }
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (digest, ballots)
    }

    /// Marks per project in the scope. The whole cycle's are counted from `ballot_choices` alone
    /// (its index on cycle and project), without joining a million ballots.
    static func votesPerProject(cycle: Cycle, scope: TallyScope) -> SQL {
        scope.district == nil
            ? "SELECT c.proposal_id, count(*) AS votes FROM ballot_choices c WHERE c.cycle_id = \(cycle.id) GROUP BY c.proposal_id"
            : "SELECT c.proposal_id, count(*) AS votes FROM \(SQL(unsafeRaw: scopedChoices)) GROUP BY c.proposal_id"
    }

    /// Lifts the session's 30-second statement limit for the rest of the transaction (a million
    /// ballots take longer than that to read, and staff are waiting for it on purpose), and gives
    /// the sorts of the canonical order enough memory not to spill to disk.
    public static func allowLongWork(on connection: PostgresConnection) throws {
        try connection.query("SELECT set_config('statement_timeout', '30min', true), set_config('work_mem', '256MB', true)")
    }

    /// COPY takes no bind parameters, so the cycle and district travel as transaction-local
    /// settings set with binds, and the COPY statements themselves are constant text.
    static func select(cycle: Cycle, scope: TallyScope, on connection: PostgresConnection) throws {
        try connection.query("""
            SELECT set_config('mizan.scope_cycle', \(String(cycle.id)), true),
                   set_config('mizan.scope_district', \(scope.district.map(String.init) ?? ""), true)
            """)
    }

    static let cycleSetting = "current_setting('mizan.scope_cycle')::int"
    static let districtSetting = "nullif(current_setting('mizan.scope_district'), '')::int"
    /// Accepted projects of the selected scope (`p` is `proposals`).
    static let projectFilter = SQL(unsafeRaw: """
        p.cycle_id = \(cycleSetting) AND p.status = 'accepted' AND (\(districtSetting) IS NULL OR p.district_id = \(districtSetting))
        """)
    /// Ballots of the selected scope (`b` is `ballots`).
    static let ballotFilter = SQL(unsafeRaw: """
        b.cycle_id = \(cycleSetting) AND (\(districtSetting) IS NULL OR b.district_id = \(districtSetting))
        """)
    /// The marks of the scope's ballots on the scope's projects.
    static let scopedChoices = """
        ballots b JOIN ballot_choices c ON c.ballot_id = b.id JOIN proposals p ON p.id = c.proposal_id
        WHERE \(ballotFilter.text) AND \(projectFilter.text)
        """

    /// One row per ballot, tab-separated: its number, the projects, the points (cumulative ballots),
    /// the receipt code and the channel. Ranked ballots list projects best first, the others by
    /// project number. `PabulibVote` writes the VOTES line from it.
    static func votesCopy(points: Bool, ranked: Bool) -> SQL {
        let order = ranked ? "c.weight, c.proposal_id" : "c.proposal_id"
        let pointsColumn = points ? ", string_agg(c.weight::text, ',' ORDER BY \(order))" : ""
        return SQL(unsafeRaw: """
            COPY (
                SELECT row_number() OVER (ORDER BY b.receipt_code), string_agg(c.proposal_id::text, ',' ORDER BY \(order))
                       \(pointsColumn), b.receipt_code, b.channel
                FROM \(scopedChoices)
                GROUP BY b.id, b.receipt_code, b.channel
                ORDER BY b.receipt_code
            ) TO STDOUT
            """)
    }

    /// A row of `votesCopy`, read without building a `String` per number (a million of them are
    /// read per tally): numbers, receipt codes and channel names, nothing COPY escapes.
    struct BallotRow {
        var number = 0
        var projects: [Int] = []
        var points: [Int] = []
        var receipt = ""
        var channel = ""
        private var fields: [Range<Int>] = []
        private var numbers: [Int] = []

        mutating func read(_ row: UnsafeRawBufferPointer, points hasPoints: Bool) throws {
            let end = row.last == UInt8(ascii: "\n") ? row.count - 1 : row.count
            fields.removeAll(keepingCapacity: true)
            var start = 0
            for index in 0..<end where row[index] == UInt8(ascii: "\t") {
                fields.append(start..<index)
                start = index + 1
            }
            fields.append(start..<end)
            numbers.removeAll(keepingCapacity: true)
            if fields.count == (hasPoints ? 5 : 4) { Self.integers(row, fields[0], into: &numbers) }
            guard numbers.count == 1 else { throw ExportError("unexpected ballot row from the database") }
            number = numbers[0]
            projects.removeAll(keepingCapacity: true)
            Self.integers(row, fields[1], into: &projects)
            points.removeAll(keepingCapacity: true)
            if hasPoints { Self.integers(row, fields[2], into: &points) }
            receipt = String(decoding: UnsafeRawBufferPointer(rebasing: row[fields[fields.count - 2]]), as: UTF8.self)
            channel = String(decoding: UnsafeRawBufferPointer(rebasing: row[fields[fields.count - 1]]), as: UTF8.self)
        }

        /// Appends the comma-separated non-negative integers in `range` to `list`.
        static func integers(_ row: UnsafeRawBufferPointer, _ range: Range<Int>, into list: inout [Int]) {
            var value = 0
            var digits = 0
            for index in range {
                let byte = row[index]
                if byte == UInt8(ascii: ",") {
                    if digits > 0 { list.append(value) }
                    value = 0
                    digits = 0
                } else {
                    value = value * 10 + Int(byte &- UInt8(ascii: "0"))
                    digits += 1
                }
            }
            if digits > 0 { list.append(value) }
        }
    }

    /// Dirhams with two decimals when there are centimes (`1500000`, `1500000.50`).
    public static func decimal(_ money: Money) -> String {
        let cents = money.centimes % 100
        return cents == 0 ? "\(money.centimes / 100)" : "\(money.centimes / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

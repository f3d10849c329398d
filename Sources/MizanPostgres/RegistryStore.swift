import MizanCore
import PostgresDriver

/// Loads a voter registry into a cycle in one transaction: streamed through COPY into a temporary
/// table, districts checked in SQL, then merged so a re-import updates entries instead of
/// duplicating them.
public enum RegistryStore {
    public typealias Report = RegistryImportReport
    public typealias Rejected = RegistryRejected

    /// Imports a registry with its audit entry: `ImportRegistry` in the caller's transaction.
    /// `feed` pushes each valid record through `accept` and returns the problems it found.
    public static func importRecords(
        cycleID: Int, secrets: ServerSecrets, skipInvalid: Bool, actor: String, source: String,
        on connection: PostgresConnection,
        feed: (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]
    ) throws -> Report {
        try ImportRegistry.perform(
            cycle: CycleID(cycleID), secrets: secrets, skipInvalid: skipInvalid, source: source, actor: actor,
            in: PostgresStores(connection: connection), feed: feed)
    }

    /// Streams the records through COPY into a temporary table, checks their districts in SQL,
    /// then merges them; the records are hashed with the server secret before they leave this process.
    static func load(
        into cycle: Cycle, secrets: ServerSecrets, skipInvalid: Bool, on connection: PostgresConnection,
        feed: (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]
    ) throws -> Report {
        let cycleID = cycle.id
        // A whole commune's registry (a million lines) merges in one statement that takes longer
        // than the session's 30 s statement timeout meant for interactive work.
        try connection.execute(script: "SET LOCAL statement_timeout = '15min'")
        try connection.execute(script: """
            CREATE TEMPORARY TABLE registry_import (
                line integer PRIMARY KEY, national_id_hmac bytea NOT NULL, birth_date date NOT NULL,
                district text, sex text, birth_year smallint
            ) ON COMMIT DROP
            """)
        var problems: [LineProblem] = []
        try connection.copyIn("COPY registry_import FROM STDIN") { send in
            try withoutActuallyEscaping(send) { write in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(80_000)
            problems = try feed { record in
                let digest = secrets.digest(of: record.nationalID)
                var row = "\(record.line)\t\\\\x\(hex(digest))\t\(record.birthDate)\t"
                row += record.district.map(copyEscaped) ?? "\\N"
                row += "\t" + (record.sex ?? "\\N") + "\t" + (record.birthYear.map(String.init) ?? "\\N") + "\n"
                buffer.append(contentsOf: row.utf8)
                if buffer.count >= 64_000 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try write(buffer) }
            }
        }
        let unknownDistricts = try connection.query("""
            SELECT i.line, i.district FROM registry_import i
            WHERE i.district IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM districts d WHERE d.commune_id = \(cycle.communeID)
                  AND (d.name_fr = i.district OR d.name_ar = i.district OR d.code = i.district OR d.id::text = i.district))
            ORDER BY i.line
            """).map { row in
            let district = try row.decode(String.self, 1)
            return LineProblem(line: try row.decode(Int.self, 0), field: "district",
                               reason: "\"\(district)\" is not a district of \(cycle.communeName.french)", kind: "unknown-district", value: district)
        }
        problems += unknownDistricts
        problems.sort { ($0.line, $0.field) < ($1.line, $1.field) }
        if !problems.isEmpty, !skipInvalid { throw Rejected(problems: problems) }
        if !unknownDistricts.isEmpty {
            try connection.query("DELETE FROM registry_import WHERE line = ANY(\(unknownDistricts.map(\.line)))")
        }
        let counts = try connection.query("""
            WITH merged AS (
                INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date, district_id, sex, birth_year)
                SELECT \(cycle.communeID), \(cycleID), i.national_id_hmac, i.birth_date,
                       (SELECT d.id FROM districts d WHERE d.commune_id = \(cycle.communeID)
                          AND (d.name_fr = i.district OR d.name_ar = i.district OR d.code = i.district OR d.id::text = i.district)
                        ORDER BY d.id LIMIT 1),
                       i.sex, i.birth_year
                FROM registry_import i
                ON CONFLICT (cycle_id, national_id_hmac) DO UPDATE
                    SET birth_date = EXCLUDED.birth_date, district_id = EXCLUDED.district_id,
                        sex = EXCLUDED.sex, birth_year = EXCLUDED.birth_year
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
            """).single()
        return Report(inserted: try counts.decode(Int.self, 0), updated: try counts.decode(Int.self, 1), rejected: problems)
    }

    /// Stores the hashes of codes with the audit entry: `IssueVotingCodes` in the caller's
    /// transaction. The codes themselves go only to the printed file.
    public static func issueCodes(
        _ codes: [VotingCode], cycleID: Int, secrets: ServerSecrets, actor: String, on connection: PostgresConnection
    ) throws {
        _ = try IssueVotingCodes.perform(
            cycle: CycleID(cycleID), codes: codes, secrets: secrets, actor: actor, in: PostgresStores(connection: connection))
    }

    static func storeCodes(_ codes: [VotingCode], cycle: Cycle, secrets: ServerSecrets, on connection: PostgresConnection) throws {
        try connection.copyIn("COPY voting_codes (commune_id, cycle_id, code_hash) FROM STDIN") { write in
            var buffer: [UInt8] = []
            for code in codes {
                buffer.append(contentsOf: "\(cycle.communeID)\t\(cycle.id)\t\\\\x\(hex(secrets.digest(of: code)))\n".utf8)
                if buffer.count >= 64_000 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try write(buffer) }
        }
    }

    static func eligibleCount(_ cycleID: Int, on connection: PostgresConnection) throws -> Int {
        try connection.query("""
            SELECT (SELECT count(*) FROM registry_entries WHERE cycle_id = \(cycleID))
                 + (SELECT count(*) FROM voting_codes WHERE cycle_id = \(cycleID))
            """).single().decode(Int.self, 0)
    }

    static func copyEscaped(_ text: String) -> String {
        var output = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": output += "\\\\"
            case "\t": output += "\\t"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var output = [UInt8]()
    output.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: output, as: UTF8.self)
}

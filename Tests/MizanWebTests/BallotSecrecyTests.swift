import Foundation
import Logging
import MizanCore
import MizanPostgres
import MizanTestSupport
import Synchronization
import Testing
import PostgresDriver

/// The secret ballot, tried by someone who reads the whole database as a superuser but does not
/// hold the server secret (SECURITY.md). Ballots are cast the way the site casts them (the
/// eligibility check with a client address, `CastBallot`, the group-commit ballot box), some one
/// by one and some concurrently, some replaced; voting is closed; then every linkage that was
/// found to work before is tried: transaction ids, ballot ids against the order of voting, the
/// physical order of rows, timestamps, eligibility attempts, logs. Each must do no better than
/// chance: about one right guess out of 240 when guessing blindly, so more than 12 fails.
///
/// The same attacks are first run against ballots stored the old way (participation and ballot in
/// one transaction), where they must succeed: an attack that could not succeed proves nothing.
@Suite("Secret ballot against a database superuser")
struct BallotSecrecyTests {
    static let voters = 240
    static let chance = 12

    @Test func noStoredValueLinksABallotToItsVoter() async throws {
        let configuration = try await TestPostgres.database()
        let site = Site(configuration: configuration)
        let secrets = ServerSecrets.forTests
        let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        let ids = try (1...Self.voters).map { try NationalID(parsing: String(format: "SB%06d", $0)) }
        try site.transaction { connection in
            for id in ids {
                try connection.query("""
                    INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date)
                    SELECT commune_id, id, \(PostgresBytes(secrets.digest(of: id))), DATE '1980-01-01' FROM cycles WHERE id = \(cycle)
                    """)
            }
        }

        let logs = CollectedLogs()
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4)
        let committer = BallotCommitter(pool: pool, maximumBatch: 32, logger: logs.logger("mizan.ballots"))
        let runner = Task { try await committer.run() }
        let storage = PostgresStorage(pool: pool)
        let identify = IdentifyVoter(storage: storage, secrets: secrets)
        let cast = CastBallot(storage: storage, box: committer, secrets: secrets)
        @Sendable func vote(_ index: Int, replacing proof: ReceiptCode? = nil) async throws -> (VoterKey, ReceiptCode) {
            let outcome = try await identify.online(
                .registryDetails(ids[index], birthDate: "1980-01-01"), cycle: CycleID(cycle), client: "10.7.\(index / 200).\(index % 200)")
            guard case .identified(let voter) = outcome else { throw VoteError.notEligible }
            let marks = index % 4 == 0 ? [projects[index % 3], projects[(index + 1) % 3]] : [projects[index % 3]]
            let receipt = try await cast(
                marks.map { BallotChoice(proposalID: $0) }, by: voter, in: CycleID(cycle), channel: voter.onlineChannel,
                submission: .random(), replacing: proof)
            return (voter.key, receipt.code)
        }

        // Half one by one, half 24 at a time; then 20 voters change their ballot.
        var truth: [VoterKey: ReceiptCode] = [:]
        for index in 0..<(Self.voters / 2) {
            let (key, receipt) = try await vote(index)
            truth[key] = receipt
        }
        for start in stride(from: Self.voters / 2, to: Self.voters, by: 24) {
            try await withThrowingTaskGroup(of: (VoterKey, ReceiptCode).self) { group in
                for index in start..<min(start + 24, Self.voters) { group.addTask { try await vote(index) } }
                for try await (key, receipt) in group { truth[key] = receipt }
            }
        }
        for index in stride(from: 3, to: Self.voters, by: 12) {
            let key = VoterKey(secrets.digest(of: ids[index]))
            let (_, receipt) = try await vote(index, replacing: truth[key])
            truth[key] = receipt
        }
        #expect(truth.count == Self.voters)

        // While voting is open, the database holds ciphertext of one length and nothing else.
        try site.transaction { connection in
            #expect(try connection.query("SELECT count(*) FROM ballots WHERE cycle_id = \(cycle)").single().decode(Int.self, 0) == 0)
            let sealed = try connection.query("SELECT sealed FROM sealed_ballots WHERE cycle_id = \(cycle)").map {
                try $0.decode(PostgresBytes.self, 0).bytes
            }
            #expect(sealed.count == Self.voters)
            #expect(Set(sealed.map(\.count)).count == 1, "every sealed ballot has the same length")
            let receipts = Set(truth.values.map(\.value))
            #expect(!sealed.contains { bytes in receipts.contains { String(decoding: bytes, as: UTF8.self).contains($0) } })
        }

        _ = try site.transaction { try CycleStore.advance(cycle, actor: "test", secrets: secrets, on: $0) }
        runner.cancel()
        await pool.shutdown()

        let guesses = try site.transaction { try Self.attack(cycle: cycle, on: $0) }
        for (attack, pairs) in guesses.sorted(by: { $0.key < $1.key }) {
            let right = pairs.filter { truth[$0.voter] == $0.receipt }.count
            #expect(right <= Self.chance, "\(attack): \(right) of \(Self.voters) ballots linked to their voter")
            print("secret ballot, sealed: \(attack): \(right) of \(Self.voters) linked")
        }
        try site.transaction { connection in
            // No time is kept on ballots, and all of them were written by one transaction.
            let timed = try connection.query("""
                SELECT count(*) FROM information_schema.columns
                WHERE table_name IN ('ballots', 'ballot_choices') AND data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date')
                """).single().decode(Int.self, 0)
            #expect(timed == 0)
            #expect(try connection.query("SELECT count(DISTINCT xmin::text) FROM ballots WHERE cycle_id = \(cycle)").single().decode(Int.self, 0) == 1)
            #expect(try connection.query("SELECT count(*) FROM ballots WHERE cycle_id = \(cycle) AND pseudonym IS NOT NULL").single().decode(Int.self, 0) == 0)
        }
        // The logs name no receipt and no voter.
        let lines = logs.lines
        for (voter, receipt) in truth {
            #expect(!lines.contains { $0.contains(receipt.value) || $0.contains(Data(voter.bytes).base64URLEncoded) })
        }
    }

    /// The attacks succeed against ballots stored in the same transaction as their voter's
    /// participation row, one transaction per vote, under increasing ids, as they were before
    /// sealing.
    @Test func theAttacksFindTheLinksOfUnsealedBallots() async throws {
        let configuration = try await TestPostgres.database()
        let site = Site(configuration: configuration)
        let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        var truth: [VoterKey: ReceiptCode] = [:]
        for index in 0..<60 {
            // 31 is odd, so index × 31 differs for every index under 256: distinct keys.
            let key = VoterKey((0..<32).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) })
            let receipt = ReceiptCode.random()
            truth[key] = receipt
            try site.transaction { connection in
                try connection.query("""
                    INSERT INTO participation (cycle_id, commune_id, voter_key, channel)
                    SELECT id, commune_id, \(PostgresBytes(key.bytes)), 'web' FROM cycles WHERE id = \(cycle)
                    """)
                try connection.query("""
                    INSERT INTO ballots (id, commune_id, cycle_id, receipt_code, channel)
                    SELECT \(index + 1), commune_id, id, \(receipt.value), 'web' FROM cycles WHERE id = \(cycle)
                    """)
                try connection.query("""
                    INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id) VALUES (\(index + 1), \(cycle), \(projects[index % 3]))
                    """)
            }
        }
        _ = try site.transaction { try CycleStore.advance(cycle, actor: "test", on: $0) }
        let guesses = try site.transaction { try Self.attack(cycle: cycle, on: $0) }
        for (attack, pairs) in guesses.sorted(by: { $0.key < $1.key }) {
            let right = pairs.filter { truth[$0.voter] == $0.receipt }.count
            #expect(right >= 54, "\(attack) links only \(right) of 60 unsealed ballots")
            print("secret ballot, unsealed control: \(attack): \(right) of 60 linked")
        }
    }

    struct Guess {
        let voter: VoterKey
        let receipt: ReceiptCode
    }

    /// Each attack's guess of which voter cast which ballot, from what a superuser reads.
    static func attack(cycle: Int, on connection: PostgresConnection) throws -> [String: [Guess]] {
        func receipts(_ order: SQL) throws -> [ReceiptCode] {
            try connection.query(order).map { try ReceiptCode(parsing: $0.decode(String.self, 0)) }
        }
        // Voters in the order they voted, by time and then by physical order of their rows (the
        // eligibility attempts give the same order: they are written as each voter comes in).
        let byTime = try connection.query("""
            SELECT voter_key FROM participation WHERE cycle_id = \(cycle) ORDER BY voted_at, ctid
            """).map { VoterKey(try $0.decode(PostgresBytes.self, 0).bytes) }
        let byRow = try connection.query("""
            SELECT voter_key FROM participation WHERE cycle_id = \(cycle) ORDER BY ctid
            """).map { VoterKey(try $0.decode(PostgresBytes.self, 0).bytes) }
        func pair(_ voters: [VoterKey], _ ballots: [ReceiptCode]) -> [Guess] {
            zip(voters, ballots).map { Guess(voter: $0, receipt: $1) }
        }
        var guesses: [String: [Guess]] = [:]
        guesses["ballot ids against the order of voting"] = pair(
            byTime, try receipts("SELECT receipt_code FROM ballots WHERE cycle_id = \(cycle) ORDER BY id"))
        guesses["ballot rows' physical order against participation rows'"] = pair(
            byRow, try receipts("SELECT receipt_code FROM ballots WHERE cycle_id = \(cycle) ORDER BY ctid"))
        guesses["ballot rows' physical order against the time of voting"] = pair(
            byTime, try receipts("SELECT receipt_code FROM ballots WHERE cycle_id = \(cycle) ORDER BY ctid"))
        guesses["choice rows' physical order against the time of voting"] = pair(
            byTime,
            try receipts("""
                SELECT b.receipt_code FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id
                WHERE c.cycle_id = \(cycle) GROUP BY b.receipt_code ORDER BY min(c.ctid)
                """))
        // Rows written by the same transaction share their xmin: a ballot whose xmin is that of
        // exactly one participation row names its voter.
        guesses["shared transaction ids"] = try connection.query("""
            SELECT p.voter_key, b.receipt_code
            FROM ballots b JOIN participation p ON p.cycle_id = b.cycle_id AND p.xmin::text = b.xmin::text
            WHERE b.cycle_id = \(cycle)
              AND (SELECT count(*) FROM participation q WHERE q.cycle_id = b.cycle_id AND q.xmin::text = b.xmin::text) = 1
            """).map { Guess(voter: VoterKey(try $0.decode(PostgresBytes.self, 0).bytes), receipt: try ReceiptCode(parsing: $0.decode(String.self, 1))) }
        return guesses
    }
}

/// Every log line the service writes during a test, at every level.
final class CollectedLogs: Sendable {
    private let collected = Mutex<[String]>([])

    var lines: [String] { collected.withLock { $0 } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(logs: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let logs: CollectedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.collected.withLock { $0.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")") }
        }
    }
}

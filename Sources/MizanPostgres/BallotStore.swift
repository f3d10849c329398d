import MizanCore
import PostgresDriver

/// Casting ballots. Who voted goes to `participation`, what was voted to `ballots` under a
/// pseudonym; both in the caller's transaction, so a vote is either fully stored or not at all, and
/// the database's UNIQUE constraint is the final word on one person, one vote.
public enum BallotStore {
    /// What the voter is told once the transaction commits.
    public struct Receipt: Sendable, Equatable {
        public let code: ReceiptCode
        /// True when an earlier web ballot of the same voter was replaced.
        public let replaced: Bool
    }

    /// The accepted projects and their costs, for validating ballots.
    public static func validator(for cycle: Cycle, on connection: PostgresConnection) throws -> BallotValidator {
        let rows = try connection.query("""
            SELECT id, official_cost_centimes FROM proposals WHERE cycle_id = \(cycle.id) AND status = 'accepted'
            """)
        var projects: [Int: Money] = [:]
        for row in rows.rows { projects[try row.decode(Int.self, 0)] = Money(centimes: try row.decode(Int64.self, 1)) }
        return BallotValidator(rules: cycle.ballot, projects: projects, budget: cycle.budget)
    }

    /// The voter key of a credential, or nil if the cycle does not know it.
    public static func voterKey(
        for credential: VoterCredential, cycleID: Int, secrets: ServerSecrets, on connection: PostgresConnection
    ) throws -> (key: [UInt8], district: Int?)? {
        switch credential {
        case .nationalID(let id):
            let digest = secrets.digest(of: id)
            guard let row = try connection.query("""
                SELECT district_id FROM registry_entries WHERE cycle_id = \(cycleID) AND national_id_hmac = \(PostgresBytes(digest))
                """).first else { return nil }
            return (digest, try row.decodeIfPresent(Int.self, 0))
        case .code(let code):
            let digest = secrets.digest(of: code)
            guard let row = try connection.query("""
                SELECT district_id FROM voting_codes WHERE cycle_id = \(cycleID) AND code_hash = \(PostgresBytes(digest))
                """).first else { return nil }
            return (digest, try row.decodeIfPresent(Int.self, 0))
        }
    }

    /// A validated ballot ready to be written.
    public struct Pending: Sendable {
        public let cycleID: Int
        public let communeID: Int
        public let voterKey: [UInt8]
        public let pseudonym: [UInt8]
        public let district: Int?
        public let channel: VoteChannel
        public let receipt: ReceiptCode
        public let choices: [BallotChoice]

        public init(cycle: Cycle, voterKey: [UInt8], district: Int?, channel: VoteChannel, choices: [BallotChoice], secrets: ServerSecrets) {
            cycleID = cycle.id
            communeID = cycle.communeID
            self.voterKey = voterKey
            pseudonym = secrets.pseudonym(voterKey: voterKey, cycleID: cycle.id)
            self.district = district
            self.channel = channel
            receipt = ReceiptCode.random()
            self.choices = choices
        }

        /// The one statement that stores it (see `cast_ballot` in the migrations).
        var statement: SQL {
            """
            SELECT cast_ballot(\(cycleID), \(communeID), \(PostgresBytes(voterKey)), \(channel.rawValue), \(district),
                               \(PostgresBytes(pseudonym)), \(receipt.value), \(choices.map(\.proposalID))::int[], \(choices.map(\.weight))::int[])
            """
        }

        func receipt(fromResult text: String) throws -> Receipt {
            if text.hasPrefix("already:") {
                throw VoteError.alreadyVoted(channel: VoteChannel(rawValue: String(text.dropFirst(8))) ?? channel)
            }
            return Receipt(code: receipt, replaced: text == "replaced")
        }
    }

    /// Records a vote. A web voter may vote again (the new ballot replaces the old one) until voting
    /// closes; a vote on paper blocks a web vote and the reverse.
    public static func cast(
        cycle: Cycle, voterKey: [UInt8], district: Int?, channel: VoteChannel, choices: [BallotChoice],
        validator: BallotValidator, secrets: ServerSecrets, on connection: PostgresConnection
    ) throws -> Receipt {
        guard cycle.phase == .voting else { throw VoteError.notInVoting(cycle.phase) }
        let valid: [BallotChoice]
        do { valid = try validator.validate(choices) } catch { throw VoteError.invalid(error) }
        let pending = Pending(cycle: cycle, voterKey: voterKey, district: district, channel: channel, choices: valid, secrets: secrets)
        return try pending.receipt(fromResult: connection.query(pending.statement).single().decode(String.self, 0))
    }
}

import MizanCore

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

    /// Records a vote. A web voter may vote again (the new ballot replaces the old one) until voting
    /// closes; a vote on paper blocks a web vote and the reverse.
    public static func cast(
        cycle: Cycle, voterKey: [UInt8], district: Int?, channel: VoteChannel, choices: [BallotChoice],
        validator: BallotValidator, secrets: ServerSecrets, on connection: PostgresConnection
    ) throws -> Receipt {
        guard cycle.phase == .voting else { throw VoteError.notInVoting(cycle.phase) }
        let valid: [BallotChoice]
        do { valid = try validator.validate(choices) } catch { throw VoteError.invalid(error) }
        let key = PostgresBytes(voterKey)
        let replaceable = channel == .web || channel == .code
        let recorded = try connection.query("""
            INSERT INTO participation (cycle_id, commune_id, voter_key, channel, district_id)
            VALUES (\(cycle.id), \(cycle.communeID), \(key), \(channel.rawValue), \(district))
            ON CONFLICT (cycle_id, voter_key) DO UPDATE SET voted_at = now()
                WHERE participation.channel = EXCLUDED.channel AND \(replaceable)
            RETURNING (xmax <> 0) AS replaced
            """)
        guard let row = recorded.first else {
            let existing = try connection.query("SELECT channel FROM participation WHERE cycle_id = \(cycle.id) AND voter_key = \(key)")
                .first?.decode(String.self, 0)
            throw VoteError.alreadyVoted(channel: existing.flatMap(VoteChannel.init) ?? channel)
        }
        let replaced = try row.decode(Bool.self, 0)
        let pseudonym = PostgresBytes(secrets.pseudonym(voterKey: voterKey, cycleID: cycle.id))
        if replaced {
            try connection.query("DELETE FROM ballots WHERE cycle_id = \(cycle.id) AND pseudonym = \(pseudonym)")
        }
        let receipt = ReceiptCode.random()
        let ballotID = try connection.query("""
            INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel, district_id)
            VALUES (\(cycle.communeID), \(cycle.id), \(pseudonym), \(receipt.value), \(channel.rawValue), \(district))
            RETURNING id
            """).single().decode(Int64.self, 0)
        try connection.query("""
            INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
            SELECT \(ballotID), \(cycle.id), p, w FROM unnest(\(valid.map(\.proposalID))::int[], \(valid.map(\.weight))::int[]) AS c (p, w)
            """)
        return Receipt(code: receipt, replaced: replaced)
    }
}

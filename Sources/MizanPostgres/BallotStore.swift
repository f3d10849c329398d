import MizanCore
import PostgresDriver

/// Ballots in the database. Casting writes who voted to `participation` and the ballot, sealed, to
/// `sealed_ballots`, both by the one function `cast_ballot` (see the migrations), so a vote is
/// either fully stored or not at all; the UNIQUE constraints are the final word on one person, one
/// vote, and the phase guards on when. Closing voting moves the sealed ballots, opened and
/// shuffled, into `ballots` (`MixBallots`).
///
/// Ballots are cast only through a `BallotBox` (`BallotCommitter`, `DirectBallotBox`), which use
/// the statement built here.
enum BallotStore {
    /// The one statement that stores a ballot. It answers `stored`, `replaced`, `already:<channel>`,
    /// `needs-receipt` or `form-used` instead of raising, so many ballots can share one transaction
    /// without one refusal aborting the others.
    static func castStatement(_ ballot: PendingBallot) -> SQL {
        """
        SELECT cast_ballot(\(ballot.cycle), \(ballot.commune), \(PostgresBytes(ballot.voter.bytes)), \(ballot.channel.rawValue),
                           \(ballot.district), \(PostgresBytes(ballot.sealed)), \(PostgresBytes(ballot.receiptTag)),
                           \(PostgresBytes(ballot.submissionTag)), \(ballot.proofTag.map(PostgresBytes.init))::bytea)
        """
    }

    /// The receipt for `ballot` from the statement's answer, or the refusal it means.
    static func receipt(for ballot: PendingBallot, fromResult text: String) throws -> BallotReceipt {
        if text.hasPrefix("already:") {
            throw VoteError.alreadyVoted(channel: VoteChannel(rawValue: String(text.dropFirst(8))) ?? ballot.channel)
        }
        switch text {
        case "stored": return BallotReceipt(code: ballot.receipt, replaced: false)
        case "replaced": return BallotReceipt(code: ballot.receipt, replaced: true)
        case "needs-receipt": throw VoteError.needsReceipt
        case "form-used": throw VoteError.staleForm
        default: throw PostgresError(.query, "cast_ballot answered \(text)")
        }
    }

    /// Runs the statement of `ballot` and returns its answer, to be read by `receipt(for:fromResult:)`.
    static func cast(_ ballot: PendingBallot, on connection: PostgresConnection) throws -> String {
        try connection.query(castStatement(ballot)).single().decode(String.self, 0)
    }

    /// A refusal the database raised rather than answered, as a vote error: the phase guard (voting
    /// closed while the ballot was on its way), or the same submission token sent at the same
    /// moment by two voters.
    static func refusal(_ error: PostgresError) -> VoteError? {
        switch error.constraint {
        case "votes_phase": .notInVoting(.tallied)
        case "sealed_ballots_submission_tag_key": .staleForm
        default: nil
        }
    }
}

/// Stored ballots by receipt code.
struct PostgresBallots: BallotRepository {
    let connection: PostgresConnection

    func cycle(ofReceipt code: ReceiptCode, tag: [UInt8]) throws -> CycleID? {
        try connection.query("""
            SELECT cycle_id FROM ballots WHERE receipt_code = \(code.value)
            UNION ALL SELECT cycle_id FROM sealed_ballots WHERE receipt_tag = \(PostgresBytes(tag))
            LIMIT 1
            """).first?.decode(CycleID.self, 0)
    }

    func forEachSealed(in cycle: CycleID, _ body: ([UInt8]) throws -> Void) throws {
        var after: [UInt8] = []
        while true {
            let rows = try connection.query("""
                SELECT voter_key, sealed FROM sealed_ballots WHERE cycle_id = \(cycle) AND voter_key > \(PostgresBytes(after))
                ORDER BY voter_key LIMIT 5000
                """)
            for row in rows.rows { try body(try row.decode(PostgresBytes.self, 1).bytes) }
            guard rows.count == 5000, let last = rows.rows.last else { return }
            after = try last.decode(PostgresBytes.self, 0).bytes
        }
    }

    /// Batches of a few thousand ballots per statement, each statement inserting its rows in the
    /// order of its arrays (unnest WITH ORDINALITY, ORDER BY ordinality).
    func replaceSealed(of cycle: CycleID, commune: CommuneID, with ballots: [OpenedBallot]) throws {
        var start = 0
        while start < ballots.count {
            let batch = ballots[start..<min(start + 2000, ballots.count)]
            start += batch.count
            let ids = try connection.query("""
                INSERT INTO ballots (commune_id, cycle_id, receipt_code, channel, district_id)
                SELECT \(commune), \(cycle), b.receipt, b.channel, b.district
                FROM unnest(\(batch.map(\.receipt.value))::text[], \(batch.map(\.channel.rawValue))::text[],
                            \(batch.map { $0.district?.rawValue })::int[]) WITH ORDINALITY AS b (receipt, channel, district, n)
                ORDER BY b.n
                RETURNING id, receipt_code
                """).map { (try $0.decode(Int64.self, 0), try $0.decode(String.self, 1)) }
            let idOf = Dictionary(uniqueKeysWithValues: ids.map { ($0.1, $0.0) })
            var ballotIDs: [Int64] = [], projects: [Int] = [], weights: [Int] = []
            for ballot in batch {
                for choice in ballot.choices {
                    ballotIDs.append(idOf[ballot.receipt.value]!)
                    projects.append(choice.proposalID)
                    weights.append(choice.weight)
                }
            }
            try connection.query("""
                INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
                SELECT c.ballot, \(cycle), c.project, c.weight
                FROM unnest(\(ballotIDs)::bigint[], \(projects)::int[], \(weights)::int[]) WITH ORDINALITY AS c (ballot, project, weight, n)
                ORDER BY c.n
                """)
        }
        try connection.query("DELETE FROM sealed_ballots WHERE cycle_id = \(cycle)")
    }

    func published(receipt code: ReceiptCode, in cycle: Cycle) throws -> PublishedBallot? {
        guard let ballot = try connection.query("""
            SELECT b.id, b.channel, t.id, t.district_id, t.pb_sha256
            FROM ballots b JOIN tallies t ON t.cycle_id = b.cycle_id AND t.published_at IS NOT NULL
                                         AND (t.district_id IS NULL OR t.district_id = b.district_id)
            WHERE b.receipt_code = \(code.value) AND b.cycle_id = \(cycle.id)
            """).first else { return nil }
        let ballotID = try ballot.decode(Int64.self, 0)
        let tallyID = try ballot.decode(Int.self, 2)
        let district = try ballot.decodeIfPresent(Int.self, 3)
        let ranked = if case .ranked = cycle.ballot { true } else { false }
        let marks = try connection.query("""
            SELECT c.proposal_id, p.title, c.weight, coalesce(tp.funded, false)
            FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id
            LEFT JOIN tally_projects tp ON tp.tally_id = \(tallyID) AND tp.proposal_id = c.proposal_id
            WHERE c.ballot_id = \(ballotID) AND p.status = 'accepted' AND (\(district)::int IS NULL OR p.district_id = \(district)::int)
            ORDER BY CASE WHEN \(ranked) THEN c.weight ELSE 0 END, c.proposal_id
            """).map {
                PublishedBallot.Mark(
                    project: try $0.decode(Int.self, 0), title: try $0.decode(String.self, 1), weight: try $0.decode(Int.self, 2),
                    funded: try $0.decode(Bool.self, 3))
            }
        guard !marks.isEmpty else { return nil }
        // Its number: how many ballots of the scope that mark one of its projects come before it.
        let number = try connection.query("""
            SELECT count(*) FROM ballots b
            WHERE b.cycle_id = \(cycle.id) AND (\(district)::int IS NULL OR b.district_id = \(district)::int)
              AND b.receipt_code <= \(code.value)
              AND EXISTS (SELECT 1 FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id
                          WHERE c.ballot_id = b.id AND p.status = 'accepted' AND (\(district)::int IS NULL OR p.district_id = \(district)::int))
            """).single().decode(Int.self, 0)
        let channel = try ballot.decode(String.self, 1)
        return PublishedBallot(
            number: number, file: district.map { "ballots-district-\($0).pb" } ?? "ballots.pb", sha256: try ballot.decode(String.self, 4),
            receipt: code, channel: VoteChannel(rawValue: channel) ?? .web, rules: cycle.ballot, marks: marks)
    }
}

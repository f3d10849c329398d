import MizanCore
import PostgresDriver

/// Ballots in the database. Who voted goes to `participation`, what was voted to `ballots` under a
/// pseudonym, both by the one function `cast_ballot` (see the migrations), so a vote is either
/// fully stored or not at all; the UNIQUE constraints are the final word on one person, one vote,
/// and the phase guards on when.
///
/// Ballots are written only through a `BallotBox` (`BallotCommitter`, `DirectBallotBox`), which
/// use the statement built here; the rest reads them back by receipt code.
enum BallotStore {
    /// The one statement that stores a ballot. It answers `stored`, `replaced` (an earlier web
    /// ballot of the same voter was replaced) or `already:<channel>` instead of raising, so many
    /// ballots can share one transaction without one refusal aborting the others.
    static func castStatement(_ ballot: PendingBallot) -> SQL {
        """
        SELECT cast_ballot(\(ballot.cycle), \(ballot.commune), \(PostgresBytes(ballot.voter.bytes)), \(ballot.channel.rawValue),
                           \(ballot.district), \(PostgresBytes(ballot.pseudonym)), \(ballot.receipt.value),
                           \(ballot.choices.map(\.proposalID))::int[], \(ballot.choices.map(\.weight))::int[])
        """
    }

    /// The receipt for `ballot` from the statement's answer, or the refusal it means.
    static func receipt(for ballot: PendingBallot, fromResult text: String) throws -> BallotReceipt {
        if text.hasPrefix("already:") {
            throw VoteError.alreadyVoted(channel: VoteChannel(rawValue: String(text.dropFirst(8))) ?? ballot.channel)
        }
        return BallotReceipt(code: ballot.receipt, replaced: text == "replaced")
    }

    /// Runs the statement of `ballot` and returns its answer, to be read by `receipt(for:fromResult:)`.
    static func cast(_ ballot: PendingBallot, on connection: PostgresConnection) throws -> String {
        try connection.query(castStatement(ballot)).single().decode(String.self, 0)
    }

    /// A refusal of the phase guard (voting closed while the ballot was on its way) as a vote error.
    static func votingClosed(_ error: PostgresError) -> VoteError? {
        error.constraint == "votes_phase" ? .notInVoting(.tallied) : nil
    }
}

/// Stored ballots by receipt code.
struct PostgresBallots: BallotRepository {
    let connection: PostgresConnection

    func cycle(ofReceipt code: ReceiptCode) throws -> CycleID? {
        try connection.query("SELECT cycle_id FROM ballots WHERE receipt_code = \(code.value)").first?.decode(CycleID.self, 0)
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

/// Where a sealed ballot goes to be written: the one door ballots enter the database by.
///
/// `submit` returns only once the ballot is committed, so a receipt handed out is a vote on disk.
/// It throws `VoteError.alreadyVoted` when the voter already voted on a channel that cannot be
/// replaced, and `VoteError.notInVoting` when voting closed meanwhile: the database's guards are
/// the final word on both, whatever was checked before.
///
/// MizanPostgres has two: group commit for the web (many requests' ballots share a transaction)
/// and one transaction per ballot for a clerk's paper ballots.
public protocol BallotBox: Sendable {
    func submit(_ ballot: PendingBallot) async throws -> BallotReceipt
}

import MizanCore
import Synchronization
import PostgresDriver

/// A ballot box that writes each ballot in a transaction of its own and answers once it is
/// committed: for a clerk's paper ballots, and for the ballots of a group commit that failed as a
/// whole. Sent again after a batch that may or may not have committed, a ballot is recognised by
/// its submission token and answered as stored, with its receipt: never counted twice, never
/// reported as a replacement of itself.
public struct DirectBallotBox: BallotBox {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func submit(_ ballot: PendingBallot) async throws -> BallotReceipt {
        let answer: String
        do {
            answer = try await pool.withTransaction { try BallotStore.cast(ballot, on: $0) }
        } catch let error as PostgresError {
            throw BallotStore.refusal(error) ?? error
        }
        return try BallotStore.receipt(for: ballot, fromResult: answer)
    }
}

/// A ballot box for dry runs: each ballot is written as `DirectBallotBox` would and rolled back,
/// so the database gives its own answer (an earlier vote, voting closed) and nothing is stored.
///
/// A voter whose ballot this box already accepted is refused as `cast_ballot` would refuse them
/// had it been kept: a second paper ballot of the same voter is `alreadyVoted`.
public final class RehearsalBallotBox: BallotBox {
    let pool: ConnectionPool
    private let accepted = Mutex<[VoterKey: VoteChannel]>([:])

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    public func submit(_ ballot: PendingBallot) async throws -> BallotReceipt {
        if let earlier = accepted.withLock({ $0[ballot.voter] }) {
            guard earlier == ballot.channel, earlier != .paper else { throw VoteError.alreadyVoted(channel: earlier) }
            throw VoteError.needsReceipt
        }
        let answer: String
        do {
            answer = try await pool.withConnection { connection in
                try connection.execute(script: "BEGIN")
                defer { _ = try? connection.execute(script: "ROLLBACK") }
                return try BallotStore.cast(ballot, on: connection)
            }
        } catch let error as PostgresError {
            throw BallotStore.refusal(error) ?? error
        }
        let receipt = try BallotStore.receipt(for: ballot, fromResult: answer)
        accepted.withLock { $0[ballot.voter] = ballot.channel }
        return receipt
    }
}

extension PostgresStorage {
    /// One transaction per ballot, on this storage's pool.
    public var directBallotBox: DirectBallotBox { DirectBallotBox(pool: pool) }

    /// Every ballot rolled back, on this storage's pool.
    public func rehearsalBallotBox() -> RehearsalBallotBox { RehearsalBallotBox(pool: pool) }
}

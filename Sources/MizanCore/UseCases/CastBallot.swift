import Synchronization

/// Casting a ballot, the same way on every channel (web, printed code, paper): the cycle must be
/// open for voting, the choices must follow its ballot rules over its accepted projects, and the
/// ballot is then sealed (encrypted until voting closes, `BallotSeal.swift`) with the receipt code
/// its submission token gives, and handed to the ballot box, which answers once it is committed.
///
/// A voter who already voted on the same channel replaces their ballot only by giving the receipt
/// code of the one recorded (`replacing`): someone who merely knows their ID number and birth date,
/// or found their printed code, cannot silently change their vote. The same submission sent again
/// is answered with the same receipt, never as a replacement.
///
/// The cycle and its accepted projects are kept a few seconds between ballots: both are frozen
/// while voting is open, and the database refuses a ballot once voting has closed whatever they
/// say, as it refuses a second vote of the same person.
public struct CastBallot: Sendable {
    let storage: any Storage
    let box: any BallotBox
    let secrets: ServerSecrets
    private let rules: RulesCache

    public init(storage: any Storage, box: any BallotBox, secrets: ServerSecrets, rulesLifetime: Duration = .seconds(5)) {
        self.storage = storage
        self.box = box
        self.secrets = secrets
        rules = RulesCache(lifetime: rulesLifetime)
    }

    /// Stores `voter`'s ballot and returns its receipt once committed. Throws `VoteError`
    /// (`notInVoting`, `invalid`, `alreadyVoted`, `needsReceipt`, `staleForm`) for a ballot
    /// refused, `CycleError.notFound` when there is no such cycle.
    public func callAsFunction(
        _ choices: [BallotChoice], by voter: EligibleVoter, in cycle: CycleID, channel: VoteChannel,
        submission: SubmissionToken, replacing proof: ReceiptCode? = nil
    ) async throws -> BallotReceipt {
        let (current, validator) = try await rules.get(cycle) {
            try await storage.transaction { stores in
                let found = try stores.cycles.require(cycle)
                return (found, BallotValidator(cycle: found, acceptedProjects: try stores.proposals.list(cycle: cycle, status: .accepted)))
            }
        }
        let ballot = try Self.seal(
            choices, by: voter, channel: channel, cycle: current, validator: validator, submission: submission, replacing: proof,
            secrets: secrets)
        return try await box.submit(ballot)
    }

    /// What casting decides before anything is written: voting must be open and the choices must
    /// follow the cycle's rules (approval and knapsack marks all weigh 1); the ballot is then sealed
    /// with the receipt code of its submission.
    public static func seal(
        _ choices: [BallotChoice], by voter: EligibleVoter, channel: VoteChannel, cycle: Cycle, validator: BallotValidator,
        submission: SubmissionToken, replacing proof: ReceiptCode? = nil, secrets: ServerSecrets
    ) throws(VoteError) -> PendingBallot {
        guard cycle.phase == .voting else { throw .notInVoting(cycle.phase) }
        let valid: [BallotChoice]
        do { valid = try validator.validate(choices) } catch { throw .invalid(error) }
        return PendingBallot(
            cycle: cycle, voter: voter, channel: channel, choices: valid, submission: submission, replacing: proof,
            projectCount: validator.projects.count, secrets: secrets)
    }

    /// The ballot a voter fills in: the cycle and its accepted projects, read afresh, and the
    /// channel `voter` already voted on, if any. Throws `VoteError.notInVoting` when the cycle is
    /// not open for voting.
    public func blankBallot(_ cycle: CycleID, for voter: VoterKey?) async throws -> BlankBallot {
        try await storage.transaction { stores in
            let found = try stores.cycles.require(cycle)
            guard found.phase == .voting else { throw VoteError.notInVoting(found.phase) }
            return BlankBallot(
                cycle: found, projects: try stores.proposals.list(cycle: cycle, status: .accepted),
                alreadyVoted: try voter.flatMap { try stores.voters.channelVoted(by: $0, in: cycle) })
        }
    }

    /// The cycle and its ballot rules, each kept `lifetime`.
    final class RulesCache: Sendable {
        let lifetime: Duration
        private let entries = Mutex<[CycleID: (Cycle, BallotValidator, ContinuousClock.Instant)]>([:])

        init(lifetime: Duration) { self.lifetime = lifetime }

        func get(
            _ cycle: CycleID, load: () async throws -> (Cycle, BallotValidator)
        ) async throws -> (Cycle, BallotValidator) {
            if let cached = entries.withLock({ $0[cycle] }), ContinuousClock.now - cached.2 < lifetime {
                return (cached.0, cached.1)
            }
            let loaded = try await load()
            entries.withLock { $0[cycle] = (loaded.0, loaded.1, .now) }
            return loaded
        }
    }
}

/// A ballot to fill in: the cycle, its accepted projects by number, and the channel the voter
/// already voted on (an online voter may vote again with the receipt code of their ballot; the new
/// ballot replaces the old one).
public struct BlankBallot: Sendable {
    public let cycle: Cycle
    public let projects: [Proposal]
    public let alreadyVoted: VoteChannel?
}

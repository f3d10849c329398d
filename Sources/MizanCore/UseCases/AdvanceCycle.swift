/// Moves a cycle one phase forward, after checking nothing stands in the way; the database
/// refuses any other move too. Closing voting mixes the sealed ballots (`MixBallots`), which needs
/// the server secret.
public struct AdvanceCycle: Sendable {
    let storage: any Storage
    let secrets: ServerSecrets?

    public init(storage: any Storage, secrets: ServerSecrets? = nil) {
        self.storage = storage
        self.secrets = secrets
    }

    public func execute(_ id: CycleID, actor: String) async throws -> Cycle {
        try await storage.transaction { [secrets] stores in try Self.perform(id, actor: actor, in: stores, secrets: secrets) }
    }

    /// The act in a transaction the caller holds (the demo data records several acts as one).
    public static func perform(_ id: CycleID, actor: String, in stores: any Stores, secrets: ServerSecrets? = nil) throws -> Cycle {
        let cycle = try stores.cycles.lock(id)
        let reasons = try obstacles(toAdvance: cycle, in: stores)
        guard reasons.isEmpty, let next = cycle.phase.next else {
            throw CycleError.cannotAdvance(from: cycle.phase, reasons: reasons.map(\.description))
        }
        var details = "\(cycle.phase.rawValue)->\(next.rawValue)"
        if cycle.phase == .voting {
            details += " mixed=\(try MixBallots.perform(cycle, in: stores, secrets: secrets))"
        }
        try stores.cycles.move(cycle, to: next, actor: actor)
        try stores.audit.append(actor: actor, action: "cycle.advance", object: "cycle:\(cycle.id)", details: details)
        return try stores.cycles.require(id)
    }

    /// Why the cycle may not enter its next phase yet; empty when it may.
    public static func obstacles(toAdvance cycle: Cycle, in stores: any Stores) throws -> [AdvanceObstacle] {
        var reasons: [AdvanceObstacle] = []
        switch cycle.phase {
        case .draft: break
        case .proposals:
            if try stores.cycles.proposalCounts(CycleID(cycle.id)).total == 0 { reasons.append(.noProposal) }
        case .review:
            let counts = try stores.cycles.proposalCounts(CycleID(cycle.id))
            if counts.accepted == 0 { reasons.append(.noneAccepted) }
            if counts.submitted > 0 { reasons.append(.awaitingReview(counts.submitted)) }
            if case .approval(let minimum, _) = cycle.ballot, minimum > counts.accepted {
                reasons.append(.tooFewForMinimum(minimum: minimum, accepted: counts.accepted))
            }
            if try stores.registry.eligibleCount(CycleID(cycle.id)) == 0 { reasons.append(.nobodyCanVote) }
            let envelopes = try stores.cycles.envelopes(CycleID(cycle.id))
            if envelopes.count > 0, envelopes.total != cycle.budget {
                reasons.append(.envelopesDiffer(total: envelopes.total, budget: cycle.budget))
            }
        case .voting: break
        case .tallied: reasons.append(.publishFirst(cycle: cycle.id))
        case .published: break
        case .implementation: reasons.append(.lastPhase)
        }
        return reasons
    }
}

/// One thing that keeps a cycle from its next phase: a value, so the command line says it in
/// English with the command to run and the staff pages in the reader's language.
public enum AdvanceObstacle: Sendable, Hashable, CustomStringConvertible {
    case noProposal
    case noneAccepted
    case awaitingReview(Int)
    case tooFewForMinimum(minimum: Int, accepted: Int)
    case nobodyCanVote
    case envelopesDiffer(total: Money, budget: Money)
    case publishFirst(cycle: Int)
    case lastPhase

    /// The name of the obstacle's kind (`awaiting-review`), for the pages' sentences.
    public var kind: String {
        switch self {
        case .noProposal: "no-proposal"
        case .noneAccepted: "none-accepted"
        case .awaitingReview: "awaiting-review"
        case .tooFewForMinimum: "too-few-for-minimum"
        case .nobodyCanVote: "nobody-can-vote"
        case .envelopesDiffer: "envelopes-differ"
        case .publishFirst: "publish-first"
        case .lastPhase: "last-phase"
        }
    }

    public var description: String {
        switch self {
        case .noProposal: "no proposal has been submitted"
        case .noneAccepted: "no project is accepted: accept at least one with `mizan proposal accept`"
        case .awaitingReview(let count): "\(count) proposal(s) still await review (accept, reject, merge or hide them)"
        case .tooFewForMinimum(let minimum, let accepted):
            "ballots need at least \(minimum) approvals but only \(accepted) project(s) are accepted"
        case .nobodyCanVote: "nobody can vote: import a registry (`mizan registry import`) or issue codes (`mizan codes issue`)"
        case .envelopesDiffer(let total, let budget): "the district envelopes add up to \(total), not the budget \(budget)"
        case .publishFirst(let cycle): "publish the stored outcome with `mizan publish --cycle \(cycle)`, which moves the cycle to published"
        case .lastPhase: "implementation is the last phase"
        }
    }
}

/// A cycle with what keeps it from its next phase, for `mizan cycle show`.
public struct ShowCycle: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: CycleID) async throws -> (cycle: Cycle, obstacles: [AdvanceObstacle]) {
        try await storage.transaction { stores in
            let cycle = try stores.cycles.require(id)
            return (cycle, try AdvanceCycle.obstacles(toAdvance: cycle, in: stores))
        }
    }
}

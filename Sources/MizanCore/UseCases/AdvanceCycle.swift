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
            throw CycleError.cannotAdvance(from: cycle.phase, reasons: reasons)
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
    public static func obstacles(toAdvance cycle: Cycle, in stores: any Stores) throws -> [String] {
        var reasons: [String] = []
        switch cycle.phase {
        case .draft: break
        case .proposals:
            if try stores.cycles.proposalCounts(CycleID(cycle.id)).total == 0 { reasons.append("no proposal has been submitted") }
        case .review:
            let counts = try stores.cycles.proposalCounts(CycleID(cycle.id))
            if counts.accepted == 0 { reasons.append("no project is accepted: accept at least one with `mizan proposal accept`") }
            if counts.submitted > 0 {
                reasons.append("\(counts.submitted) proposal(s) still await review (accept, reject, merge or hide them)")
            }
            if case .approval(let minimum, _) = cycle.ballot, minimum > counts.accepted {
                reasons.append("ballots need at least \(minimum) approvals but only \(counts.accepted) project(s) are accepted")
            }
            if try stores.registry.eligibleCount(CycleID(cycle.id)) == 0 {
                reasons.append("nobody can vote: import a registry (`mizan registry import`) or issue codes (`mizan codes issue`)")
            }
            let envelopes = try stores.cycles.envelopes(CycleID(cycle.id))
            if envelopes.count > 0, envelopes.total != cycle.budget {
                reasons.append("the district envelopes add up to \(envelopes.total), not the budget \(cycle.budget)")
            }
        case .voting: break
        case .tallied:
            reasons.append("publish the stored outcome with `mizan publish --cycle \(cycle.id)`, which moves the cycle to published")
        case .published: break
        case .implementation: reasons.append("implementation is the last phase")
        }
        return reasons
    }
}

/// A cycle with what keeps it from its next phase, for `mizan cycle show`.
public struct ShowCycle: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    public func execute(_ id: CycleID) async throws -> (cycle: Cycle, obstacles: [String]) {
        try await storage.transaction { stores in
            let cycle = try stores.cycles.require(id)
            return (cycle, try AdvanceCycle.obstacles(toAdvance: cycle, in: stores))
        }
    }
}

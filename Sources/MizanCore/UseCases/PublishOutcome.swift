/// Publishes the newest stored outcome of a tallied cycle (every district envelope of it) and moves
/// the cycle to published, in one transaction with its audit entry. The database refuses any later
/// change of a published outcome, and no new outcome can be stored for the cycle.
public struct PublishOutcome: Sendable {
    public struct Request: Sendable {
        public let cycle: CycleID
        public let actor: String

        public init(cycle: CycleID, actor: String) {
            self.cycle = cycle
            self.actor = actor
        }
    }

    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    /// The published outcome rows, by district.
    public func execute(_ request: Request) async throws -> [StoredTally] {
        try await storage.transaction { stores in
            // The lock makes tally, publish and advance of one cycle run one at a time.
            let cycle = try stores.cycles.lock(request.cycle)
            guard cycle.phase == .tallied else {
                throw TallyError.wrongPhase(
                    cycle: cycle.id, phase: cycle.phase, action: "publishing",
                    needed: cycle.phase < .tallied
                        ? "needs a tallied cycle (close voting with `mizan cycle advance`, then `mizan tally`)"
                        : "was done already: a published outcome is frozen")
            }
            let stored = try stores.tallies.publishNewest(cycle: request.cycle)
            guard !stored.isEmpty else { throw TallyError.nothingToPublish(cycle: cycle.id) }
            try stores.audit.append(
                actor: request.actor, action: "tally.publish", object: "cycle:\(cycle.id)",
                details: "tallies=" + stored.map { String($0.id) }.joined(separator: ","))
            try stores.tallies.markPublished(cycle, actor: request.actor)
            return stored
        }
    }
}

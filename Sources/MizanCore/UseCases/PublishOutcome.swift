/// Publishes the newest stored outcome of a tallied cycle (every district envelope of it) and moves
/// the cycle to published, in one transaction with its audit entry. The database refuses any later
/// change of a published outcome, and no new outcome can be stored for the cycle.
///
/// An outcome whose counts would show how someone voted (`SmallScopeRule`: a scope of 1–9
/// ballots, or one whose ballots all chose the same projects) is refused unless staff confirm
/// it; the confirmation and its reasons go into the audit entry.
public struct PublishOutcome: Sendable {
    public struct Request: Sendable {
        public let cycle: CycleID
        public let actor: String
        /// Staff accept that the outcome shows how the voters of a small or unanimous scope voted.
        public let confirmSmall: Bool

        public init(cycle: CycleID, actor: String, confirmSmall: Bool = false) {
            self.cycle = cycle
            self.actor = actor
            self.confirmSmall = confirmSmall
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
            let exposed = SmallScopeRule.exposures(try stores.tallies.newestScopeSizes(cycle: request.cycle)).map { $0.reason }
            if !exposed.isEmpty, !request.confirmSmall {
                throw TallyError.exposesVoters(cycle: cycle.id, reasons: exposed)
            }
            let stored = try stores.tallies.publishNewest(cycle: request.cycle)
            guard !stored.isEmpty else { throw TallyError.nothingToPublish(cycle: cycle.id) }
            var details = "tallies=" + stored.map { String($0.id) }.joined(separator: ",")
            if !exposed.isEmpty { details += " confirmed_small=" + exposed.joined(separator: "; ") }
            try stores.audit.append(actor: request.actor, action: "tally.publish", object: "cycle:\(cycle.id)", details: details)
            try stores.tallies.markPublished(cycle, actor: request.actor)
            return stored
        }
    }
}

import Foundation

/// Records, for one polling place, the paper ballots that count for no project: spoiled ones and
/// blank ones (Béni Mellal 2025: 126 ballots, 12 spoiled). They are not ballots of the tally, but
/// the results and the export report them, as a commune's count does. A second entry for the same
/// place replaces the first (a corrected count sheet); both are in the audit log.
public struct RecordPaperCount: Sendable {
    public struct Request: Sendable {
        public let cycle: CycleID
        public let place: String
        public let spoiled: Int
        public let blank: Int
        public let actor: String

        public init(cycle: CycleID, place: String, spoiled: Int, blank: Int, actor: String) {
            self.cycle = cycle
            self.place = place
            self.spoiled = spoiled
            self.blank = blank
            self.actor = actor
        }
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// Every place's counts after the change.
    public func execute(_ request: Request) async throws -> [PaperCount] {
        let place = request.place.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(place.count) else { throw CycleError.invalid("place", "name the polling place (1 to 200 characters)") }
        guard request.spoiled >= 0, request.blank >= 0, request.spoiled <= 10_000_000, request.blank <= 10_000_000 else {
            throw CycleError.invalid(request.spoiled < 0 || request.spoiled > 10_000_000 ? "spoiled" : "blank", "give a whole number from 0")
        }
        return try await storage.transaction { stores in
            let cycle = try stores.cycles.lock(request.cycle)
            guard cycle.phase == .voting || cycle.phase == .tallied else {
                throw CycleError.invalid(
                    "cycle", "spoiled and blank paper ballots are recorded while voting is open or closed, before publication (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
            }
            try stores.cycles.recordPaperCount(request.cycle, place: place, spoiled: request.spoiled, blank: request.blank, actor: request.actor)
            try stores.audit.append(
                actor: request.actor, action: "ballots.paper_count", object: "cycle:\(cycle.id)",
                details: "place=\(place) spoiled=\(request.spoiled) blank=\(request.blank)")
            return try stores.cycles.paperCounts(request.cycle)
        }
    }
}

/// One polling place's paper ballots that count for no project.
public struct PaperCount: Sendable, Hashable {
    public let place: String
    public let spoiled: Int
    public let blank: Int

    public init(place: String, spoiled: Int, blank: Int) {
        self.place = place
        self.spoiled = spoiled
        self.blank = blank
    }
}

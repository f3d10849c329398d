/// Sets, changes or removes one district's envelope in a cycle: the part of the budget that only
/// that district's projects compete for. Envelopes belong to the rules voters are told before they
/// vote, so they can change only before voting opens (the database refuses it afterwards too);
/// opening voting checks that they add up to the budget.
public struct SetDistrictEnvelope: Sendable {
    public struct Request: Sendable {
        public let cycle: CycleID
        /// The district's number, or its French or Arabic name.
        public let district: String
        /// Nil removes the envelope.
        public let budget: Money?
        public let actor: String

        public init(cycle: CycleID, district: String, budget: Money?, actor: String) {
            self.cycle = cycle
            self.district = district
            self.budget = budget
            self.actor = actor
        }
    }

    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// The cycle's envelopes after the change.
    public func execute(_ request: Request) async throws -> [DistrictEnvelope] {
        try await storage.transaction { stores in
            let cycle = try stores.cycles.lock(request.cycle)
            guard cycle.phase < .voting else {
                throw CycleError.invalid("district", "envelopes are part of the rules and are frozen once voting opens (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
            }
            guard let district = try stores.districts.find(named: request.district, inCommune: CommuneID(cycle.communeID)) else {
                throw CycleError.invalid("district", "the commune has no district \(request.district)")
            }
            if let budget = request.budget {
                guard budget.centimes > 0 else { throw CycleError.invalid("budget", "an envelope must be more than zero; use --remove to drop it") }
                guard budget <= cycle.budget else { throw CycleError.invalid("budget", "an envelope cannot exceed the cycle's budget of \(cycle.budget)") }
                try stores.cycles.setEnvelope(request.cycle, district: district, budget: budget)
            } else {
                try stores.cycles.removeEnvelope(request.cycle, district: district)
            }
            try stores.audit.append(
                actor: request.actor, action: request.budget == nil ? "cycle.envelope_remove" : "cycle.envelope",
                object: "cycle:\(cycle.id)", details: "district=\(district)" + (request.budget.map { " budget=\($0.centimes)" } ?? ""))
            return try stores.cycles.envelopeList(request.cycle)
        }
    }
}

/// One district's share of a cycle's budget.
public struct DistrictEnvelope: Sendable, Hashable {
    public let district: DistrictID
    public let name: BilingualName
    public let budget: Money

    public init(district: DistrictID, name: BilingualName, budget: Money) {
        self.district = district
        self.name = name
        self.budget = budget
    }
}

/// Corrects a cycle's settings before voting opens: title, year, dates, budget, ballot, winner
/// rule, its options and thresholds, tie-break. From the moment voting opens they are what voters
/// were shown, and the database refuses any change (`cycles_rules_frozen`,
/// `cycles_settings_frozen`); this checks first so staff get a sentence, not a constraint name.
public struct UpdateCycleSettings: Sendable {
    let storage: any Storage

    public init(storage: any Storage) {
        self.storage = storage
    }

    /// What changed, for the audit entry and the page that confirms it; empty when nothing did
    /// (then nothing is written, not even an audit entry).
    public struct Result: Sendable {
        public let cycle: Cycle
        public let changed: [String]
    }

    /// `fields` are read against the cycle's own commune; `CycleError.invalid` names the field.
    public func execute(_ id: CycleID, fields: CycleSettingsFields, actor: String) async throws -> Result {
        try await storage.transaction { stores in
            let cycle = try stores.cycles.lock(id)
            guard cycle.phase < .voting else { throw CycleError.settled(cycle.id, cycle.phase) }
            let settings = try fields.newCycle(commune: try GeoCode(parsing: cycle.communeCode))
            let changed = Self.differences(cycle, settings)
            guard !changed.isEmpty else { return Result(cycle: cycle, changed: []) }
            let updated = try stores.cycles.update(id, to: settings)
            try stores.audit.append(
                actor: actor, action: "cycle.settings", object: "cycle:\(cycle.id)",
                details: changed.map { "\($0)=\(Self.value($0, of: updated))" }.joined(separator: " "))
            return Result(cycle: updated, changed: changed)
        }
    }

    /// The names of the settings that differ, in the form's order.
    static func differences(_ cycle: Cycle, _ settings: NewCycle) -> [String] {
        var changed: [String] = []
        if cycle.title != settings.title { changed.append("title") }
        if cycle.year != settings.year { changed.append("year") }
        if cycle.budget != settings.budget { changed.append("budget") }
        if cycle.ballot != settings.ballot { changed.append("ballot") }
        if cycle.rule != settings.rule { changed.append("rule") }
        if cycle.tieBreak != settings.tieBreak { changed.append("tie") }
        if cycle.options.equalShares != settings.options.equalShares { changed.append("procedure") }
        if cycle.options.thresholds != settings.options.thresholds { changed.append("thresholds") }
        if cycle.schedule != settings.schedule { changed.append("dates") }
        return changed
    }

    static func value(_ setting: String, of cycle: Cycle) -> String {
        switch setting {
        case "title": "\"\(cycle.title)\""
        case "year": "\(cycle.year)"
        case "budget": "\(cycle.budget.centimes)"
        case "ballot":
            switch cycle.ballot {
            case .approval(let minimum, let maximum): "approval:\(minimum)-\(maximum.map(String.init) ?? "any")"
            case .knapsack: "knapsack"
            case .points(let total, let cap): "points:\(total)/\(cap.map(String.init) ?? "any")"
            case .ranked(let depth): "ranked:\(depth)"
            }
        case "rule": cycle.rule.rawValue
        case "tie": cycle.tieBreak.rawValue
        case "procedure": cycle.options.equalShares.key
        case "thresholds": cycle.options.storedThresholds
        default: cycle.schedule.fields.map { $0.date?.description ?? "-" }.joined(separator: "/")
        }
    }
}

import PBEngine

/// Computes a cycle's outcome from its ballots, scope by scope, and stores it with one audit entry;
/// or, as a what-if, computes it under another rule or budget and stores nothing.
///
/// Storing needs voting closed and nothing published (a published outcome is frozen). The cycle's
/// own winner rule and tie-break are used: they were shown to voters and froze when voting opened.
/// With district envelopes each district is tallied on its own projects, budget and voters.
public struct TallyCycle: Sendable {
    public enum Mode: Sendable {
        /// Store the outcome under the cycle's own rule.
        case store
        /// Another rule (a cycle rule name or an engine key) and/or budget; nothing is stored.
        case whatIf(rule: String?, budget: Money?)
    }

    public struct Request: Sendable {
        public let cycle: CycleID
        public let mode: Mode
        public let actor: String

        public init(cycle: CycleID, mode: Mode = .store, actor: String) {
            self.cycle = cycle
            self.mode = mode
            self.actor = actor
        }
    }

    /// Reported while a long tally runs.
    public enum Progress: Sendable {
        case ballotsRead(TallyScope, Int)
        /// Large scopes only: the engine is about to run on this many ballots.
        case running(TallyScope, rule: String, ballots: Int)
    }

    /// One scope's result.
    public struct ScopeReport: Sendable {
        public let scope: TallyScope
        public let prepared: PreparedScope
        public let result: TallyResult
        /// The stored tally's number; nil for a what-if.
        public let tallyID: Int?
    }

    public struct Report: Sendable {
        public let cycle: Cycle
        public let scopes: [ScopeReport]
        /// False for a what-if.
        public let stored: Bool
    }

    let storage: any Storage
    let progress: @Sendable (Progress) -> Void

    public init(storage: any Storage, progress: @escaping @Sendable (Progress) -> Void = { _ in }) {
        self.storage = storage
        self.progress = progress
    }

    public func execute(_ request: Request) async throws -> Report {
        var ruleName: String?
        var budgetOverride: Money?
        if case .whatIf(let rule, let budget) = request.mode {
            ruleName = rule
            budgetOverride = budget
            if let budget, budget.centimes <= 0 { throw TallyError.invalid("budget", "the budget must be more than zero") }
        }
        let storing = if case .store = request.mode { true } else { false }
        let progress = progress
        return try await storage.transaction { [ruleName, budgetOverride] stores in
            try stores.tallies.allowLongWork()
            let cycle = storing ? try stores.cycles.lock(request.cycle) : try stores.cycles.require(request.cycle)
            try Self.checkPhase(cycle, storing: storing)
            let rule: Rule
            if let ruleName {
                guard let named = EngineSettings.rule(named: ruleName, ballot: cycle.ballot) else {
                    throw TallyError.invalid(
                        "rule", "\(ruleName) is not a rule: use greedy, mes, phragmen, optimal or an engine key such as greedy_card, mes_cost")
                }
                rule = named
            } else {
                rule = EngineSettings.rule(of: cycle)
            }
            let scopes = try stores.tallies.scopes(of: cycle)
            if budgetOverride != nil, scopes.count > 1 {
                throw TallyError.invalid("budget", "this cycle is split into \(scopes.count) district envelopes; a single budget does not apply")
            }
            var reports: [ScopeReport] = []
            for scope in scopes {
                let prepared = try stores.tallies.prepare(cycle: cycle, scope: scope) { progress(.ballotsRead(scope, $0)) }
                guard !prepared.projects.isEmpty else { throw TallyError.noProjects(scope: scope.label) }
                if prepared.ballots >= 100_000 { progress(.running(scope, rule: rule.key, ballots: prepared.ballots)) }
                let result = TallyComputation.compute(
                    cycle: cycle, projects: prepared.projects, groups: prepared.groups, budget: budgetOverride ?? scope.budget, rule: rule)
                let id = storing ? try stores.tallies.store(cycle: cycle, prepared: prepared, result: result, actor: request.actor) : nil
                reports.append(ScopeReport(scope: scope, prepared: prepared, result: result, tallyID: id))
            }
            if storing {
                try stores.audit.append(
                    actor: request.actor, action: "tally.store", object: "cycle:\(cycle.id)",
                    details: "rule=\(rule.key) tie=\(cycle.tieBreak.rawValue) engine=\(EngineSettings.version) "
                        + reports.map {
                            "tally=\($0.tallyID ?? 0) district=\($0.scope.district.map(String.init) ?? "-") voters=\($0.result.voters) spent=\($0.result.spentCentimes) pb_sha256=\($0.prepared.sha256)"
                        }.joined(separator: " "))
            }
            return Report(cycle: cycle, scopes: reports, stored: storing)
        }
    }

    /// Storing needs voting closed and nothing published; exploring only needs voting closed.
    public static func checkPhase(_ cycle: Cycle, storing: Bool) throws {
        if cycle.phase < .tallied {
            throw TallyError.wrongPhase(
                cycle: cycle.id, phase: cycle.phase, action: "the tally",
                needed: "needs voting closed: run `mizan cycle advance \(cycle.id)` until it is in tallied")
        }
        if storing, cycle.phase > .tallied {
            throw TallyError.wrongPhase(
                cycle: cycle.id, phase: cycle.phase, action: "its outcome",
                needed: "is published and frozen; use --what-if to explore other rules")
        }
    }
}

/// The phases of a cycle, in the only order they may be entered.
public enum Phase: String, CaseIterable, Sendable, Comparable {
    case draft, proposals, review, voting, tallied, published, implementation

    public var next: Phase? {
        let all = Phase.allCases
        let index = all.firstIndex(of: self)!
        return index + 1 < all.count ? all[index + 1] : nil
    }

    public static func < (lhs: Phase, rhs: Phase) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How ballots are filled in: the kind and its limits.
public enum BallotRules: Hashable, Sendable {
    /// Approve between `minimum` and `maximum` projects (k-approval when both are k).
    case approval(minimum: Int, maximum: Int?)
    /// Approve projects whose total cost is at most the budget.
    case knapsack
    /// Spread `total` points, at most `cap` on one project.
    case points(total: Int, cap: Int?)
    /// Rank up to `depth` projects.
    case ranked(depth: Int)

    public var kind: String {
        switch self {
        case .approval: "approval"
        case .knapsack: "knapsack"
        case .points: "points"
        case .ranked: "ranked"
        }
    }
}

/// The winner rule shown to citizens before they vote.
public enum WinnerRule: String, CaseIterable, Sendable {
    /// By votes, skipping what no longer fits (the usual city rule).
    case greedy
    /// Method of Equal Shares with add-one completion, then greedy.
    case mes
    /// Sequential Phragmén.
    case phragmen
    /// The Method of Equal Shares as equalshares.net's compute tool runs it (the procedure of
    /// Wieliczka, Świecie and Assen), with the options in `CountingOptions.equalShares`.
    case equalshares
}

public enum TieBreak: String, CaseIterable, Sendable {
    /// Smaller project id first.
    case lexicographic
    /// Lower cost, then more votes, then the fixed order of ids (equalshares.net).
    case equalshares
}

/// A cycle as stored.
public struct Cycle: Hashable, Sendable, Identifiable {
    public let id: Int
    public let communeID: Int
    public let communeCode: String
    public let communeName: BilingualName
    public let year: Int
    public let title: String
    public let budget: Money
    public let phase: Phase
    public let ballot: BallotRules
    public let rule: WinnerRule
    public let tieBreak: TieBreak
    public let options: CountingOptions
    public let schedule: CycleSchedule

    public init(
        id: Int, communeID: Int, communeCode: String, communeName: BilingualName, year: Int, title: String,
        budget: Money, phase: Phase, ballot: BallotRules, rule: WinnerRule, tieBreak: TieBreak, options: CountingOptions = .standard,
        schedule: CycleSchedule = .unannounced
    ) {
        self.options = options
        self.schedule = schedule
        self.id = id
        self.communeID = communeID
        self.communeCode = communeCode
        self.communeName = communeName
        self.year = year
        self.title = title
        self.budget = budget
        self.phase = phase
        self.ballot = ballot
        self.rule = rule
        self.tieBreak = tieBreak
    }
}

/// A new cycle, validated before anything is stored.
public struct NewCycle: Sendable {
    public let communeCode: GeoCode
    public let year: Int
    public let title: String
    public let budget: Money
    public let ballot: BallotRules
    public let rule: WinnerRule
    public let tieBreak: TieBreak
    public let options: CountingOptions
    public let schedule: CycleSchedule

    public init(
        communeCode: GeoCode, year: Int, title: String?, budget: Money, ballot: BallotRules, rule: WinnerRule,
        tieBreak: TieBreak, options: CountingOptions = .standard, schedule: CycleSchedule = .unannounced
    ) throws(CycleError) {
        guard (2000...2100).contains(year) else { throw .invalid("year", "\(year) is not a year between 2000 and 2100") }
        guard budget.centimes > 0 else { throw .invalid("budget", "the budget must be more than zero") }
        guard (title ?? "").count <= 200 else { throw .invalid("title", "a title has at most 200 characters") }
        switch ballot {
        case .approval(let minimum, let maximum):
            guard minimum >= 0 else { throw .invalid("min", "the minimum cannot be negative") }
            if let maximum, maximum < max(minimum, 1) {
                throw .invalid("max", "the maximum (\(maximum)) must be at least 1 and not below the minimum (\(minimum))")
            }
        case .points(let total, let cap):
            guard total >= 1 else { throw .invalid("points", "voters need at least one point to spread") }
            if let cap, cap < 1 || cap > total { throw .invalid("points-cap", "the cap must be between 1 and \(total)") }
        case .ranked(let depth):
            guard depth >= 1 else { throw .invalid("rank-depth", "voters must be able to rank at least one project") }
        case .knapsack: break
        }
        if rule == .phragmen, case .points = ballot {
            throw .invalid("rule", "Phragmén counts approvals; use greedy or mes with points ballots")
        }
        if rule == .equalshares {
            switch ballot {
            case .points, .ranked:
                throw .invalid("rule", "equalshares.net's procedure counts approvals; use it with approval or knapsack ballots")
            case .approval, .knapsack: break
            }
        } else if options.equalShares != CountingOptions.standard.equalShares {
            throw .invalid("completion", "only the equalshares rule takes equalshares.net's options (completion, increment, comparison, ties)")
        }
        for (field, date) in schedule.fields {
            if let date, abs(date.year - year) > 1 {
                throw .invalid(field, "\(date) is more than a year away from the edition (\(year))")
            }
        }
        self.options = options
        self.schedule = schedule
        let title = (title ?? "").trimmingCharacters(in: " \t")
        self.communeCode = communeCode
        self.year = year
        self.title = title.isEmpty ? "Budget participatif \(year)" : title
        self.budget = budget
        self.ballot = ballot
        self.rule = rule
        self.tieBreak = tieBreak
    }
}

public enum CycleError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    case notFound(Int)
    case communeNotFound(String)
    case duplicate(String)
    case cannotAdvance(from: Phase, reasons: [String])
    /// The settings voters were shown cannot change once voting opens.
    case settled(Int, Phase)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): return "--\(field): \(reason)"
        case .notFound(let id): return "there is no cycle \(id)"
        case .communeNotFound(let code): return "there is no commune with the HCP code \(code)"
        case .duplicate(let title): return "this commune already has a cycle titled \"\(title)\" for that year"
        case .settled(let id, let phase):
            return "cycle \(id) is in \(phase.rawValue): its settings were settled when voting opened"
        case .cannotAdvance(let phase, let reasons):
            let target = phase.next.map { "to \($0.rawValue)" } ?? "beyond \(phase.rawValue)"
            return "cannot move the cycle from \(phase.rawValue) \(target):\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
        }
    }
}

/// What a cycle's proposals look like in numbers, for the checks before it moves on.
public struct ProposalCounts: Hashable, Sendable {
    public let submitted: Int
    public let accepted: Int
    public let total: Int

    public init(submitted: Int, accepted: Int, total: Int) {
        self.submitted = submitted
        self.accepted = accepted
        self.total = total
    }
}

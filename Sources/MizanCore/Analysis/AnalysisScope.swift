/// A project as the analysis sees it: what the tally needs, plus where it is and what it is for,
/// so funds can be broken down by district and category.
public struct AnalysisProject: Sendable, Hashable {
    public let id: Int
    public let cost: Money
    public let title: String
    /// nil for a project that serves the whole commune.
    public let district: Int?
    public let category: String

    public init(id: Int, cost: Money, title: String, district: Int?, category: String) {
        self.id = id
        self.cost = cost
        self.title = title
        self.district = district
        self.category = category
    }
}

/// A district with the voters whose ballots count in the scope and its census population.
public struct AnalysisDistrict: Sendable, Hashable {
    /// nil stands for "no district": commune-wide projects and voters registered without one.
    public let id: Int?
    public let name: String?
    /// nil when the census figure was never entered.
    public let population: Int?
    /// Ballots of the scope cast by voters of this district.
    public let voters: Int

    public init(id: Int?, name: String?, population: Int?, voters: Int) {
        self.id = id
        self.name = name
        self.population = population
        self.voters = voters
    }
}

/// The ballot kind, winner rule and tie-break of a cycle: all the analysis needs to know of it.
public struct AnalysisElection: Sendable, Hashable {
    public let ballot: BallotRules
    public let rule: WinnerRule
    public let tieBreak: TieBreak
    /// The cycle's thresholds apply to every rule compared; equalshares.net's options to its own.
    public let options: CountingOptions

    public init(ballot: BallotRules, rule: WinnerRule, tieBreak: TieBreak, options: CountingOptions = .standard) {
        self.ballot = ballot
        self.rule = rule
        self.tieBreak = tieBreak
        self.options = options
    }

    public init(cycle: Cycle) {
        self.init(ballot: cycle.ballot, rule: cycle.rule, tieBreak: cycle.tieBreak, options: cycle.options)
    }

    /// Phragmén only knows approvals: it applies to approval and knapsack ballots.
    public var isApprovalLike: Bool {
        switch ballot {
        case .approval, .knapsack: true
        case .points, .ranked: false
        }
    }
}

/// What one outcome is computed on — the whole cycle, or one district envelope — with everything
/// read from the database already, so every analysis of it is a pure function of this value (and
/// can be cached for as long as the ballots cannot change, that is from the tallied phase on).
public struct AnalysisScope: Sendable {
    /// The envelope's district, nil for the whole cycle.
    public let district: Int?
    /// "whole commune" or "district 3 (Nord)", for people.
    public let label: String
    public let budget: Money
    public let projects: [AnalysisProject]
    /// Identical ballots merged with a count, as the tally reads them.
    public let groups: [TallyVoteGroup]
    /// Every district the scope's projects or voters belong to (with a nil-id entry for those
    /// without one), in id order.
    public let districts: [AnalysisDistrict]

    public init(
        district: Int?, label: String, budget: Money, projects: [AnalysisProject], groups: [TallyVoteGroup],
        districts: [AnalysisDistrict]
    ) {
        self.district = district
        self.label = label
        self.budget = budget
        self.projects = projects.sorted { $0.id < $1.id }
        self.groups = groups
        self.districts = districts.sorted { ($0.id ?? Int.min) < ($1.id ?? Int.min) }
    }

    /// Ballots with at least one mark on a project of the scope: the voters every rule counts.
    public var voters: Int {
        let known = Set(projects.map(\.id))
        return groups.reduce(0) { total, group in group.marks.contains { known.contains($0.project) } ? total + group.count : total }
    }

    public func project(_ id: Int) -> AnalysisProject? { projects.first { $0.id == id } }
}

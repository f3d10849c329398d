/// What one outcome is computed on: the whole cycle, or one district envelope with that district's
/// projects and the ballots of that district's voters.
public struct TallyScope: Sendable, Hashable {
    public let district: Int?
    public let districtName: String?
    public let budget: Money

    public init(district: Int?, districtName: String?, budget: Money) {
        self.district = district
        self.districtName = districtName
        self.budget = budget
    }

    /// `ballots` for the whole cycle, `ballots-district-7` for an envelope; the export's file names.
    public var fileStem: String { district.map { "ballots-district-\($0)" } ?? "ballots" }
    public var label: String { district.map { "district \($0)" + (districtName.map { " (\($0))" } ?? "") } ?? "whole commune" }
}

/// A scope's projects and merged ballots, read from the canonical `.pb` stream itself, with that
/// stream's SHA-256: the stored hash is of exactly the ballots used.
public struct PreparedScope: Sendable {
    public let scope: TallyScope
    public let projects: [TallyProjectInput]
    public let groups: [TallyVoteGroup]
    public let sha256: String
    public let ballots: Int

    public init(scope: TallyScope, projects: [TallyProjectInput], groups: [TallyVoteGroup], sha256: String, ballots: Int) {
        self.scope = scope
        self.projects = projects
        self.groups = groups
        self.sha256 = sha256
        self.ballots = ballots
    }
}

/// One stored outcome row, as listed after publishing.
public struct StoredTally: Sendable, Equatable {
    public let id: Int
    public let district: Int?
    public let spent: Money
    public let budget: Money
    public let funded: Int

    public init(id: Int, district: Int?, spent: Money, budget: Money, funded: Int) {
        self.id = id
        self.district = district
        self.spent = spent
        self.budget = budget
        self.funded = funded
    }
}

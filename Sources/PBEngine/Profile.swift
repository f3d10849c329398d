/// How voters expressed themselves.
public enum VoteType: String, Sendable {
    /// Approve any number of projects (also `choose-1` and k-approval).
    case approval
    /// Spread points.
    case cumulative
    /// Rank projects, best first.
    case ordinal
    /// Give each project a score.
    case scoring
}

/// One voter's ballot: project indices into `Instance.projects` with a value — points or score for
/// cumulative and scoring ballots, the 0-based position for ordinal ones, 1 for approval.
public struct Ballot: Hashable, Sendable {
    public let entries: [Entry]

    public struct Entry: Hashable, Sendable {
        public let project: Int
        public let value: Int

        public init(project: Int, value: Int) {
            self.project = project
            self.value = value
        }
    }

    public init(entries: [Entry]) { self.entries = entries }
    public var isEmpty: Bool { entries.isEmpty }
}

/// All ballots, identical ones merged with a count: voters with the same ballot are treated the
/// same by every rule, so merging changes no outcome and saves work.
public struct Profile: Sendable {
    public let voteType: VoteType
    public let groups: [(ballot: Ballot, count: Int)]
    /// Longest allowed ranking, for positional scores of ordinal ballots; nil scores each ballot
    /// by its own length, as pabutools does when the file declares none.
    public let maxLength: Int?

    public init(voteType: VoteType, ballots: [Ballot], maxLength: Int? = nil) {
        var index: [Ballot: Int] = [:]
        index.reserveCapacity(ballots.count)
        var groups: [(ballot: Ballot, count: Int)] = []
        for ballot in ballots {
            if let position = index[ballot] {
                groups[position].count += 1
            } else {
                index[ballot] = groups.count
                groups.append((ballot, 1))
            }
        }
        self.voteType = voteType
        self.groups = groups
        self.maxLength = maxLength
    }

    /// Ballots already counted (each with how many voters cast it); equal ballots are merged.
    public init(voteType: VoteType, counted: [(Ballot, Int)], maxLength: Int? = nil) {
        var index: [Ballot: Int] = [:]
        var groups: [(ballot: Ballot, count: Int)] = []
        for (ballot, count) in counted where count > 0 {
            if let position = index[ballot] {
                groups[position].count += count
            } else {
                index[ballot] = groups.count
                groups.append((ballot, count))
            }
        }
        self.voteType = voteType
        self.groups = groups
        self.maxLength = maxLength
    }

    /// Voters, counting empty ballots: each gets a share of the budget in equal shares.
    public var voterCount: Int { groups.reduce(0) { $0 + $1.count } }

    /// Points an entry of `ballot` carries: points or score as given; for ordinal ballots
    /// `maxLength − position`, or the ballot's own length − position when no maximum is set
    /// (so a ballot's first choice is worth as many points as it ranks projects); 1 for approval.
    public func points(_ entry: Ballot.Entry, of ballot: Ballot) -> Int {
        switch voteType {
        case .approval: return 1
        case .cumulative, .scoring: return entry.value
        case .ordinal: return (maxLength ?? ballot.entries.count) - entry.value
        }
    }
}

/// How much a voter values a project they put on their ballot.
public enum Utility: String, Sendable, CaseIterable {
    /// The project's cost (so rules weigh projects by money).
    case cost
    /// 1 for every supported project.
    case cardinality
    /// The points (or positional score) given.
    case points

    func value(of entry: Ballot.Entry, of ballot: Ballot, cost: Int, in profile: Profile) -> Int {
        switch self {
        case .cost: return cost
        case .cardinality: return 1
        case .points: return profile.points(entry, of: ballot)
        }
    }
}

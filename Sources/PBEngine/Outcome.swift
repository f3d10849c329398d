import BigInt

/// What a rule decided, and why, in data a page can turn into sentences.
public struct Outcome: Sendable {
    /// Indices into `Instance.projects`, in the order they were funded.
    public let selected: [Int]
    public let cost: Int
    public let rule: Rule
    public let tieBreaking: TieBreaking
    public let trace: [TraceEvent]
    /// The total score the welfare-maximising rule reached (nil for other rules); 128 bits, as a
    /// sum of costs times supporters.
    public let welfare: Int128?
    /// Equal shares: the distinct amounts left in voters' wallets (× `leftDenominator`) before any
    /// greedy completion; see `spending(ofGroup:)`.
    var left: [BigInt]?
    var leftDenominator: BigInt?
    /// Equal shares: for each profile group, its index into `left`.
    var spendingGroup: [Int32]?
    /// Equal shares: the budget per voter the outcome was computed with (raised by completion).
    public internal(set) var budgetPerVoter: Rational?
    /// equalshares.net's comparison step, when the rule ran it.
    public internal(set) var comparison: GreedyComparison?
    /// Projects left out before the rule ran, and why (see `Eligibility`).
    public internal(set) var exclusions: [Int: Eligibility.Reason] = [:]

    /// Equal shares: what one voter of the profile group (index as `Profile.groups`) paid, before
    /// any greedy completion. Lets an auditor check that nobody paid more than their share.
    public func spending(ofGroup group: Int) -> Rational? {
        guard let left, let leftDenominator, let spendingGroup, let budgetPerVoter else { return nil }
        return budgetPerVoter - Rational(left[Int(spendingGroup[group])], leftDenominator)
    }
}

/// equalshares.net's comparison of the equal-shares outcome with the greedy one: how many voters
/// prefer each, and which was kept (greedy only when more voters prefer it).
public struct GreedyComparison: Sendable, Equatable {
    public let measure: EqualSharesNetOptions.Comparison
    public let prefersEqualShares: Int
    public let prefersGreedy: Int
    /// The equal-shares outcome before the comparison, kept or not.
    public let equalSharesSelection: [Int]
    /// The greedy outcome it was compared with.
    public let greedySelection: [Int]
    public var keptGreedy: Bool { prefersGreedy > prefersEqualShares }
}

/// One step of a rule's reasoning about one project.
public struct TraceEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Funded in this round.
        case funded
        /// Passed over: what remained of the budget could not cover its cost.
        case tooExpensive
        /// Its supporters' remaining money could not cover it (equal shares).
        case unaffordable
        /// The rule stopped here because this project did not fit (Phragmén, greedy without skipping).
        case stopped
        /// Funded by the completion step after the main rule.
        case completed
        /// The per-voter budget was raised for the completion of equal shares.
        case budgetRaised
        /// Left out before the rule ran: below a threshold of `Eligibility` (see `Outcome.exclusions`).
        case ineligible
        /// Funded although it did not fit: the money left covered the share of its cost that
        /// `Eligibility.fundNextAtShare` sets (the count ends with it).
        case fundedAtShare
    }

    public let round: Int
    /// Index into `Instance.projects`, or nil for events about the whole run.
    public let project: Int?
    public let kind: Kind
    /// Supporters (voters) of the project.
    public let supporters: Int
    /// Money left before this step, in the instance's unit.
    public let remaining: Int
    /// Equal shares: what each paying supporter paid (ρ × utility); Phragmén: the new maximal load.
    /// Exact, as a fraction.
    public let share: Rational?
    /// The same amount in floating point, for display, when only that was computed (equal shares
    /// on profiles too large to replay exactly; the selection itself is exact either way).
    public let approximateShare: Double?

    public init(
        round: Int, project: Int?, kind: Kind, supporters: Int, remaining: Int, share: Rational? = nil,
        approximateShare: Double? = nil
    ) {
        self.round = round
        self.project = project
        self.kind = kind
        self.supporters = supporters
        self.remaining = remaining
        self.share = share
        self.approximateShare = approximateShare ?? share?.approximation
    }

    /// The same event about another project index (a rule run on some of an instance's projects,
    /// reported in the whole instance's indices).
    func moved(to project: Int?) -> TraceEvent {
        TraceEvent(
            round: round, project: project, kind: kind, supporters: supporters, remaining: remaining, share: share,
            approximateShare: approximateShare)
    }
}

/// How ties between projects are broken, recorded with every outcome.
public enum TieBreaking: Sendable, Equatable {
    /// The smallest project id, compared as a string (pabutools' default).
    case lexicographic
    /// equalshares.net: lower cost, then more votes, then the given order of ids.
    case equalShares(order: [String])
    /// equalshares.net's compute tool: its criteria in the order given, then the order in which
    /// the tool lists projects (see `TieCriterion.toolOrder`).
    case criteria([TieCriterion])

    public var name: String {
        switch self {
        case .lexicographic: "lexicographic"
        case .equalShares: "equalshares"
        case .criteria(let list): list.isEmpty ? "project-order" : list.map(\.rawValue).joined(separator: ",")
        }
    }

    /// Orders tied projects best first.
    func order(_ candidates: [Int], instance: Instance, supporters: [Int]) -> [Int] {
        // Nearly every round of a rule has a single candidate: nothing to order (and the tool's
        // order, read from every project's id, would cost more than the round).
        guard candidates.count > 1 else { return candidates }
        switch self {
        case .lexicographic:
            return candidates.sorted { idPrecedes(instance.projects[$0].id, instance.projects[$1].id) }
        case .equalShares(let order):
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            return candidates.sorted { a, b in
                let pa = instance.projects[a], pb = instance.projects[b]
                if pa.cost != pb.cost { return pa.cost < pb.cost }
                if supporters[a] != supporters[b] { return supporters[a] > supporters[b] }
                let ra = rank[pa.id] ?? Int.max, rb = rank[pb.id] ?? Int.max
                return ra != rb ? ra < rb : idPrecedes(pa.id, pb.id)
            }
        case .criteria(let list):
            let position = TieCriterion.toolOrder(instance)
            return candidates.sorted { a, b in
                for criterion in list {
                    switch criterion {
                    case .maxVotes where supporters[a] != supporters[b]: return supporters[a] > supporters[b]
                    case .minCost where instance.projects[a].cost != instance.projects[b].cost:
                        return instance.projects[a].cost < instance.projects[b].cost
                    case .maxCost where instance.projects[a].cost != instance.projects[b].cost:
                        return instance.projects[a].cost > instance.projects[b].cost
                    default: continue
                    }
                }
                return position[a] < position[b]
            }
        }
    }
}

/// A tie-breaking criterion of equalshares.net's compute tool.
public enum TieCriterion: String, Sendable, CaseIterable, Hashable {
    /// More supporters first.
    case maxVotes
    /// Lower cost first.
    case minCost
    /// Higher cost first.
    case maxCost

    /// Each project's position in the order the compute tool lists projects: it keeps them as the
    /// keys of a JavaScript object, which lists keys that read as array indices (0, 1, 2… without
    /// leading zeros) first, in numeric order, and the others in the order of the file.
    static func toolOrder(_ instance: Instance) -> [Int] {
        func arrayIndex(_ id: String) -> UInt32? {
            guard let value = UInt32(id), value < UInt32.max, String(value) == id else { return nil }
            return value
        }
        // Each id read once, not at every comparison of the sort.
        let index = instance.projects.map { arrayIndex($0.id) }
        let order = instance.projects.indices.sorted { a, b in
            switch (index[a], index[b]) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        var position = Array(repeating: 0, count: instance.projects.count)
        for (rank, project) in order.enumerated() { position[project] = rank }
        return position
    }
}

/// Per-project totals every rule needs.
struct Tallies {
    /// Voters who put the project on their ballot.
    var supporters: [Int]
    /// Sum of points (positional scores for ordinal ballots) times voters: 128 bits.
    var points: [Int128]

    init(instance: Instance, profile: Profile) {
        supporters = Array(repeating: 0, count: instance.projects.count)
        points = Array(repeating: Int128(0), count: instance.projects.count)
        for group in profile.groups {
            for entry in group.ballot.entries {
                supporters[entry.project] += group.count
                points[entry.project] += Int128(profile.points(entry, of: group.ballot)) * Int128(group.count)
            }
        }
    }
}

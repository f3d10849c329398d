import PBEngine

/// The one place where a cycle's winner rule and tie-break become `PBEngine` rules, so the tally,
/// what-if runs and `mizan verify` can never disagree on what "mes" or "equalshares" means.
public enum EngineSettings {
    /// Recorded with every stored outcome; bump it whenever a rule's results could change.
    public static let version = "PBEngine 1 (Mizan 0.1.0)"

    /// The engine rule a cycle's winner rule means for its ballot kind.
    ///
    /// Approval and knapsack ballots count supporters (cost utilities, as in pabutools). Points and
    /// ranked ballots carry more than approval, so greedy orders by points (for ranked ballots the
    /// positional score `depth − position`) and equal shares gives each voter the points they gave.
    /// Phragmén only knows approvals; ranked ballots count as approvals of the ranked projects.
    public static func rule(for winner: WinnerRule, ballot: BallotRules, options: CountingOptions = .standard) -> Rule {
        let scored: Bool
        switch ballot {
        case .approval, .knapsack: scored = false
        case .points, .ranked: scored = true
        }
        switch winner {
        case .greedy: return Rule(key: scored ? "greedy_score" : "greedy")!
        case .mes: return Rule(key: scored ? "mes_points_add1_util" : "mes")!
        case .phragmen: return Rule(key: "phragmen")!
        case .equalshares: return .equalSharesNet(options.equalShares)
        }
    }

    /// The engine rule of a cycle: its winner rule with its options.
    public static func rule(of cycle: Cycle) -> Rule { rule(for: cycle.rule, ballot: cycle.ballot, options: cycle.options) }

    /// A rule asked for on the command line (`--rule`): a cycle rule name, which is mapped as above,
    /// or any engine key (`optimal`, `greedy_card`, `mes_cost`, …).
    public static func rule(named name: String, ballot: BallotRules) -> Rule? {
        if let winner = WinnerRule(rawValue: name) { return rule(for: winner, ballot: ballot) }
        return Rule(key: name)
    }

    /// The engine's tie-breaking for a cycle's policy. Equal shares' fixed order is the order of
    /// project numbers (numerically), which an auditor can rebuild from any export.
    public static func tieBreaking(_ tieBreak: TieBreak, projectIDs: [String]) -> TieBreaking {
        switch tieBreak {
        case .lexicographic: return .lexicographic
        case .equalshares: return .equalShares(order: numericOrder(projectIDs))
        }
    }

    /// Project ids in increasing number order (ids that are not numbers after them, as text).
    public static func numericOrder(_ ids: [String]) -> [String] {
        ids.sorted { a, b in
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
            }
        }
    }

    /// How ballots of this kind are written in Pabulib and given to the engine.
    public static func voteType(for ballot: BallotRules) -> VoteType {
        switch ballot {
        case .approval, .knapsack: return .approval
        case .points: return .cumulative
        case .ranked: return .ordinal
        }
    }
}

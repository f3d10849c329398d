/// A winner rule with its options, named as in the literature and in pabutools.
public enum Rule: Sendable, Equatable {
    /// Greedy utilitarian: projects by satisfaction per unit of cost, each funded if it still fits.
    /// With `skip == false` it stops at the first project that does not fit.
    case greedy(Utility, skip: Bool)
    /// Method of Equal Shares. `completion`: raise every voter's budget one unit at a time until
    /// the outcome is exhaustive or would overspend; `greedyCompletion`: then fill up greedily by
    /// number of supporters.
    case equalShares(Utility, completion: Bool, greedyCompletion: Bool)
    /// Sequential Phragmén (stops at the first project that does not fit).
    case phragmen
    /// The feasible set with the highest total satisfaction (optimal knapsack), exact.
    case maxWelfare(Utility)

    /// Rule keys of the conformance suite (`greedy_cost`, `mes_cost_add1_util`, …) and the short
    /// names `greedy`, `mes`, `phragmen`, `optimal`.
    public init?(key: String) {
        switch key {
        case "greedy", "greedy_cost": self = .greedy(.cost, skip: true)
        case "greedy_card": self = .greedy(.cardinality, skip: true)
        case "greedy_score": self = .greedy(.points, skip: true)
        case "greedy_noskip", "greedy-no-skip": self = .greedy(.cost, skip: false)
        case "optimal", "maxwelfare_cost": self = .maxWelfare(.cost)
        case "maxwelfare_score": self = .maxWelfare(.points)
        case "maxwelfare_card": self = .maxWelfare(.cardinality)
        case "mes_cost": self = .equalShares(.cost, completion: false, greedyCompletion: false)
        case "mes_card": self = .equalShares(.cardinality, completion: false, greedyCompletion: false)
        case "mes_points": self = .equalShares(.points, completion: false, greedyCompletion: false)
        case "mes_cost_add1": self = .equalShares(.cost, completion: true, greedyCompletion: false)
        case "mes", "mes_cost_add1_util": self = .equalShares(.cost, completion: true, greedyCompletion: true)
        case "mes_card_add1": self = .equalShares(.cardinality, completion: true, greedyCompletion: false)
        case "mes_card_add1_util": self = .equalShares(.cardinality, completion: true, greedyCompletion: true)
        case "mes_points_add1": self = .equalShares(.points, completion: true, greedyCompletion: false)
        case "mes_points_add1_util": self = .equalShares(.points, completion: true, greedyCompletion: true)
        case "phragmen": self = .phragmen
        default: return nil
        }
    }

    public static let keys = [
        "greedy_cost", "greedy_card", "greedy_score", "maxwelfare_cost", "maxwelfare_score", "mes_cost", "mes_card",
        "mes_points", "mes_cost_add1", "mes_cost_add1_util", "mes_card_add1", "mes_card_add1_util", "phragmen",
    ]

    public var key: String {
        switch self {
        case .greedy(let utility, let skip):
            return skip ? "greedy_\(utility.shortName)" : "greedy_noskip"
        case .equalShares(let utility, let completion, let greedy):
            let base = utility == .points ? "mes_points" : "mes_\(utility.shortName)"
            return base + (completion ? "_add1" : "") + (greedy ? "_util" : "")
        case .phragmen: return "phragmen"
        case .maxWelfare(let utility): return "maxwelfare_\(utility.shortName)"
        }
    }

    /// Runs the rule.
    public func apply(to instance: Instance, profile: Profile, tieBreaking: TieBreaking = .lexicographic) -> Outcome {
        switch self {
        case .greedy(let utility, let skip):
            return GreedyUtilitarian(utility: utility, skip: skip).run(instance, profile, tieBreaking)
        case .equalShares(let utility, let completion, let greedyCompletion):
            return EqualShares(utility: utility, completion: completion, greedyCompletion: greedyCompletion)
                .run(instance, profile, tieBreaking)
        case .phragmen:
            return SequentialPhragmen().run(instance, profile, tieBreaking)
        case .maxWelfare(let utility):
            return MaxWelfare(utility: utility).run(instance, profile, tieBreaking)
        }
    }
}

extension Utility {
    var shortName: String {
        switch self {
        case .cost: "cost"
        case .cardinality: "card"
        case .points: "score"
        }
    }
}

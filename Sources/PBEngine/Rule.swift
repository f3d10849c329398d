/// A winner rule with its options, named as in the literature and in pabutools.
public enum Rule: Sendable, Equatable {
    /// Greedy utilitarian: projects by satisfaction per unit of cost, each funded if it still fits.
    /// With `skip == false` it stops at the first project that does not fit, as many cities do
    /// (`greedy_noskip` ranks by supporters, `greedy_noskip_score` by points or ranked score).
    case greedy(Utility, skip: Bool)
    /// Method of Equal Shares. `completion`: raise every voter's budget one unit at a time until
    /// the outcome is exhaustive or would overspend; `greedyCompletion`: then fill up greedily by
    /// number of supporters.
    case equalShares(Utility, completion: Bool, greedyCompletion: Bool)
    /// Sequential Phragmén (stops at the first project that does not fit).
    case phragmen
    /// The feasible set with the highest total satisfaction (optimal knapsack), exact.
    case maxWelfare(Utility)
    /// The Method of Equal Shares as equalshares.net's compute tool runs it, with its options.
    case equalSharesNet(EqualSharesNetOptions)

    /// Rule keys of the conformance suite (`greedy_cost`, `mes_cost_add1_util`, …), the short
    /// names `greedy`, `mes`, `phragmen`, `optimal`, and equalshares.net's procedure
    /// (`equalshares/add1u?integral&comparison=satisfaction`, see `EqualSharesNetOptions.key`).
    public init?(key: String) {
        switch key {
        case "greedy", "greedy_cost": self = .greedy(.cost, skip: true)
        case "greedy_card": self = .greedy(.cardinality, skip: true)
        case "greedy_score": self = .greedy(.points, skip: true)
        case "greedy_noskip", "greedy-no-skip": self = .greedy(.cost, skip: false)
        case "greedy_noskip_card": self = .greedy(.cardinality, skip: false)
        case "greedy_noskip_score": self = .greedy(.points, skip: false)
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
        default:
            guard let options = EqualSharesNetOptions(key: key) else { return nil }
            self = .equalSharesNet(options)
        }
    }

    public static let keys = [
        "greedy_cost", "greedy_card", "greedy_score", "greedy_noskip", "greedy_noskip_card", "greedy_noskip_score", "maxwelfare_cost", "maxwelfare_score", "mes_cost", "mes_card",
        "mes_points", "mes_cost_add1", "mes_cost_add1_util", "mes_card_add1", "mes_card_add1_util", "phragmen",
        "equalshares/none", "equalshares/utilitarian", "equalshares/add1", "equalshares/add1e", "equalshares/add1u",
        "equalshares/add1eu",
    ]

    public var key: String {
        switch self {
        case .greedy(let utility, let skip):
            if skip { return "greedy_\(utility.shortName)" }
            return utility == .cost ? "greedy_noskip" : "greedy_noskip_\(utility.shortName)"
        case .equalShares(let utility, let completion, let greedy):
            let base = utility == .points ? "mes_points" : "mes_\(utility.shortName)"
            return base + (completion ? "_add1" : "") + (greedy ? "_util" : "")
        case .phragmen: return "phragmen"
        case .maxWelfare(let utility): return "maxwelfare_\(utility.shortName)"
        case .equalSharesNet(let options): return options.key
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
        case .equalSharesNet(let options):
            // Ties follow the options' own criteria, as the tool breaks them.
            return EqualSharesNet(options: options).run(instance, profile)
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

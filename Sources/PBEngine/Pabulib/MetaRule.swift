/// The rule a Pabulib file's META says the city used, with the thresholds it names, so that anyone
/// can reproduce a city's published result from its `.pb` alone.
///
/// | META `rule` | rule |
/// |---|---|
/// | `greedy` | greedy by votes (approval) or points, skipping what no longer fits |
/// | `greedy-no-skip` | greedy by votes or points, stopping at the first project that does not fit |
/// | `greedy-threshold` | greedy, among the projects with at least `min_project_score_threshold` votes or points |
/// | `equalshares/add1` | equalshares.net's procedure, budget raised until the next step would overspend |
/// | `equalshares/add1-comparison` | the same, then compared with greedy by voters' satisfaction |
///
/// `min_project_score_threshold` applies to the greedy rules whenever META has it.
///
/// Any engine key (`mes`, `greedy_cost`, `equalshares/add1?comparison=satisfaction`, …) is read
/// too, with the thresholds Mizan writes into its exports beside it, so `mizan verify` and
/// `pb rank --rule meta` re-apply a cycle's counting rules from its `.pb` alone:
///
/// | META key | threshold |
/// |---|---|
/// | `min_project_score_threshold` | at least this many votes (approval) or points |
/// | `min_project_voter_share` | at least this share of the voters (`80%`, `0.8` or `4/5`) |
/// | `voter_share_of` | `district`: that share is of the project's district's voters |
/// | `cost_share_divisor` | Świecie's rule: voters' share at least cost ÷ (divisor × budget) |
/// | `fund_next_at_share` | the next project is funded when this share of its cost is left |
public struct MetaRule: Sendable {
    /// META's `rule` value.
    public let name: String
    public let rule: Rule
    public let eligibility: Eligibility

    public init(_ document: PabulibDocument) throws(MetaRuleError) {
        try self.init(instance: document.instance, voteType: document.voteType)
    }

    /// From the META of `instance` and the file's kind of ballots.
    public init(instance: Instance, voteType: VoteType) throws(MetaRuleError) {
        guard let name = instance.metaValue("rule") else { throw .missing }
        self.name = name
        let byScore: Utility = voteType == .approval ? .cost : .points
        var eligibility = try Self.thresholds(instance)
        switch name {
        case "greedy":
            rule = .greedy(byScore, skip: true)
        case "greedy-no-skip":
            rule = .greedy(byScore, skip: false)
        case "greedy-threshold":
            guard eligibility.minimumScore != nil else { throw .thresholdMissing }
            rule = .greedy(byScore, skip: true)
        case "equalshares/add1":
            rule = .equalSharesNet(EqualSharesNetOptions(completion: .add1))
            eligibility.minimumScore = nil
        case "equalshares/add1-comparison":
            rule = .equalSharesNet(EqualSharesNetOptions(completion: .add1, comparison: .satisfaction))
            eligibility.minimumScore = nil
        default:
            guard let rule = Rule(key: name) else { throw .unknown(name) }
            self.rule = rule
        }
        self.eligibility = eligibility
    }

    /// The thresholds META names (see the table above).
    static func thresholds(_ instance: Instance) throws(MetaRuleError) -> Eligibility {
        var eligibility = Eligibility()
        if let text = instance.metaValue("min_project_score_threshold") {
            guard let value = Int(text), value >= 0 else { throw .badThreshold(text) }
            eligibility.minimumScore = value
        }
        if let text = instance.metaValue("min_project_voter_share") {
            guard let value = Rational(shareText: text) else { throw .badShare("min_project_voter_share", text) }
            eligibility.minimumVoterShare = value
        }
        if let text = instance.metaValue("voter_share_of") {
            guard text == "district" || text == "all" else { throw .badShare("voter_share_of", text) }
            eligibility.shareOfDistrict = text == "district"
        }
        if let text = instance.metaValue("cost_share_divisor") {
            guard let value = Int(text), value >= 1 else { throw .badShare("cost_share_divisor", text) }
            eligibility.costProportionalDivisor = value
        }
        if let text = instance.metaValue("fund_next_at_share") {
            guard let value = Rational(shareText: text), value > .zero else { throw .badShare("fund_next_at_share", text) }
            eligibility.fundNextAtShare = value
        }
        return eligibility
    }

    /// The META lines that name `eligibility`'s thresholds, in the order `thresholds` reads them.
    public static func metaLines(_ eligibility: Eligibility) -> [(String, String)] {
        var lines: [(String, String)] = []
        if let value = eligibility.minimumScore { lines.append(("min_project_score_threshold", "\(value)")) }
        if let value = eligibility.minimumVoterShare {
            lines.append(("min_project_voter_share", value.shareText))
            if eligibility.shareOfDistrict { lines.append(("voter_share_of", "district")) }
        }
        if let value = eligibility.costProportionalDivisor { lines.append(("cost_share_divisor", "\(value)")) }
        if let value = eligibility.fundNextAtShare { lines.append(("fund_next_at_share", value.shareText)) }
        return lines
    }

    /// Runs it on the file's own ballots.
    public func apply(to document: PabulibDocument) -> Outcome {
        rule.apply(to: document.instance, profile: document.profile, eligibility: eligibility)
    }
}

public enum MetaRuleError: Error, Equatable, CustomStringConvertible {
    case missing
    case unknown(String)
    case thresholdMissing
    case badThreshold(String)
    case badShare(String, String)

    public var description: String {
        switch self {
        case .missing: "the file's META has no rule; choose one with --rule"
        case .unknown(let name):
            "the file's META rule \"\(name)\" is not one Mizan reproduces (greedy, greedy-no-skip, greedy-threshold, equalshares/add1, equalshares/add1-comparison, or an engine key such as mes or greedy_cost); choose one with --rule"
        case .thresholdMissing: "the file's META rule greedy-threshold needs min_project_score_threshold in META"
        case .badThreshold(let text): "the file's META min_project_score_threshold is \"\(text)\", not a whole number of votes or points"
        case .badShare(let key, let text):
            key == "cost_share_divisor"
                ? "the file's META cost_share_divisor is \"\(text)\", not a whole number of at least 1"
                : key == "voter_share_of"
                    ? "the file's META voter_share_of is \"\(text)\"; it must be district or all"
                    : "the file's META \(key) is \"\(text)\", not a share between 0 and 100% (80%, 0.8 or 4/5)"
        }
    }
}

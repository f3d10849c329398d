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
        let threshold: Int?
        if let text = instance.metaValue("min_project_score_threshold") {
            guard let value = Int(text), value >= 0 else { throw .badThreshold(text) }
            threshold = value
        } else {
            threshold = nil
        }
        switch name {
        case "greedy":
            rule = .greedy(byScore, skip: true)
            eligibility = Eligibility(minimumScore: threshold)
        case "greedy-no-skip":
            rule = .greedy(byScore, skip: false)
            eligibility = Eligibility(minimumScore: threshold)
        case "greedy-threshold":
            guard let threshold else { throw .thresholdMissing }
            rule = .greedy(byScore, skip: true)
            eligibility = Eligibility(minimumScore: threshold)
        case "equalshares/add1":
            rule = .equalSharesNet(EqualSharesNetOptions(completion: .add1))
            eligibility = .none
        case "equalshares/add1-comparison":
            rule = .equalSharesNet(EqualSharesNetOptions(completion: .add1, comparison: .satisfaction))
            eligibility = .none
        default:
            throw .unknown(name)
        }
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

    public var description: String {
        switch self {
        case .missing: "the file's META has no rule; choose one with --rule"
        case .unknown(let name):
            "the file's META rule \"\(name)\" is not one Mizan reproduces (greedy, greedy-no-skip, greedy-threshold, equalshares/add1, equalshares/add1-comparison); choose one with --rule"
        case .thresholdMissing: "the file's META rule greedy-threshold needs min_project_score_threshold in META"
        case .badThreshold(let text): "the file's META min_project_score_threshold is \"\(text)\", not a whole number of votes or points"
        }
    }
}

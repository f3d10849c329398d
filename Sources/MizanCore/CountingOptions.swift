import Foundation
import PBEngine

/// How a cycle counts beyond the name of its winner rule: equalshares.net's options (used when the
/// rule is `equalshares`) and the thresholds that apply with every rule (`Eligibility`: minimum
/// votes, minimum share of voters, Świecie's cost-proportional rule, funding the next project at
/// a share of its cost).
///
/// Chosen when the cycle is created; the database freezes them with the other rules once voting
/// opens. The cycle page states them, every outcome records them, the export writes them into the
/// `.pb` META (`MetaRule.metaLines`) and `mizan verify` applies them again.
public struct CountingOptions: Sendable, Hashable {
    public var equalShares: EqualSharesNetOptions
    public var thresholds: Eligibility

    public init(equalShares: EqualSharesNetOptions = EqualSharesNetOptions(), thresholds: Eligibility = .none) {
        self.equalShares = equalShares
        self.thresholds = thresholds
    }

    public static let standard = CountingOptions()

    /// The thresholds as stored with the cycle and with each outcome:
    /// `min-votes=50&min-share=10%&share-of=district&cost-divisor=3&fund-next-at=80%`, in that
    /// order, each only when set; empty when there are none.
    public var storedThresholds: String { Self.text(of: thresholds) }

    public static func text(of thresholds: Eligibility) -> String {
        var parts: [String] = []
        if let value = thresholds.minimumScore { parts.append("min-votes=\(value)") }
        if let value = thresholds.minimumVoterShare {
            parts.append("min-share=\(value.shareText)")
            if thresholds.shareOfDistrict { parts.append("share-of=district") }
        }
        if let value = thresholds.costProportionalDivisor { parts.append("cost-divisor=\(value)") }
        if let value = thresholds.fundNextAtShare { parts.append("fund-next-at=\(value.shareText)") }
        return parts.joined(separator: "&")
    }

    /// Reads `storedThresholds`' form (also what an outcome records); each field checked as
    /// `init(fields:)` checks it.
    public static func thresholds(stored text: String) throws(CycleError) -> Eligibility {
        var fields = ThresholdFields()
        for part in text.split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw .invalid("thresholds", "\"\(part)\" is not name=value") }
            switch pair[0] {
            case "min-votes": fields.minimumVotes = pair[1]
            case "min-share": fields.minimumShare = pair[1]
            case "share-of": fields.shareOf = pair[1]
            case "cost-divisor": fields.costDivisor = pair[1]
            case "fund-next-at": fields.fundNextAt = pair[1]
            default: throw .invalid("thresholds", "\(pair[0]) is not a threshold")
            }
        }
        return try fields.eligibility()
    }

    /// From the stored columns.
    public init(storedEqualShares: String, storedThresholds: String) throws(CycleError) {
        guard let equalShares = EqualSharesNetOptions(key: storedEqualShares) else {
            throw .invalid("completion", "\(storedEqualShares) is not an equalshares.net procedure")
        }
        self.init(equalShares: equalShares, thresholds: try Self.thresholds(stored: storedThresholds))
    }
}

/// The thresholds as typed on the command line or in a form, each checked and named by its field.
public struct ThresholdFields: Sendable {
    /// At least this many votes (approval) or points: a whole number.
    public var minimumVotes: String?
    /// At least this share of voters: `10%`, `0.1` or `1/10`.
    public var minimumShare: String?
    /// `district` or `all`: whose voters `minimumShare` counts.
    public var shareOf: String?
    /// Świecie's divisor (3 there): a whole number of at least 1.
    public var costDivisor: String?
    /// Fund the next project when this share of its cost is left: `80%`.
    public var fundNextAt: String?

    public init(minimumVotes: String? = nil, minimumShare: String? = nil, shareOf: String? = nil, costDivisor: String? = nil, fundNextAt: String? = nil) {
        self.minimumVotes = minimumVotes
        self.minimumShare = minimumShare
        self.shareOf = shareOf
        self.costDivisor = costDivisor
        self.fundNextAt = fundNextAt
    }

    public func eligibility() throws(CycleError) -> Eligibility {
        var eligibility = Eligibility()
        if let text = minimumVotes.flatMap(Self.given) {
            guard let value = Int(text), value >= 0, value <= 1_000_000_000 else {
                throw .invalid("min-votes", "\"\(text)\" is not a whole number of votes (0 to 1,000,000,000)")
            }
            eligibility.minimumScore = value
        }
        if let text = minimumShare.flatMap(Self.given) {
            guard let value = Rational(shareText: text), value > .zero else {
                throw .invalid("min-share", "\"\(text)\" is not a share of voters above 0 and at most 100% (10%, 0.1 or 1/10)")
            }
            eligibility.minimumVoterShare = value
        }
        if let text = shareOf.flatMap(Self.given) {
            guard text == "district" || text == "all" else { throw .invalid("share-of", "\"\(text)\": say district or all") }
            // `all` is what counting means without the option, so a form that always sends the
            // field is not refused for it; only `district` needs a share to apply to.
            guard eligibility.minimumVoterShare != nil || text == "all" else {
                throw .invalid("share-of", "it only applies with a minimum share of voters (min-share)")
            }
            eligibility.shareOfDistrict = text == "district"
        }
        if let text = costDivisor.flatMap(Self.given) {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw .invalid("cost-divisor", "\"\(text)\" is not a whole number from 1 to 1000")
            }
            eligibility.costProportionalDivisor = value
        }
        if let text = fundNextAt.flatMap(Self.given) {
            guard let value = Rational(shareText: text), value >= Rational(1, 2) else {
                throw .invalid("fund-next-at", "\"\(text)\" is not a share of the cost from 50% to 100% (80%, 0.8 or 4/5)")
            }
            eligibility.fundNextAtShare = value
        }
        return eligibility
    }

    /// A field left empty counts as not given.
    private static func given(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// equalshares.net's options as typed on the command line or in a form, each checked and named.
public struct EqualSharesFields: Sendable {
    /// none, utilitarian, add1, add1e, add1u or add1eu.
    public var completion: String?
    /// Start from a whole number of dirhams per voter.
    public var integral: Bool
    /// Whole dirhams added per voter at each step.
    public var increment: String?
    /// none, satisfaction or exclusionRatio.
    public var comparison: String?
    /// Tie criteria in order, comma-separated: maxVotes, minCost, maxCost.
    public var ties: String?

    public init(completion: String? = nil, integral: Bool = false, increment: String? = nil, comparison: String? = nil, ties: String? = nil) {
        self.completion = completion
        self.integral = integral
        self.increment = increment
        self.comparison = comparison
        self.ties = ties
    }

    public func options() throws(CycleError) -> EqualSharesNetOptions {
        var options = EqualSharesNetOptions()
        if let text = completion, !text.isEmpty {
            guard let value = EqualSharesNetOptions.Completion(rawValue: text) else {
                throw .invalid("completion", "\"\(text)\": say none, utilitarian, add1, add1e, add1u or add1eu")
            }
            options.completion = value
        }
        options.integral = integral
        if let text = increment, !text.isEmpty {
            guard let value = Int(text), (1...1_000_000).contains(value) else {
                throw .invalid("increment", "\"\(text)\" is not a whole number of dirhams from 1 to 1,000,000")
            }
            options.increment = value
        }
        if let text = comparison, !text.isEmpty {
            guard let value = EqualSharesNetOptions.Comparison(rawValue: text) else {
                throw .invalid("comparison", "\"\(text)\": say none, satisfaction or exclusionRatio")
            }
            options.comparison = value
        }
        if let text = ties, !text.isEmpty {
            var list: [TieCriterion] = []
            for name in text.split(separator: ",") {
                guard let criterion = TieCriterion(rawValue: String(name)), !list.contains(criterion) else {
                    throw .invalid("tie-criteria", "\"\(name)\": list maxVotes, minCost or maxCost, each once")
                }
                list.append(criterion)
            }
            options.tieBreaking = list
        }
        return options
    }
}

import Foundation

/// What a rule decided about one project, as stored with the outcome.
public enum OutcomeDecision: String, Sendable, CaseIterable {
    /// Funded in a round of the rule.
    case funded
    /// Funded by the greedy completion after equal shares.
    case completed
    /// Funded as part of a set chosen at once (no rounds).
    case fundedSet = "funded_set"
    /// Funded although it did not fit: the money left covered the share of its cost the cycle set.
    case fundedAtShare
    case tooExpensive, unaffordable, stopped
    /// Left out before the rule ran: below one of the cycle's thresholds.
    case ineligible
    /// No ballot chose it.
    case unsupported
    /// The rule never chose it.
    case notReached

    /// A stored decision read back; an unknown or inconsistent one falls back to what the funded
    /// flag and round say, so an old or odd row still gets a true sentence.
    public init(stored: String, funded: Bool, round: Int?) {
        var decision = OutcomeDecision(rawValue: stored).flatMap { $0 == .fundedSet ? nil : $0 } ?? (funded ? .funded : .notReached)
        if funded, decision != .funded, decision != .completed, decision != .fundedAtShare { decision = .funded }
        if decision == .funded, round == nil { decision = .fundedSet }
        self = decision
    }

    /// The name stored in the database and the exports (`funded_set` is stored as `funded`).
    public var stored: String { self == .fundedSet ? OutcomeDecision.funded.rawValue : rawValue }
}

/// The sentence that says why a project was or was not funded: built once from the decision and
/// its figures, worded by a phrase set (the English one stored with every outcome and printed by
/// the CLI, or a page's catalog in its language).
public struct OutcomeExplanation: Sendable {
    /// How the equal-shares payment or Phragmén load of a funded project is worded.
    public enum Share: Sendable {
        case payment(String)
        case load(String)
    }

    public let decision: OutcomeDecision
    public let round: Int?
    public let supporters: Int
    public let cost: Money
    /// Money left before the decisive round, when the trace says.
    public let remaining: Money?
    public let share: Share?

    public init(decision: OutcomeDecision, round: Int?, supporters: Int, cost: Money, remaining: Money? = nil, share: Share? = nil) {
        self.decision = decision
        self.round = round
        self.supporters = supporters
        self.cost = cost
        self.remaining = remaining
        self.share = share
    }

    /// The sentence in the words of `phrases`.
    public func sentence(_ phrases: OutcomePhrases) -> String {
        var values = ["round": round.map(phrases.number) ?? "", "votes": phrases.number(supporters), "cost": phrases.money(cost)]
        if let remaining { values["remaining"] = phrases.money(remaining) }
        var text = phrases.phrase(decision.rawValue, values)
        switch share {
        case .payment(let amount)?: text += phrases.phrase("share_payment", ["share": amount])
        case .load(let amount)?: text += phrases.phrase("share_load", ["share": amount])
        case nil: break
        }
        return text
    }
}

/// One language's wording of outcome explanations: a phrase per decision (with `{round}`,
/// `{votes}`, `{cost}`, `{remaining}` and `{share}` filled in) and how numbers and money are written.
public struct OutcomePhrases: Sendable {
    public let phrase: @Sendable (_ key: String, _ values: [String: String]) -> String
    public let number: @Sendable (Int) -> String
    public let money: @Sendable (Money) -> String

    public init(
        phrase: @escaping @Sendable (_ key: String, _ values: [String: String]) -> String,
        number: @escaping @Sendable (Int) -> String, money: @escaping @Sendable (Money) -> String
    ) {
        self.phrase = phrase
        self.number = number
        self.money = money
    }

    /// The English stored with every outcome (`tally_projects.explanation`) and printed by `mizan tally`.
    public static let english = OutcomePhrases(
        phrase: { key, values in fill(englishPhrases[key] ?? key, values) }, number: { String($0) }, money: { $0.description })

    static let englishPhrases: [String: String] = [
        "funded": "funded in round {round}: {votes} supporter(s), {remaining} left before it",
        "completed": "funded in round {round} by the completion step: {votes} supporter(s), {remaining} left before it",
        "funded_set": "funded: part of the best feasible set ({votes} supporter(s))",
        "fundedAtShare": "funded in round {round} although only {remaining} of its {cost} was left: enough of its cost remained for the rule that funds the next project",
        "ineligible": "not funded: left out before the count, below one of the cycle's thresholds ({votes} supporter(s))",
        "tooExpensive": "not funded: costs {cost} but only {remaining} was left in round {round}",
        "unaffordable": "not funded: its {votes} supporter(s) could not cover {cost} from their equal shares (round {round})",
        "stopped": "not funded: the rule stopped in round {round}, as {cost} exceeds the {remaining} left",
        "unsupported": "not funded: no ballot chose it",
        "notReached": "not funded: {votes} supporter(s), not chosen by the rule",
        "share_payment": "; each paying supporter gave {share}",
        "share_load": "; supporters' load became {share}",
        // `mizan pb rank --explain`: the whole account of one project, event by event, in the
        // file's own units (amounts arrive written).
        "trace_summary": "{title} costs {cost} and has {votes} supporter(s); it was {verdict} by {rule}.",
        "trace_verdict_funded": "funded in round {round}",
        "trace_verdict_not_funded": "not funded",
        "trace_share_raised_before": "Before this outcome the completion raised every voter's share from {from} to {share}.",
        "trace_round": "Round {round}: ",
        "trace_funded_equal_shares": "funded; its {votes} supporter(s) {paid} ({remaining} of the budget was left before it).",
        "trace_paid_share": "paid {share} each, or all they had left if less",
        "trace_paid": "paid for it",
        "trace_funded_phragmen": "funded; its {votes} supporter(s) shared its {cost}{load} ({remaining} was left before it).",
        "trace_load": " and their load rose to {share}",
        "trace_funded_max_welfare": "Funded: part of the feasible set with the highest total satisfaction{welfare}.",
        "trace_welfare": " (total satisfaction {welfare})",
        "trace_funded_greedy": "funded; {remaining} was left and it cost {cost}, leaving {left}.",
        "trace_completed": "funded by the greedy completion after equal shares: {remaining} was left and it cost {cost}.",
        "trace_too_expensive": "passed over because the {remaining} left could not cover its {cost}.",
        "trace_unaffordable": "its {votes} supporter(s)' remaining money could not cover its {cost}, so equal shares set it aside.",
        "trace_stopped": "the rule stopped here: its {cost} did not fit in the {remaining} left, and {rule} does not skip ahead.",
        "trace_share_raised": "every voter's share was raised{share}.",
        "trace_share_raised_to": " to {share}",
        "trace_unsupported": "No ballot names it, so no rule funds it.",
        "trace_over_budget": "Its {cost} is more than the whole budget of {budget}.",
        "trace_not_max_welfare": "Not part of the feasible set with the highest total satisfaction{welfare}.",
        "trace_welfare_short": " ({welfare})",
        "trace_not_reached": "The rule ended before it came up.",
        "trace_ineligible": "Left out before the rule ran: its {votes} supporter(s) fell short of the election's threshold.",
        "trace_effective_support": "Effective support {percent}: what its supporters' shares could put towards it, as a share of its cost (funded from 100 %).",
        "trace_went_to": "Its supporters' money went to: {list}.",
        "trace_shares": "Each voter's share: {before} at the start, {after} in the end.",
        "trace_compare_greedy": "Voters with at least one funded project they chose: {share} (greedy by votes: {greedyShare}); funded projects they chose, on average: {average} (greedy: {greedyAverage}).",
        "trace_funded_at_share": "funded although only {remaining} of its {cost} was left: that covers the share of its cost at which the next project is funded; the count ends here.",
    ]

    /// `template` with each `{name}` replaced by its value, in one pass (a value that itself
    /// holds braces, such as a project title, is never filled again); unknown names stay as written.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { return output + rest[open...] }
            let name = String(rest[rest.index(after: open)..<close])
            output += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

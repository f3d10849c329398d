import Foundation
import PBEngine

/// A cycle's settings as typed on the command line (`mizan cycle create`, `mizan cycle settings`)
/// or in the staff's cycle form, read into a `NewCycle` with each problem named by its field.
///
/// One reader for both, so the browser and the command line accept and refuse the same things.
public struct CycleSettingsFields: Sendable {
    public var year: String
    public var title: String?
    public var budget: String
    /// approval, knapsack, points or ranked.
    public var ballot: String
    public var minimum: String?
    public var maximum: String?
    public var points: String?
    public var pointsCap: String?
    public var rankDepth: String?
    /// greedy, mes, phragmen or equalshares.
    public var rule: String
    public var tieBreak: String?
    public var equalShares: EqualSharesFields
    public var thresholds: ThresholdFields
    public var proposalsOpen: String?
    public var proposalsClose: String?
    public var votingOpen: String?
    public var votingClose: String?

    public init(
        year: String, title: String? = nil, budget: String, ballot: String, minimum: String? = nil, maximum: String? = nil,
        points: String? = nil, pointsCap: String? = nil, rankDepth: String? = nil, rule: String, tieBreak: String? = nil,
        equalShares: EqualSharesFields = EqualSharesFields(), thresholds: ThresholdFields = ThresholdFields(),
        proposalsOpen: String? = nil, proposalsClose: String? = nil, votingOpen: String? = nil, votingClose: String? = nil
    ) {
        self.year = year
        self.title = title
        self.budget = budget
        self.ballot = ballot
        self.minimum = minimum
        self.maximum = maximum
        self.points = points
        self.pointsCap = pointsCap
        self.rankDepth = rankDepth
        self.rule = rule
        self.tieBreak = tieBreak
        self.equalShares = equalShares
        self.thresholds = thresholds
        self.proposalsOpen = proposalsOpen
        self.proposalsClose = proposalsClose
        self.votingOpen = votingOpen
        self.votingClose = votingClose
    }

    /// The fields of a stored cycle, as its settings form shows them.
    public init(_ cycle: Cycle) {
        var minimum: String?, maximum: String?, points: String?, cap: String?, depth: String?
        switch cycle.ballot {
        case .approval(let low, let high): (minimum, maximum) = (String(low), high.map(String.init))
        case .knapsack: break
        case .points(let total, let limit): (points, cap) = (String(total), limit.map(String.init))
        case .ranked(let ranks): depth = String(ranks)
        }
        let options = cycle.options.equalShares
        let standard = EqualSharesNetOptions()
        let thresholds = cycle.options.thresholds
        self.init(
            year: String(cycle.year), title: cycle.title, budget: cycle.budget.plainText, ballot: cycle.ballot.kind,
            minimum: minimum, maximum: maximum, points: points, pointsCap: cap, rankDepth: depth, rule: cycle.rule.rawValue,
            tieBreak: cycle.tieBreak.rawValue,
            equalShares: EqualSharesFields(
                completion: cycle.rule == .equalshares ? options.completion.rawValue : nil, integral: options.integral,
                increment: options.increment == standard.increment ? nil : String(options.increment),
                comparison: options.comparison == standard.comparison ? nil : options.comparison.rawValue,
                ties: options.tieBreaking == standard.tieBreaking ? nil : options.tieBreaking.map(\.rawValue).joined(separator: ",")),
            thresholds: ThresholdFields(
                minimumVotes: thresholds.minimumScore.map(String.init), minimumShare: thresholds.minimumVoterShare?.shareText,
                shareOf: thresholds.shareOfDistrict ? "district" : nil, costDivisor: thresholds.costProportionalDivisor.map(String.init),
                fundNextAt: thresholds.fundNextAtShare?.shareText),
            proposalsOpen: cycle.schedule.proposalsOpen?.description, proposalsClose: cycle.schedule.proposalsClose?.description,
            votingOpen: cycle.schedule.votingOpen?.description, votingClose: cycle.schedule.votingClose?.description)
    }

    /// The cycle these fields describe, in the commune given; `CycleError.invalid(field, reason)`
    /// names the first field that is wrong.
    public func newCycle(commune: GeoCode) throws(CycleError) -> NewCycle {
        guard let year = Self.whole(year), (2000...2100).contains(year) else {
            throw .invalid("year", "\"\(year)\" is not a year between 2000 and 2100")
        }
        let money: Money
        do { money = try Money(parsing: budget) } catch { throw .invalid("budget", "\"\(budget)\": \(error)") }
        let rules: BallotRules
        switch ballot.trimmingCharacters(in: .whitespaces) {
        case "approval": rules = .approval(minimum: try Self.number(minimum, "min") ?? 0, maximum: try Self.number(maximum, "max"))
        case "knapsack": rules = .knapsack
        case "points":
            guard let total = try Self.number(points, "points") else {
                throw .invalid("points", "a points ballot needs the number of points each voter spreads")
            }
            rules = .points(total: total, cap: try Self.number(pointsCap, "points-cap"))
        case "ranked":
            guard let depth = try Self.number(rankDepth, "rank-depth") else {
                throw .invalid("rank-depth", "a ranked ballot needs how many projects a voter ranks")
            }
            rules = .ranked(depth: depth)
        default: throw .invalid("ballot", "\"\(ballot)\": say approval, knapsack, points or ranked")
        }
        guard let winner = WinnerRule(rawValue: rule.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("rule", "\"\(rule)\": say greedy, mes, phragmen or equalshares")
        }
        let tieText = (tieBreak ?? "").trimmingCharacters(in: .whitespaces)
        guard let tie = tieText.isEmpty ? .lexicographic : TieBreak(rawValue: tieText) else {
            throw .invalid("tie", "\"\(tieText)\": say lexicographic or equalshares")
        }
        let counting = CountingOptions(equalShares: try equalShares.options(), thresholds: try thresholds.eligibility())
        let schedule = try CycleSchedule(
            proposalsOpen: proposalsOpen, proposalsClose: proposalsClose, votingOpen: votingOpen, votingClose: votingClose)
        return try NewCycle(
            communeCode: commune, year: year, title: title, budget: money, ballot: rules, rule: winner, tieBreak: tie,
            options: counting, schedule: schedule)
    }

    private static func whole(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 10, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(trimmed)
    }

    /// An optional whole number from 0 to 1,000,000: empty is absent.
    private static func number(_ text: String?, _ field: String) throws(CycleError) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = whole(text), value <= 1_000_000 else { throw .invalid(field, "\"\(text)\" is not a whole number from 0 to 1,000,000") }
        return value
    }
}

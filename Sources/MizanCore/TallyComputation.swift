import Foundation
import PBEngine

/// A project as the tally sees it: its number, official cost and title.
public struct TallyProjectInput: Hashable, Sendable {
    public let id: Int
    public let cost: Money
    public let title: String

    public init(id: Int, cost: Money, title: String) {
        self.id = id
        self.cost = cost
        self.title = title
    }
}

/// One mark of a ballot as the engine takes it: a project number and its value (1 for approval,
/// points, or the 0-based position in a ranking).
public struct TallyMark: Hashable, Sendable {
    public let project: Int
    public let value: Int

    public init(project: Int, value: Int) {
        self.project = project
        self.value = value
    }
}

/// Identical ballots merged with a count: a million ballots are usually a few thousand distinct
/// ones, so this is all the tally keeps in memory.
public struct TallyVoteGroup: Sendable {
    public let marks: [TallyMark]
    public let count: Int

    public init(marks: [TallyMark], count: Int) {
        self.marks = marks
        self.count = count
    }
}

/// What one run of the engine decided about one project, with the sentence that explains it.
public struct TallyProjectResult: Sendable, Equatable, Codable {
    public let id: String
    public let costCentimes: Int64
    public let supporters: Int
    /// Points (or positional score) received; the number of supporters for approval ballots.
    public let score: Int
    public let funded: Bool
    /// The round in which it was funded.
    public let round: Int?
    /// The trace event that decided it (`funded`, `completed`, `tooExpensive`, `unaffordable`,
    /// `stopped`), or `unsupported`/`notReached` when the rule never looked at it.
    public let decision: String
    public let explanation: String
}

/// One trace event with money in centimes and project numbers instead of engine indices, as
/// stored with the outcome and exported.
public struct TallyTraceRecord: Sendable, Equatable, Codable {
    public let round: Int
    public let project: String?
    public let kind: String
    public let supporters: Int
    public let remainingCentimes: Int64
    /// Exact equal-shares payment per supporter or Phragmén load, as `n/d` in the engine's unit.
    public let share: String?
    /// The same in centimes, rounded, for people.
    public let shareCentimes: Double?

    enum CodingKeys: String, CodingKey {
        case round, project, kind, supporters
        case remainingCentimes = "remaining_centimes"
        case share
        case shareCentimes = "share_centimes"
    }
}

/// The outcome of one scope (the whole cycle, or one district envelope).
public struct TallyResult: Sendable {
    public let ruleKey: String
    public let tieBreak: String
    /// The thresholds it was computed with (`CountingOptions.storedThresholds`; empty for none).
    public let thresholds: String
    public let budgetCentimes: Int64
    public let spentCentimes: Int64
    public let voters: Int
    /// Every project, in the instance's order.
    public let projects: [TallyProjectResult]
    /// Funded project ids in the order they were funded.
    public let funded: [String]
    public let trace: [TallyTraceRecord]
    /// Effective support, where money went and greedy compared (see `OutcomeAccount`); kept by
    /// the tally, not computed for what-if runs.
    public var account: TallyAccount?

    /// The trace as compact JSON with a stable key order (absent values left out), for storage and export.
    public var traceJSON: String {
        JSON.array(trace.map { record in
            var fields: [String: JSON] = [
                "round": .int(record.round), "kind": .string(record.kind), "supporters": .int(record.supporters),
                "remaining_centimes": .number(record.remainingCentimes),
            ]
            if let project = record.project { fields["project"] = .string(project) }
            if let share = record.share { fields["share"] = .string(share) }
            if let shareCentimes = record.shareCentimes { fields["share_centimes"] = .number(shareCentimes) }
            return .object(fields)
        }).text
    }
}

/// Builds the engine's instance and profile from stored projects and ballots, runs a rule, and
/// turns its outcome and trace into per-project results.
public enum TallyComputation {
    /// Amounts are whole dirhams when every cost and the budget are, centimes otherwise — the unit
    /// the canonical `.pb` is written in, so a reader of that file gets the very same instance.
    public static func instance(projects: [TallyProjectInput], budget: Money) -> Instance {
        let whole = budget.centimes % 100 == 0 && projects.allSatisfy { $0.cost.centimes % 100 == 0 }
        let divisor: Int64 = whole ? 100 : 1
        return Instance(
            projects: projects.sorted { $0.id < $1.id }.map {
                Project(id: String($0.id), cost: Int($0.cost.centimes / divisor), name: $0.title)
            },
            budget: Int(budget.centimes / divisor), scale: whole ? 0 : 2)
    }

    /// The profile of merged ballots; marks naming a project outside the instance are dropped.
    public static func profile(
        groups: [TallyVoteGroup], instance: Instance, voteType: VoteType, maxLength: Int?
    ) -> Profile {
        var index: [String: Int] = [:]
        for (position, project) in instance.projects.enumerated() { index[project.id] = position }
        var ballots: [PBEngine.Ballot] = []
        ballots.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        for group in groups {
            let entries = group.marks.compactMap { mark in
                index[String(mark.project)].map { PBEngine.Ballot.Entry(project: $0, value: mark.value) }
            }
            // Identical values share one entries buffer, so a million copies cost a pointer each.
            ballots.append(contentsOf: repeatElement(PBEngine.Ballot(entries: entries), count: group.count))
        }
        return Profile(voteType: voteType, ballots: ballots, maxLength: maxLength)
    }

    /// One scope's outcome under the cycle's own rule (or `rule`), ballot kind and tie-break: what
    /// `mizan tally` stores and `mizan verify` recomputes.
    public static func compute(
        cycle: Cycle, projects: [TallyProjectInput], groups: [TallyVoteGroup], budget: Money, rule: Rule? = nil
    ) -> TallyResult {
        let instance = instance(projects: projects, budget: budget)
        let maxLength: Int? = if case .ranked(let depth) = cycle.ballot { depth } else { nil }
        let profile = profile(groups: groups, instance: instance, voteType: EngineSettings.voteType(for: cycle.ballot), maxLength: maxLength)
        let tieBreaking = EngineSettings.tieBreaking(cycle.tieBreak, projectIDs: instance.projects.map(\.id))
        return run(
            rule: rule ?? EngineSettings.rule(of: cycle), tieBreaking: tieBreaking, instance: instance, profile: profile,
            thresholds: cycle.options.thresholds)
    }

    /// Runs `rule` with `thresholds` and explains the result.
    public static func run(
        rule: Rule, tieBreaking: TieBreaking, instance: Instance, profile: Profile, thresholds: Eligibility = .none
    ) -> TallyResult {
        let outcome = rule.apply(to: instance, profile: profile, tieBreaking: tieBreaking, eligibility: thresholds)
        var result = summarize(outcome, instance: instance, profile: profile, thresholds: thresholds)
        result.account = TallyAccount(
            OutcomeAccount(outcome: outcome, instance: instance, profile: profile, tieBreaking: tieBreaking, thresholds: thresholds),
            instance: instance)
        return result
    }

    /// Per-project supporters and scores, the funding rounds and a sentence per project.
    public static func summarize(_ outcome: Outcome, instance: Instance, profile: Profile, thresholds: Eligibility = .none) -> TallyResult {
        let count = instance.projects.count
        var supporters = Array(repeating: 0, count: count)
        var scores = Array(repeating: 0, count: count)
        for group in profile.groups {
            for entry in group.ballot.entries where entry.project < count {
                supporters[entry.project] += group.count
                scores[entry.project] += profile.points(entry, of: group.ballot) * group.count
            }
        }
        func centimes(_ amount: Int) -> Int64 { toCentimes(amount, scale: instance.scale) }
        var decisive: [Int: TraceEvent] = [:]
        let selected = Set(outcome.selected)
        for event in outcome.trace {
            guard let project = event.project else { continue }
            // A funding event is final; otherwise the latest word about the project stands.
            if let earlier = decisive[project], [.funded, .completed, .fundedAtShare].contains(earlier.kind) { continue }
            decisive[project] = event
        }
        let projects = instance.projects.enumerated().map { index, project -> TallyProjectResult in
            let cost = Money(centimes: centimes(project.cost))
            let event = decisive[index]
            let funded = selected.contains(index)
            let round = funded ? event?.round ?? outcome.selected.firstIndex(of: index).map { $0 + 1 } : nil
            func left(_ event: TraceEvent) -> Money { Money(centimes: centimes(event.remaining)) }
            let explanation: OutcomeExplanation
            switch event?.kind {
            case .funded? where funded:
                let share = event!.share.map { approximate($0, scale: instance.scale) }
                explanation = OutcomeExplanation(
                    decision: .funded, round: event!.round, supporters: supporters[index], cost: cost, remaining: left(event!),
                    share: share.map { outcome.rule == .phragmen ? .load($0) : .payment($0) })
            case let kind? where funded && (kind == .completed || kind == .fundedAtShare):
                explanation = OutcomeExplanation(
                    decision: kind == .completed ? .completed : .fundedAtShare, round: event!.round, supporters: supporters[index], cost: cost,
                    remaining: left(event!))
            case .ineligible?:
                explanation = OutcomeExplanation(decision: .ineligible, round: nil, supporters: supporters[index], cost: cost)
            case let kind? where kind == .tooExpensive || kind == .unaffordable || kind == .stopped:
                explanation = OutcomeExplanation(
                    decision: kind == .tooExpensive ? .tooExpensive : kind == .unaffordable ? .unaffordable : .stopped,
                    round: event!.round, supporters: supporters[index], cost: cost, remaining: left(event!))
            default:
                explanation = OutcomeExplanation(
                    decision: funded ? .fundedSet : supporters[index] == 0 ? .unsupported : .notReached, round: round,
                    supporters: supporters[index], cost: cost)
            }
            return TallyProjectResult(
                id: project.id, costCentimes: cost.centimes, supporters: supporters[index], score: scores[index], funded: funded,
                round: round, decision: explanation.decision.stored, explanation: explanation.sentence(.english))
        }
        let trace = outcome.trace.map { event in
            TallyTraceRecord(
                round: event.round, project: event.project.map { instance.projects[$0].id }, kind: event.kind.rawValue,
                supporters: event.supporters, remainingCentimes: centimes(event.remaining), share: event.share?.description,
                shareCentimes: event.approximateShare.map { ($0 * pow(10, Double(2 - instance.scale)) * 100).rounded() / 100 })
        }
        return TallyResult(
            ruleKey: outcome.rule.key, tieBreak: outcome.tieBreaking.name, thresholds: CountingOptions.text(of: thresholds),
            budgetCentimes: centimes(instance.budget),
            spentCentimes: centimes(outcome.cost), voters: profile.voterCount, projects: projects,
            funded: outcome.selected.map { instance.projects[$0].id }, trace: trace)
    }

    /// An amount in the instance's unit as centimes (units of 10^-scale dirhams).
    public static func toCentimes(_ amount: Int, scale: Int) -> Int64 {
        if scale <= 2 {
            var factor: Int64 = 1
            for _ in 0..<(2 - scale) { factor *= 10 }
            return Int64(amount) * factor
        }
        var divisor: Int64 = 1
        for _ in 0..<(scale - 2) { divisor *= 10 }
        return (Int64(amount) + divisor / 2) / divisor
    }

    static func approximate(_ value: Rational, scale: Int) -> String {
        let centimes = (value.approximation * pow(10, Double(2 - scale))).rounded()
        return "≈ " + Money(centimes: Int64(centimes)).description
    }
}

/// Why a tally, a publication or an export is refused, in words staff can act on.
public enum TallyError: Error, Equatable, CustomStringConvertible {
    case wrongPhase(cycle: Int, phase: Phase, action: String, needed: String)
    case noProjects(scope: String)
    case nothingToPublish(cycle: Int)
    case invalid(String, String)
    /// Publishing would show how identifiable voters voted (`SmallScopeRule`); staff did not confirm.
    case exposesVoters(cycle: Int, reasons: [String])

    public var description: String {
        switch self {
        case .wrongPhase(let cycle, let phase, let action, let needed):
            return "cycle \(cycle) is in \(phase.rawValue); \(action) \(needed)"
        case .noProjects(let scope): return "no accepted project in \(scope): there is nothing to tally"
        case .nothingToPublish(let cycle): return "cycle \(cycle) has no stored outcome: run `mizan tally --cycle \(cycle)` first"
        case .invalid(let option, let reason): return "--\(option): \(reason)"
        case .exposesVoters(let cycle, let reasons):
            return "cycle \(cycle) is not published: \(reasons.joined(separator: "; ")). Its counts would show how these voters voted "
                + "(a project's vote count is then the choice of a few known people, or of everyone). Publish it only if that is "
                + "acceptable, for example because the voters agreed: `mizan publish --cycle \(cycle) --confirm-small`; "
                + "the confirmation is recorded in the audit log"
        }
    }
}

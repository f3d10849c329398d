import Foundation
import Hummingbird
import MizanCore

/// The public page of a cycle: budget, phase and timeline, and the ballot and winner rules in plain
/// words before anyone votes.
struct CycleController {
    let storage: any Storage
    let pages: PageRenderer
    /// Signs the audit-log head each results page shows.
    let secrets: ServerSecrets
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.cycle) { _, context in try await show(CycleID(context.parameters.require("id", as: Int.self)), language) }
        group.get(.cycleResults) { _, context in try await results(CycleID(context.parameters.require("id", as: Int.self)), language) }
    }

    /// The published outcome, with the signed head of the audit log as read in the same
    /// transaction; until publication the address is a 404 that says why.
    func results(_ id: CycleID, _ language: Language) async throws -> Response {
        let loaded = try await storage.transaction { stores -> (Cycle, PublishedOutcome?, AuditHead)? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            return (cycle, try stores.tallies.published(cycle: id), try stores.audit.head())
        }
        guard let (cycle, outcome, head) = loaded else { throw HTTPError(.notFound) }
        guard let outcome else {
            return try pages.render(
                ErrorPage(kind: "results_pending", catalogs: catalogs, language: language), language: language,
                url: .cycleResults(id), status: .notFound)
        }
        return try pages.render(
            ResultsPage(cycle: cycle, outcome: outcome, auditHead: StableAuditHeadSigner.sign(head, with: secrets), catalogs: catalogs, language: language),
            language: language, url: .cycleResults(id))
    }

    func show(_ id: CycleID, _ language: Language) async throws -> Response {
        let loaded = try await storage.transaction { stores -> (Cycle, [PhaseEntry], PublishedOutcome?, SupportPhase?)? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            return (cycle, try stores.cycleHistory.phases(of: id), try stores.tallies.published(cycle: id), try stores.supports.phase(cycle: id))
        }
        guard let (cycle, phases, outcome, supports) = loaded else { throw HTTPError(.notFound) }
        return try pages.render(
            CyclePage(
                cycle: cycle, phases: phases, outcome: outcome, supports: supports, catalogs: catalogs, language: language),
            language: language, url: .cycle(id))
    }
}

struct CyclePage: PageModel {
    let template = "cycle"
    let heading: String
    let communeName: PlaceName
    let budget: String
    let phase: String
    let timeline: [TimelineStep]
    /// The dates the commune announced, one sentence per stage.
    let dates: [String]
    let ballotRule: String
    let winnerRule: String
    let tieBreak: String
    /// The cycle's thresholds and equalshares.net options in words (empty when it has none).
    let countingNotes: [String]
    let hasCountingNotes: Bool
    /// Before voting: that the rules become frozen when it opens (none or one).
    let rulesFrozenNote: [String]
    let homeLink: String
    let communeLink: String
    let resultsLink: String
    /// Each link only while it leads somewhere (a list, since the templates look into lists).
    let proposeLink: [String]
    let proposalsLink: [String]
    let voteLink: [String]
    /// The supports page, when the cycle has a supports phase that has begun.
    let supportsLink: [String]
    /// "Check my ballot": a receipt can be checked in every phase.
    let checkBallotLink: String
    /// Only what was published; empty before.
    let results: [ResultsView]
    let published: Bool

    struct TimelineStep {
        let phase: String
        let since: String?
        let current: Bool
        let done: Bool
    }

    init(
        cycle: Cycle, phases: [PhaseEntry], outcome: PublishedOutcome? = nil, supports: SupportPhase? = nil, catalogs: Catalogs,
        language: Language
    ) {
        heading = cycle.title
        communeName = PlaceName(cycle.communeName, language)
        budget = catalogs.money(cycle.budget, language)
        phase = catalogs.text("phase_\(cycle.phase.rawValue)", language)
        timeline = Phase.allCases.map { step in
            let entered = phases.first { $0.phase == step }?.enteredAt
            return TimelineStep(
                phase: catalogs.text("phase_\(step.rawValue)", language),
                since: entered.map { catalogs.text("since", language, ["date": catalogs.date($0, language)]) },
                current: step == cycle.phase, done: step < cycle.phase)
        }
        dates = Self.dates(cycle.schedule, catalogs, language)
        ballotRule = Self.ballotRule(cycle, catalogs, language)
        let id = CycleID(cycle.id)
        homeLink = SiteURL.home.href(language)
        communeLink = SiteURL.commune(code: cycle.communeCode).href(language)
        resultsLink = SiteURL.cycleResults(id).href(language)
        proposeLink = cycle.phase == .proposals ? [SiteURL.propose(id).href(language)] : []
        proposalsLink = cycle.phase >= .proposals ? [SiteURL.cycleProposals(id).href(language)] : []
        voteLink = cycle.phase == .voting ? [SiteURL.eligibility(id).href(language)] : []
        supportsLink = supports != nil && cycle.phase >= .proposals ? [SupportController.href(language, cycle.id)] : []
        checkBallotLink = SiteURL.receiptLookup.href(language)
        winnerRule = catalogs.text("rule_\(cycle.rule.rawValue)", language)
        tieBreak = catalogs.text("tie_\(cycle.tieBreak.rawValue)", language)
        countingNotes = CountingNotes.sentences(cycle, catalogs, language)
        hasCountingNotes = !countingNotes.isEmpty
        rulesFrozenNote = cycle.phase < .voting ? [catalogs.text("count_frozen", language)] : []
        results = outcome?.scopes.map { ResultsView(scope: $0, cycle: cycle, catalogs: catalogs, language: language) } ?? []
        published = outcome != nil
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(communeName.primary)" }

    /// The announced dates: proposals, then voting, each as a range or its one known end.
    static func dates(_ schedule: CycleSchedule, _ catalogs: Catalogs, _ language: Language) -> [String] {
        func sentence(_ stage: String, _ from: CalendarDate?, _ until: CalendarDate?) -> String? {
            let values = ["from": from.map { catalogs.day($0, language) } ?? "", "until": until.map { catalogs.day($0, language) } ?? ""]
            switch (from, until) {
            case (.some, .some): return catalogs.text("dates_\(stage)_range", language, values)
            case (.some, .none): return catalogs.text("dates_\(stage)_from", language, values)
            case (.none, .some): return catalogs.text("dates_\(stage)_until", language, values)
            case (.none, .none): return nil
            }
        }
        return [sentence("proposals", schedule.proposalsOpen, schedule.proposalsClose), sentence("voting", schedule.votingOpen, schedule.votingClose)]
            .compactMap { $0 }
    }

    /// The ballot rules in plain words.
    static func ballotRule(_ cycle: Cycle, _ catalogs: Catalogs, _ language: Language) -> String {
        switch cycle.ballot {
        case .approval(let minimum, let maximum):
            return maximum.map { catalogs.text("ballot_approval", language, ["min": "\(max(minimum, 1))", "max": "\($0)"]) }
                ?? catalogs.text("ballot_approval_any", language, ["min": "\(max(minimum, 1))"])
        case .knapsack:
            return catalogs.text("ballot_knapsack", language, ["budget": catalogs.money(cycle.budget, language)])
        case .points(let total, let cap):
            let capText = cap.map { catalogs.text("ballot_points_cap", language, ["cap": "\($0)"]) } ?? ""
            return catalogs.text("ballot_points", language, ["points": "\(total)", "cap": capText])
        case .ranked(let depth):
            return catalogs.text("ballot_ranked", language, ["depth": "\(depth)"])
        }
    }
}

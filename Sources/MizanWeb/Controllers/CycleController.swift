import Foundation
import Hummingbird
import MizanCore
import MizanPostgres
import PostgresDriver

/// The public page of a cycle: budget, phase and timeline, and the ballot and winner rules in plain
/// words before anyone votes.
struct CycleController {
    let pool: ConnectionPool
    let pages: PageRenderer
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get("cycles/:id") { _, context in try await show(context.parameters.require("id", as: Int.self), language) }
        group.get("cycles/:id/results") { _, context in try await results(context.parameters.require("id", as: Int.self), language) }
    }

    /// The published outcome; until publication the address is a 404 that says why.
    func results(_ id: Int, _ language: Language) async throws -> Response {
        let loaded = try await pool.withConnection { connection -> (Cycle, PublishedOutcome?)? in
            guard let cycle = try CycleStore.find(id, on: connection) else { return nil }
            return (cycle, try PublishedOutcome.load(cycleID: id, language: language, on: connection))
        }
        guard let (cycle, outcome) = loaded else { throw HTTPError(.notFound) }
        guard let outcome else {
            return try pages.render(
                ErrorPage(kind: "results_pending", catalogs: catalogs, language: language), language: language,
                path: "/cycles/\(id)/results", status: .notFound)
        }
        return try pages.render(
            ResultsPage(cycle: cycle, outcome: outcome, catalogs: catalogs, language: language), language: language,
            path: "/cycles/\(id)/results")
    }

    func show(_ id: Int, _ language: Language) async throws -> Response {
        let loaded = try await pool.withConnection { connection -> (Cycle, [(String, Date)], PublishedOutcome?)? in
            guard let cycle = try CycleStore.find(id, on: connection) else { return nil }
            let phases = try connection.query("SELECT phase, entered_at FROM cycle_phases WHERE cycle_id = \(id) ORDER BY entered_at")
                .map { (try $0.decode(String.self, 0), try $0.decode(Date.self, 1)) }
            return (cycle, phases, try PublishedOutcome.load(cycleID: id, language: language, on: connection))
        }
        guard let (cycle, phases, outcome) = loaded else { throw HTTPError(.notFound) }
        return try pages.render(
            CyclePage(cycle: cycle, phases: phases, outcome: outcome, catalogs: catalogs, language: language), language: language,
            path: "/cycles/\(id)")
    }
}

struct CyclePage: PageModel {
    let template = "cycle"
    let heading: String
    let communeCode: String
    let communeName: PlaceName
    let budget: String
    let phase: String
    let timeline: [TimelineStep]
    let ballotRule: String
    let winnerRule: String
    let tieBreak: String
    let cycleID: Int
    let takingProposals: Bool
    let showsProposals: Bool
    let voting: Bool
    /// Only what was published; empty before.
    let results: [ResultsView]
    let published: Bool

    struct TimelineStep {
        let phase: String
        let since: String?
        let current: Bool
        let done: Bool
    }

    init(cycle: Cycle, phases: [(String, Date)], outcome: PublishedOutcome? = nil, catalogs: Catalogs, language: Language) {
        heading = cycle.title
        communeCode = cycle.communeCode
        communeName = PlaceName(cycle.communeName, language)
        budget = catalogs.money(cycle.budget, language)
        phase = catalogs.text("phase_\(cycle.phase.rawValue)", language)
        timeline = Phase.allCases.map { step in
            let entered = phases.first { $0.0 == step.rawValue }?.1
            return TimelineStep(
                phase: catalogs.text("phase_\(step.rawValue)", language),
                since: entered.map { catalogs.text("since", language, ["date": catalogs.date($0, language)]) },
                current: step == cycle.phase, done: step < cycle.phase)
        }
        ballotRule = Self.ballotRule(cycle, catalogs, language)
        cycleID = cycle.id
        takingProposals = cycle.phase == .proposals
        showsProposals = cycle.phase >= .proposals
        voting = cycle.phase == .voting
        winnerRule = catalogs.text("rule_\(cycle.rule.rawValue)", language)
        tieBreak = catalogs.text("tie_\(cycle.tieBreak.rawValue)", language)
        results = outcome?.scopes.map { ResultsView(scope: $0, cycle: cycle, catalogs: catalogs, language: language) } ?? []
        published = outcome != nil
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(communeName.primary)" }

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

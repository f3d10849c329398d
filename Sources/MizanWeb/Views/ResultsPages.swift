import Foundation
import MizanCore
import MizanPostgres
import PostgresDriver

/// A published outcome as read from `tallies` and `tally_projects`: only rows whose
/// `published_at` is set, so nothing computed but not yet published can ever reach a page.
struct PublishedOutcome {
    struct Scope {
        let tallyID: Int
        let districtName: PlaceName?
        let budget: Money
        let spent: Money
        let ballots: Int
        let registered: Int
        let rule: String
        let tieBreak: String
        let projects: [Project]
    }

    struct Project {
        let id: Int
        let title: String
        let cost: Money
        let supporters: Int
        let funded: Bool
        let round: Int?
        let decision: String
        /// The latest `implementation_updates` row, if any.
        let progress: Progress?
    }

    struct Progress {
        let status: String
        let percent: Int
        let spent: Money
        let recordedAt: Date
    }

    let scopes: [Scope]

    /// The published scopes of a cycle, or nil when nothing is published.
    static func load(cycleID: Int, language: Language, on connection: PostgresConnection) throws -> PublishedOutcome? {
        let tallies = try connection.query("""
            SELECT t.id, t.district_id, d.name_fr, d.name_ar, t.budget_centimes, t.spent_centimes, t.voters, t.rule, t.tie_break
            FROM tallies t LEFT JOIN districts d ON d.id = t.district_id
            WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL
            ORDER BY coalesce(t.district_id, 0)
            """).map { row in
                (id: try row.decode(Int.self, 0), district: try row.decodeIfPresent(Int.self, 1),
                 nameFR: try row.decodeIfPresent(String.self, 2), nameAR: try row.decodeIfPresent(String.self, 3),
                 budget: try row.decode(Int64.self, 4), spent: try row.decode(Int64.self, 5), voters: try row.decode(Int.self, 6),
                 rule: try row.decode(String.self, 7), tie: try row.decode(String.self, 8))
            }
        guard !tallies.isEmpty else { return nil }
        var scopes: [Scope] = []
        for tally in tallies {
            let projects = try connection.query("""
                SELECT tp.proposal_id, p.title, tp.cost_centimes, tp.supporters, tp.funded, tp.round,
                       coalesce(tp.explanation->>'decision', CASE WHEN tp.funded THEN 'funded' ELSE 'notReached' END),
                       u.status, u.progress_percent, u.spent_centimes, u.recorded_at
                FROM tally_projects tp JOIN proposals p ON p.id = tp.proposal_id
                LEFT JOIN LATERAL (
                    SELECT i.status, i.progress_percent::int AS progress_percent, i.spent_centimes, i.recorded_at
                    FROM implementation_updates i WHERE i.proposal_id = tp.proposal_id AND tp.funded
                    ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1
                ) u ON true
                WHERE tp.tally_id = \(tally.id)
                ORDER BY tp.supporters DESC, tp.proposal_id
                """).map { row in
                    Project(
                        id: try row.decode(Int.self, 0), title: try row.decode(String.self, 1),
                        cost: Money(centimes: try row.decode(Int64.self, 2)), supporters: try row.decode(Int.self, 3),
                        funded: try row.decode(Bool.self, 4), round: try row.decodeIfPresent(Int.self, 5),
                        decision: try row.decode(String.self, 6),
                        progress: try row.decodeIfPresent(String.self, 7).map { status in
                            Progress(
                                status: status, percent: try row.decode(Int.self, 8), spent: Money(centimes: try row.decode(Int64.self, 9)),
                                recordedAt: try row.decode(Date.self, 10))
                        })
                }
            let registered = try connection.query("""
                SELECT count(*) FROM registry_entries
                WHERE cycle_id = \(cycleID) AND (\(tally.district)::int IS NULL OR district_id = \(tally.district)::int)
                """).single().decode(Int.self, 0)
            let districtName = tally.nameFR.map { PlaceName(BilingualName(french: $0, arabic: tally.nameAR ?? $0), language) }
            scopes.append(Scope(
                tallyID: tally.id, districtName: districtName, budget: Money(centimes: tally.budget),
                spent: Money(centimes: tally.spent), ballots: tally.voters, registered: registered,
                rule: tally.rule, tieBreak: tally.tie, projects: projects))
        }
        return PublishedOutcome(scopes: scopes)
    }
}

/// What the templates show of one published scope: money, turnout, funded projects, a bar chart
/// of votes per project (drawn on the server, bars growing from the inline start) and the same
/// numbers in a table, each project with one sentence saying why it was or was not funded.
struct ResultsView {
    let tallyID: Int
    let districtHeading: String?
    let budget: String
    let budgetUsed: String
    let budgetLeft: String
    let turnout: String
    let ruleText: String
    let tieText: String
    let funded: [Row]
    let noneFunded: Bool
    let rows: [Row]
    let chart: Chart

    struct Row {
        let id: Int
        let title: String
        let cost: String
        let votes: String
        let funded: Bool
        let outcome: String
        let sentence: String
        /// For a funded project with an implementation update: the latest one in words (none or
        /// one; a list, since the templates look into lists).
        let progress: [ProgressView]
    }

    struct ProgressView {
        let text: String
        let percent: Int
        let label: String
    }

    struct Chart {
        let titleID: String
        let label: String
        let viewBox: String
        let width: Int
        let height: Int
        let bars: [ChartBar]
    }

    init(scope: PublishedOutcome.Scope, cycle: Cycle, catalogs: Catalogs, language: Language) {
        tallyID = scope.tallyID
        districtHeading = scope.districtName.map { catalogs.text("results_district", language, ["name": $0.primary]) }
        budget = catalogs.money(scope.budget, language)
        budgetUsed = catalogs.money(scope.spent, language)
        budgetLeft = catalogs.money(scope.budget - scope.spent, language)
        // Past the registry (paper ballots, printed codes) a share would mislead: the count alone.
        if scope.registered > 0, scope.ballots <= scope.registered {
            let percent = Double(scope.ballots) * 100 / Double(scope.registered)
            let percentText = String(format: "%.1f", percent).replacingOccurrences(of: ".", with: ",") + " %"
            turnout = catalogs.text(
                "results_turnout_of", language,
                ["ballots": catalogs.number(scope.ballots), "registered": catalogs.number(scope.registered), "percent": percentText])
        } else {
            turnout = catalogs.text("results_turnout_ballots", language, ["ballots": catalogs.number(scope.ballots)])
        }
        let ruleKey = "rule_\(scope.rule)"
        ruleText = catalogs.table(language)[ruleKey] != nil ? catalogs.text(ruleKey, language) : catalogs.text("rule_\(cycle.rule.rawValue)", language)
        let tieKey = "tie_\(scope.tieBreak)"
        tieText = catalogs.table(language)[tieKey] != nil ? catalogs.text(tieKey, language) : catalogs.text("tie_\(cycle.tieBreak.rawValue)", language)

        let rows = scope.projects.map { project in
            Row(
                id: project.id, title: project.title, cost: catalogs.money(project.cost, language),
                votes: catalogs.number(project.supporters), funded: project.funded,
                outcome: catalogs.text(project.funded ? "results_funded_yes" : "results_funded_no", language),
                sentence: Self.sentence(project, catalogs, language),
                progress: project.progress.map { [Self.progress($0, catalogs, language)] } ?? [])
        }
        self.rows = rows
        funded = zip(scope.projects, rows).filter { $0.0.funded }
            .sorted { ($0.0.round ?? Int.max, $0.0.id) < ($1.0.round ?? Int.max, $1.0.id) }.map { $0.1 }
        noneFunded = funded.isEmpty
        chart = Self.chart(scope, tallyID: scope.tallyID, catalogs: catalogs, language: language)
    }

    /// One sentence per project, in the page's language, from the stored decision, round and
    /// funded flag.
    static func sentence(_ project: PublishedOutcome.Project, _ catalogs: Catalogs, _ language: Language) -> String {
        sentence(
            decision: project.decision, funded: project.funded, round: project.round, supporters: project.supporters, cost: project.cost,
            catalogs, language)
    }

    /// The same from the parts of any outcome (a rule comparison's verdicts too); `round` nil for
    /// a set chosen at once.
    static func sentence(
        decision stored: String, funded: Bool, round: Int?, supporters: Int, cost: Money, _ catalogs: Catalogs, _ language: Language
    ) -> String {
        let known = ["funded", "completed", "tooExpensive", "unaffordable", "stopped", "unsupported", "notReached"]
        var decision = known.contains(stored) ? stored : (funded ? "funded" : "notReached")
        if funded && !["funded", "completed"].contains(decision) { decision = "funded" }
        if decision == "funded" && round == nil { decision = "funded_set" }
        return catalogs.text(
            "results_why_\(decision)", language,
            ["round": round.map { catalogs.number($0) } ?? "", "votes": catalogs.number(supporters), "cost": catalogs.money(cost, language)])
    }

    /// "In progress: 40 % done, 520.000,00 MAD spent (12 March 2026)".
    static func progress(_ progress: PublishedOutcome.Progress, _ catalogs: Catalogs, _ language: Language) -> ProgressView {
        let values = [
            "status": catalogs.text("impl_status_\(progress.status)", language), "percent": catalogs.number(progress.percent),
            "spent": catalogs.money(progress.spent, language), "date": catalogs.date(progress.recordedAt, language),
        ]
        return ProgressView(
            text: catalogs.text("results_progress", language, values), percent: progress.percent,
            label: catalogs.text("results_progress_label", language, values))
    }

    static let layout = HorizontalBars(barArea: 340, rowHeight: 32, barTop: 6, barHeight: 20, textOffset: 17)

    /// A horizontal bar chart of votes per project, funded ones marked.
    static func chart(_ scope: PublishedOutcome.Scope, tallyID: Int, catalogs: Catalogs, language: Language) -> Chart {
        let bars = layout.bars(
            scope.projects.map {
                HorizontalBars.Item(
                    label: HorizontalBars.fitted($0.title, limit: 30), magnitude: Int64($0.supporters),
                    value: catalogs.number($0.supporters), funded: $0.funded)
            },
            rightToLeft: language.direction == "rtl")
        let summary = scope.projects.map {
            catalogs.text("results_chart_item", language, ["title": $0.title, "votes": catalogs.number($0.supporters)])
        }.joined(separator: catalogs.text("results_list_separator", language))
        let height = layout.height(rows: scope.projects.count)
        return Chart(
            titleID: "chart-title-\(tallyID)", label: catalogs.text("results_chart_label", language, ["summary": summary]),
            viewBox: "0 0 \(layout.chartWidth) \(height)", width: layout.chartWidth, height: height, bars: bars)
    }
}

struct ResultsPage: PageModel {
    let template = "results"
    let heading: String
    let cycleTitle: String
    let cycleID: Int
    let communeCode: String
    let communeName: PlaceName
    let results: [ResultsView]

    init(cycle: Cycle, outcome: PublishedOutcome, catalogs: Catalogs, language: Language) {
        heading = catalogs.text("results_heading", language)
        cycleTitle = cycle.title
        cycleID = cycle.id
        communeCode = cycle.communeCode
        communeName = PlaceName(cycle.communeName, language)
        results = outcome.scopes.map { ResultsView(scope: $0, cycle: cycle, catalogs: catalogs, language: language) }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

import Foundation
import MizanCore

/// The tables of a cycle's analysis in the page's language, per scope: the page and the CSV
/// downloads are both written from these.
struct AnalysisTables {
    struct ScopeTables {
        let scope: CycleAnalysis.Scope
        /// `all` for the whole cycle, `d<id>` for a district envelope: the prefix of table names.
        let key: String
        let heading: String?
        let tables: [DashboardTable]
        let notes: [String]
    }

    let all: [ScopeTables]

    init(cycle: Cycle, analysis: CycleAnalysis, catalogs: Catalogs, language: Language) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        func money(_ amount: Money) -> String { catalogs.money(amount, language) }
        func percent(_ share: Proportion?) -> DashboardTable.Cell { .percent(share?.perMille.map { Double($0) / 10 }) }

        all = analysis.scopes.map { scope in
            let comparison = scope.comparison
            let key = comparison.district.map { "d\($0)" } ?? "all"
            let districtNames = Dictionary(scope.districts.compactMap { d in d.id.map { ($0, d.name ?? "#\($0)") } }, uniquingKeysWith: { a, _ in a })
            let heading = comparison.district.map { text("results_district", ["name": districtNames[$0] ?? "#\($0)"]) }
            let titles = Dictionary(scope.projects.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
            let runs = comparison.runs
            let ruleHeaders = runs.map { run in
                run.isCycleRule ? text("analysis_rule_own", ["rule": text("analysis_rule_\(run.rule.rawValue)")]) : text("analysis_rule_\(run.rule.rawValue)")
            }
            let computed = runs.filter { $0.result != nil }
            let computedHeaders = zip(runs, ruleHeaders).filter { $0.0.result != nil }.map(\.1)
            var notes: [String] = []
            for run in runs {
                switch run.status {
                case .computed: break
                case .notApplicable: notes.append(text("analysis_not_applicable", ["rule": text("analysis_rule_\(run.rule.rawValue)")]))
                case .tooLarge: notes.append(text("analysis_too_large", ["rule": text("analysis_rule_\(run.rule.rawValue)")]))
                }
            }
            var tables: [DashboardTable] = []

            tables.append(DashboardTable(
                name: "\(key)-rules", caption: text("analysis_rules_caption"), header: [text("analysis_col_measure")] + ruleHeaders,
                rows: [
                    [.text(text("analysis_row_spent"))] + runs.map { run in run.metrics.map { .text(money($0.spent)) } ?? .text("—") },
                    [.text(text("analysis_row_funded"))] + runs.map { run in .number(run.metrics?.fundedProjects) },
                    [.text(text("analysis_row_satisfied"))] + runs.map { run in percent(run.metrics?.votersWithFundedProject) },
                    [.text(text("analysis_row_cost_share"))] + runs.map { run in percent(run.metrics?.averageFundedCostShare) },
                ]))

            let cycleResult = runs.first(where: \.isCycleRule)?.result ?? computed.first?.result
            let supporters = Dictionary((cycleResult?.projects ?? []).compactMap { p in Int(p.id).map { ($0, p.supporters) } }, uniquingKeysWith: { a, _ in a })
            let ordered = scope.projects.sorted { (supporters[$0.id] ?? 0, -$0.id) > (supporters[$1.id] ?? 0, -$1.id) }
            tables.append(DashboardTable(
                name: "\(key)-projects", caption: text("analysis_projects_caption"),
                header: [text("analysis_col_project"), text("analysis_col_supporters"), text("analysis_col_cost")] + computedHeaders,
                rows: ordered.map { project in
                    [.text("#\(project.id) \(project.title)"), .number(supporters[project.id]), .text(money(project.cost))]
                        + computed.map { run -> DashboardTable.Cell in
                            guard let outcome = run.result?.project(project.id), outcome.funded else { return .text(text("analysis_not_funded")) }
                            // The optimum is a set chosen at once: its rounds are only an order of listing.
                            let round = run.rule == .optimal ? nil : outcome.round
                            return .text(round.map { text("analysis_funded_round", ["round": catalogs.number($0)]) } ?? text("analysis_funded"))
                        }
                }))

            if !comparison.disagreements.isEmpty {
                tables.append(DashboardTable(
                    name: "\(key)-differences", caption: text("analysis_differences_caption"),
                    header: [text("analysis_col_project")] + computedHeaders,
                    rows: comparison.disagreements.map { disagreement in
                        [.text("#\(disagreement.project) \(disagreement.title)")] + computed.map { run -> DashboardTable.Cell in
                            guard let verdict = disagreement.verdicts.first(where: { $0.rule == run.rule }) else { return .text("—") }
                            return .text(Self.sentence(verdict, supporters: disagreement.supporters, cost: disagreement.cost, catalogs, language))
                        }
                    }))
            }

            if scope.districts.contains(where: { $0.id != nil }) {
                tables.append(DashboardTable(
                    name: "\(key)-districts", caption: text("analysis_districts_caption"),
                    header: [text("analysis_col_district"), text("analysis_col_voters_share"), text("analysis_col_population_share")]
                        + computedHeaders.map { text("analysis_col_funds_under", ["rule": $0]) },
                    rows: scope.districts.map { district in
                        let shares = computed.map { run in run.metrics?.districts.first { $0.district == district.id } }
                        let first = shares.compactMap { $0 }.first
                        return [.text(district.id.map { districtNames[$0] ?? "#\($0)" } ?? text("analysis_no_district")),
                                percent(first?.voters), percent(first?.population)]
                            + shares.map { percent($0?.funds) }
                    }))
            }

            var categories: [String] = []
            for run in computed { for share in run.metrics?.categories ?? [] where !categories.contains(share.category) { categories.append(share.category) } }
            if !categories.isEmpty {
                tables.append(DashboardTable(
                    name: "\(key)-categories", caption: text("analysis_categories_caption"),
                    header: [text("analysis_col_category")] + computedHeaders,
                    rows: categories.map { category in
                        [.text(category)] + computed.map { run in
                            guard let share = run.metrics?.categories.first(where: { $0.category == category }) else { return .percent(0) }
                            return percent(share.funds)
                        }
                    }))
            }

            let whatIf = scope.whatIf
            func names(_ ids: [Int]) -> String {
                ids.isEmpty ? "—" : ids.map { "#\($0) \(titles[$0] ?? "")" }.joined(separator: text("results_list_separator"))
            }
            var variants: [[DashboardTable.Cell]] = [[
                .text(text("analysis_variant_actual")), .text(money(whatIf.budget)), .text(money(Money(centimes: whatIf.actual.spentCentimes))),
                .number(whatIf.actual.funded.count), .text("—"), .text("—"),
            ]]
            for variant in whatIf.variants {
                let label = variant.percent.map { text("analysis_variant_percent", ["percent": ($0 > 0 ? "+" : "−") + "\(abs($0))"]) }
                    ?? text("analysis_variant_changed")
                variants.append([
                    .text(label), .text(money(variant.budget)), .text(money(variant.spent)), .number(variant.funded.count),
                    .text(names(variant.gained)), .text(names(variant.lost)),
                ])
            }
            tables.append(DashboardTable(
                name: "\(key)-what-if", caption: text("analysis_whatif_caption"),
                header: [text("analysis_col_variant"), text("analysis_col_budget"), text("analysis_col_spent"), text("analysis_row_funded"),
                         text("analysis_col_gained"), text("analysis_col_lost")],
                rows: variants))

            if let marginal = scope.marginal, !marginal.projects.isEmpty {
                tables.append(DashboardTable(
                    name: "\(key)-marginal", caption: text("analysis_marginal_caption"),
                    header: [text("analysis_col_project"), text("analysis_col_supporters"), text("analysis_col_cost"),
                             text("analysis_col_more_supporters"), text("analysis_col_lower_cost")],
                    rows: marginal.projects.map { project in
                        [.text("#\(project.project) \(project.title)"), .number(project.supporters), .text(money(project.cost)),
                         .text(Self.reach(project.supportersNeeded, found: "analysis_more_supporters", catalogs, language)),
                         .text(Self.reach(project.costReductionNeeded, found: "analysis_lower_cost", catalogs, language))]
                    }))
            }
            if let marginal = scope.marginal, marginal.notExamined > 0 {
                notes.append(text("analysis_marginal_not_examined", ["count": catalogs.number(marginal.notExamined)]))
            }
            if scope.marginal == nil { notes.append(text("analysis_marginal_computing")) }
            return ScopeTables(scope: scope, key: key, heading: heading, tables: tables, notes: notes)
        }
    }

    static func reach(_ reach: MarginalProject.Reach, found key: String, _ catalogs: Catalogs, _ language: Language) -> String {
        switch reach {
        case .found(let value): catalogs.text(key, language, ["n": catalogs.number(value)])
        case .notWithinReach(let bound): catalogs.text("analysis_not_within_reach", language, ["bound": catalogs.number(bound)])
        case .notSearched: catalogs.text("analysis_not_searched", language)
        }
    }

    /// The results page's sentence for a decision, so staff read the same words citizens do. The
    /// optimum funds a set at once, so it never speaks of rounds.
    static func sentence(_ verdict: RuleDisagreement.Verdict, supporters: Int, cost: Money, _ catalogs: Catalogs, _ language: Language) -> String {
        ResultsView.sentence(
            decision: verdict.decision, funded: verdict.funded, round: verdict.rule == .optimal ? nil : verdict.round, supporters: supporters,
            cost: cost, catalogs, language)
    }
}

struct AnalysisPage: PageModel {
    let template = "analysis"
    let heading: String
    let cycleTitle: String
    let communeName: PlaceName
    let staffHomeHref: String
    let cycleHref: String
    let formAction: String
    let ruleText: String
    let computing: Bool
    let reloadHref: String
    let computedText: String?
    let csrf: String
    let budgetFields: [BudgetField]
    let hasBudgetFields: Bool
    let hasFormError: Bool
    let scopes: [ScopeView]

    struct BudgetField {
        let name: String
        let label: String
        let value: String
        let fieldError: String?
    }

    struct ScopeView {
        let id: String
        let scopeHeading: String?
        let notes: [String]
        let sections: [DashboardSection]
    }

    init(
        cycle: Cycle, analysis: CycleAnalysis?, form: AnalysisController.BudgetForm, csrf: String, query: String?,
        catalogs: Catalogs, language: Language
    ) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        heading = text("analysis_heading")
        cycleTitle = cycle.title
        let id = CycleID(cycle.id)
        communeName = PlaceName(cycle.communeName, language)
        staffHomeHref = StaffController.homeHref(language)
        cycleHref = SiteURL.cycle(id).href(language)
        formAction = SiteURL.staffAnalysis(id).href(language)
        ruleText = text("analysis_intro", ["rule": text("analysis_rule_\(ComparedRule(cycle.rule)?.rawValue ?? cycle.rule.rawValue)")])
        computing = analysis == nil
        let suffix = query.map { $0.isEmpty ? "" : "?\($0)" } ?? ""
        reloadHref = formAction + suffix
        computedText = analysis.map { text("analysis_computed_at", ["date": catalogs.date($0.computedAt, language, withTime: true)]) }
        self.csrf = csrf
        hasFormError = !form.errors.isEmpty

        let tables = analysis.map { AnalysisTables(cycle: cycle, analysis: $0, catalogs: catalogs, language: language) }
        // One budget field per scope: the whole cycle, or each district envelope.
        let scopeFields: [(Int?, String, Money)] = tables?.all.map { scope in
            (scope.scope.comparison.district, scope.heading ?? text("analysis_whole_cycle"), scope.scope.comparison.budget)
        } ?? []
        var fields = scopeFields.map { district, label, budget in
            let name = AnalysisController.fieldName(district)
            return BudgetField(
                name: name, label: text("analysis_budget_field", ["scope": label, "budget": catalogs.money(budget, language)]),
                value: form.typed[name] ?? "", fieldError: form.errors[name])
        }
        for (name, value) in form.typed.sorted(by: { $0.key < $1.key }) where !fields.contains(where: { $0.name == name }) {
            fields.append(BudgetField(name: name, label: name, value: value, fieldError: form.errors[name]))
        }
        budgetFields = fields
        hasBudgetFields = !fields.isEmpty

        scopes = tables?.all.map { scope in
            let sections = scope.tables.map { table -> DashboardSection in
                var charts: [DashboardBarChart] = []
                if table.name.hasSuffix("-rules") {
                    let items = scope.scope.comparison.runs.compactMap { run -> (label: String, value: Int?, text: String)? in
                        guard let share = run.metrics?.votersWithFundedProject, let perMille = share.perMille else { return nil }
                        return (text("analysis_rule_\(run.rule.rawValue)"), Int(perMille), share.percentText)
                    }
                    charts = [DashboardBarChart(id: table.name, summaryKey: "analysis_chart_satisfied", items: items, catalogs: catalogs, language: language)]
                }
                return DashboardSection(
                    table: table, heading: table.caption, barCharts: charts, csvURL: { .staffAnalysisFile(id, file: $0) }, query: suffix, catalogs: catalogs, language: language)
            }
            return ScopeView(id: "scope-\(scope.key)", scopeHeading: scope.heading, notes: scope.notes, sections: sections)
        } ?? []
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

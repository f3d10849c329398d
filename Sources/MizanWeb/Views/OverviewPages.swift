import Foundation
import MizanCore

/// The figures of one line of a regional overview, computed once and shared by the HTML table, its
/// sorting and the CSV download, so all three always agree. Only published cycles have figures.
struct OverviewFigures {
    let line: RegionalOverview.Line
    /// Position in the order the store returned (commune code, newest cycle first): the last tie-break.
    let index: Int

    var cycle: RegionalOverview.CycleFacts? { line.cycle }
    var published: RegionalOverview.PublishedFacts? { line.cycle?.published }

    /// Budget ÷ population, rounded to the nearest centime.
    var perInhabitant: Money? {
        guard let cycle, published != nil, line.population > 0 else { return nil }
        let population = Int64(line.population)
        return Money(centimes: (2 * cycle.budget.centimes + population) / (2 * population))
    }

    /// Ballots ÷ registry entries; nil when the registry is empty or smaller than the ballots
    /// (paper ballots, printed codes), where a share would mislead.
    var turnout: Double? {
        guard let published, published.registered > 0, published.ballots <= published.registered else { return nil }
        return Double(published.ballots) / Double(published.registered)
    }

    var completedShare: Double? {
        guard let published, published.fundedProjects > 0 else { return nil }
        return Double(published.completedProjects) / Double(published.fundedProjects)
    }

    /// Mean of the latest progress percentage of each funded project (0 for one without update).
    var averageProgress: Double? {
        guard let published, published.fundedProjects > 0 else { return nil }
        return Double(published.progressPercentSum) / Double(published.fundedProjects)
    }
}

/// The sortable columns of the overview table, as named in `?sort=`.
enum OverviewColumn: String, CaseIterable {
    case commune, population, cycle, phase
    case perInhabitant = "per_inhabitant"
    case turnout, funded
    case fundedCost = "funded_cost"
    case completed, progress, spent

    enum Key: Comparable {
        case text(String)
        case number(Double)
    }

    /// The value a line sorts by; nil sorts last in either order (no cycle, nothing published).
    func key(_ figures: OverviewFigures, _ language: Language) -> Key? {
        switch self {
        case .commune: .text(sortingText(PlaceName(figures.line.communeName, language).primary))
        case .population: .number(Double(figures.line.population))
        case .cycle: figures.cycle.map { .number(Double($0.year)) }
        case .phase: figures.cycle.flatMap { cycle in Phase(rawValue: cycle.phase).flatMap { Phase.allCases.firstIndex(of: $0) } }.map { .number(Double($0)) }
        case .perInhabitant: figures.perInhabitant.map { .number(Double($0.centimes)) }
        case .turnout: figures.turnout.map { .number($0) }
        case .funded: figures.published.map { .number(Double($0.fundedProjects)) }
        case .fundedCost: figures.published.map { .number(Double($0.fundedCost.centimes)) }
        case .completed: figures.completedShare.map { .number($0) }
        case .progress: figures.averageProgress.map { .number($0) }
        case .spent: figures.published.map { .number(Double($0.spent.centimes)) }
        }
    }

    /// Lines sorted by this column; ties keep the store's order, lines without a value go last.
    /// Communes with a participatory budget come before those without, whatever the column: a
    /// region's few budgets are what a visitor looks for among its hundred communes.
    func sorted(_ lines: [OverviewFigures], ascending: Bool, _ language: Language) -> [OverviewFigures] {
        lines.map { ($0, key($0, language)) }.sorted { left, right in
            let (leftHasCycle, rightHasCycle) = (left.0.cycle != nil, right.0.cycle != nil)
            if leftHasCycle != rightHasCycle { return leftHasCycle }
            switch (left.1, right.1) {
            case (nil, nil): return left.0.index < right.0.index
            case (nil, _): return false
            case (_, nil): return true
            case (let a?, let b?):
                if a == b { return left.0.index < right.0.index }
                return ascending ? a < b : b < a
            }
        }.map { $0.0 }
    }
}

/// Text compared without regard to accents or case, so « Éclairage » sorts with the E.
func sortingText(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
}

/// One line of the funded-projects-by-category table.
struct OverviewCategoryLine {
    let figures: OverviewFigures
    let cycle: RegionalOverview.CycleFacts
    let facts: RegionalOverview.CategoryFacts
    /// Position in the store's order (commune code, newest cycle first, category): the last tie-break.
    let position: Int

    static func all(_ lines: [OverviewFigures]) -> [OverviewCategoryLine] {
        var result: [OverviewCategoryLine] = []
        for figures in lines.sorted(by: { $0.index < $1.index }) {
            guard let cycle = figures.cycle, let published = figures.published else { continue }
            for facts in published.categories {
                result.append(OverviewCategoryLine(figures: figures, cycle: cycle, facts: facts, position: result.count))
            }
        }
        return result
    }

    func label(_ catalogs: Catalogs, _ language: Language) -> String {
        let key = "category_\(facts.category)"
        return catalogs.table(language)[key] != nil ? catalogs.text(key, language) : facts.category
    }
}

/// The sortable columns of the category table, as named in `?csort=`.
enum OverviewCategoryColumn: String, CaseIterable {
    case commune, cycle, category, funded
    case fundedCost = "funded_cost"

    func key(_ line: OverviewCategoryLine, _ catalogs: Catalogs, _ language: Language) -> OverviewColumn.Key {
        switch self {
        case .commune: .text(sortingText(PlaceName(line.figures.line.communeName, language).primary))
        case .cycle: .number(Double(line.cycle.year))
        case .category: .text(sortingText(line.label(catalogs, language)))
        case .funded: .number(Double(line.facts.projects))
        case .fundedCost: .number(Double(line.facts.cost.centimes))
        }
    }

    func sorted(_ lines: [OverviewCategoryLine], ascending: Bool, _ catalogs: Catalogs, _ language: Language) -> [OverviewCategoryLine] {
        lines.map { ($0, key($0, catalogs, language)) }.sorted { left, right in
            if left.1 == right.1 { return left.0.position < right.0.position }
            return ascending ? left.1 < right.1 : right.1 < left.1
        }.map { $0.0 }
    }
}

/// The sort a visitor asked for: the main table's column and order, and the category table's
/// (nil keeps the store's order).
struct OverviewSort {
    var column: OverviewColumn = .commune
    var ascending = true
    var categoryColumn: OverviewCategoryColumn? = nil
    var categoryAscending = true

    var query: String {
        var text = "sort=\(column.rawValue)&order=\(ascending ? "asc" : "desc")"
        if let categoryColumn { text += "&csort=\(categoryColumn.rawValue)&corder=\(categoryAscending ? "asc" : "desc")" }
        return text
    }
}

/// A percentage with one decimal and a decimal comma, as the results pages write it; a no-break
/// space keeps the sign on the number's line.
func percentText(_ ratio: Double) -> String {
    String(format: "%.1f", ratio * 100).replacingOccurrences(of: ".", with: ",") + "\u{00A0}%"
}

/// The overview of a region or a province: one table line per cycle of each of its communes,
/// sortable by any column through plain links, a table of funded projects by category, and a bar
/// chart of the budget per inhabitant, each table also downloadable as CSV.
struct OverviewPage: PageModel {
    let template = "overview"
    let heading: String
    let homeHref: String
    let areaKind: String
    let areaName: PlaceName
    let areaHref: String
    let regionCrumb: [Crumb]
    let summary: String
    let columns: [Header]
    let rows: [RowView]
    let categoryColumns: [Header]
    let categories: [CategoryRow]
    let hasCategories: Bool
    let csvHref: String
    let categoriesCSVHref: String
    let chart: [Chart]

    struct Crumb {
        let href: String
        let name: String
    }

    struct Header {
        let label: String
        let href: String
        /// `ascending` or `descending` on the sorted column only.
        let ariaSort: String?
        let arrow: String?
    }

    struct RowView {
        let communeHref: String
        let communeName: PlaceName
        let population: String
        let cycleHref: String?
        let cycleText: String
        let phase: String
        let perInhabitant: String
        let turnout: String
        let funded: String
        let fundedCost: String
        let completed: String
        let progress: String
        let spent: String
    }

    struct CategoryRow {
        let communeName: String
        let cycleText: String
        let category: String
        let projects: String
        let cost: String
    }

    struct Chart {
        let label: String
        let viewBox: String
        let width: Int
        let height: Int
        let bars: [ChartBar]
    }

    /// `area` is the area's own page, `overview` and `csv` this page and its download.
    init(
        kind: String, name: BilingualName, area: SiteURL, overview: SiteURL, csv: SiteURL, region: (code: String, name: BilingualName)?,
        lines: [OverviewFigures], categoryLines: [OverviewCategoryLine], sort: OverviewSort, catalogs: Catalogs, language: Language
    ) {
        let base = overview.href(language)
        let csvBase = csv.href(language)
        homeHref = SiteURL.home.href(language)
        areaKind = kind
        areaName = PlaceName(name, language)
        heading = catalogs.text("overview_heading", language, ["name": areaName.primary])
        areaHref = area.href(language)
        regionCrumb = region.map { [Crumb(href: SiteURL.region(code: $0.code).href(language), name: PlaceName($0.name, language).primary)] } ?? []
        let communes = Set(lines.map(\.line.communeCode)).count
        let cycles = lines.filter { $0.cycle != nil }.count
        let published = lines.filter { $0.published != nil }.count
        summary = catalogs.text(
            "overview_summary", language,
            ["communes": catalogs.number(communes), "cycles": catalogs.number(cycles), "published": catalogs.number(published)])
        // A click on the sorted column reverses it; any other column starts ascending. Each
        // table's links keep the other table's order.
        columns = OverviewColumn.allCases.map { column in
            let current = column == sort.column
            var next = sort
            next.column = column
            next.ascending = !(current && sort.ascending)
            return Header(
                label: catalogs.text("overview_col_\(column.rawValue)", language), href: "\(base)?\(next.query)",
                ariaSort: current ? (sort.ascending ? "ascending" : "descending") : nil,
                arrow: current ? (sort.ascending ? "▲" : "▼") : nil)
        }
        categoryColumns = OverviewCategoryColumn.allCases.map { column in
            let current = column == sort.categoryColumn
            var next = sort
            next.categoryColumn = column
            next.categoryAscending = !(current && sort.categoryAscending)
            return Header(
                label: catalogs.text("overview_col_\(column.rawValue)", language), href: "\(base)?\(next.query)#categories",
                ariaSort: current ? (sort.categoryAscending ? "ascending" : "descending") : nil,
                arrow: current ? (sort.categoryAscending ? "▲" : "▼") : nil)
        }
        let dash = "—"
        rows = lines.map { figures in
            let cycle = figures.cycle
            let published = figures.published
            let turnout: String
            if let share = figures.turnout {
                turnout = percentText(share)
            } else if let published {
                turnout = catalogs.text("results_turnout_ballots", language, ["ballots": catalogs.number(published.ballots)])
            } else {
                turnout = dash
            }
            return RowView(
                communeHref: SiteURL.commune(code: figures.line.communeCode).href(language),
                communeName: PlaceName(figures.line.communeName, language),
                population: catalogs.number(figures.line.population),
                cycleHref: cycle.map { SiteURL.cycle(CycleID($0.id)).href(language) },
                cycleText: cycle.map { "\($0.year) — \($0.title)" } ?? catalogs.text("overview_no_cycle", language),
                phase: cycle.map { catalogs.text("phase_\($0.phase)", language) } ?? dash,
                perInhabitant: figures.perInhabitant.map { catalogs.money($0, language) } ?? dash,
                turnout: turnout,
                funded: published.map { catalogs.number($0.fundedProjects) } ?? dash,
                fundedCost: published.map { catalogs.money($0.fundedCost, language) } ?? dash,
                completed: published.map {
                    catalogs.text("overview_completed_of", language, [
                        "completed": catalogs.number($0.completedProjects), "funded": catalogs.number($0.fundedProjects),
                    ])
                } ?? dash,
                progress: figures.averageProgress.map { percentText($0 / 100) } ?? dash,
                spent: published.map { catalogs.money($0.spent, language) } ?? dash)
        }
        categories = categoryLines.map { line in
            CategoryRow(
                communeName: PlaceName(line.figures.line.communeName, language).primary, cycleText: "\(line.cycle.year) — \(line.cycle.title)",
                category: line.label(catalogs, language), projects: catalogs.number(line.facts.projects),
                cost: catalogs.money(line.facts.cost, language))
        }
        hasCategories = !categories.isEmpty
        csvHref = "\(csvBase)?\(sort.query)"
        categoriesCSVHref = "\(csvBase)?table=categories&\(sort.query)"
        chart = Self.chart(lines, catalogs: catalogs, language: language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(catalogs.text("site_name", language))" }

    /// Budget per inhabitant of each published cycle, in the table's order. On right-to-left pages
    /// the labels sit on the right and the bars grow leftwards, as on the results pages.
    static func chart(_ lines: [OverviewFigures], catalogs: Catalogs, language: Language) -> [Chart] {
        let shown = lines.compactMap { figures in figures.perInhabitant.map { (figures, $0) } }
        guard !shown.isEmpty else { return [] }
        let bars = HorizontalBars.bars(
            shown.map { figures, amount in
                let name = PlaceName(figures.line.communeName, language).primary
                return HorizontalBars.Item(
                    label: "\(HorizontalBars.fitted(name, limit: HorizontalBars.labelLimit - 5)) \(figures.cycle?.year ?? 0)", magnitude: amount.centimes,
                    value: catalogs.money(amount, language))
            },
            rightToLeft: language.direction == "rtl")
        let summary = shown.map { figures, amount in
            catalogs.text("overview_chart_item", language, [
                "commune": PlaceName(figures.line.communeName, language).primary, "year": "\(figures.cycle?.year ?? 0)",
                "amount": catalogs.money(amount, language),
            ])
        }.joined(separator: catalogs.text("results_list_separator", language))
        let height = HorizontalBars.height(rows: shown.count)
        return [Chart(
            label: catalogs.text("overview_chart_label", language, ["summary": summary]),
            viewBox: "0 0 \(HorizontalBars.chartWidth) \(height)", width: HorizontalBars.chartWidth, height: height, bars: bars)]
    }
}

/// The overview tables as CSV: machine-readable figures (decimal points, centimes as dirhams with
/// two decimals, raw phase names), in the same order as the page for the same `sort` and `order`.
enum OverviewCSV {
    static func cycles(_ lines: [OverviewFigures]) -> String {
        var output = "commune_code,commune_fr,commune_ar,population,cycle_id,year,title,phase,budget_mad,budget_per_inhabitant_mad,"
            + "ballots,registry_size,turnout_percent,funded_projects,funded_cost_mad,completed_projects,average_progress_percent,spent_mad\r\n"
        for figures in lines {
            let cycle = figures.cycle
            let published = figures.published
            let fields: [String] = [
                figures.line.communeCode, figures.line.communeName.french, figures.line.communeName.arabic, "\(figures.line.population)",
                cycle.map { "\($0.id)" } ?? "", cycle.map { "\($0.year)" } ?? "", cycle?.title ?? "", cycle?.phase ?? "",
                cycle.map { decimal($0.budget) } ?? "", figures.perInhabitant.map(decimal) ?? "",
                published.map { "\($0.ballots)" } ?? "", published.map { "\($0.registered)" } ?? "",
                figures.turnout.map { String(format: "%.1f", $0 * 100) } ?? "",
                published.map { "\($0.fundedProjects)" } ?? "", published.map { decimal($0.fundedCost) } ?? "",
                published.map { "\($0.completedProjects)" } ?? "", figures.averageProgress.map { String(format: "%.1f", $0) } ?? "",
                published.map { decimal($0.spent) } ?? "",
            ]
            output += fields.map(field).joined(separator: ",") + "\r\n"
        }
        return output
    }

    static func categories(_ lines: [OverviewCategoryLine]) -> String {
        var output = "commune_code,commune_fr,cycle_id,year,category,funded_projects,funded_cost_mad\r\n"
        for line in lines {
            let fields = [
                line.figures.line.communeCode, line.figures.line.communeName.french, "\(line.cycle.id)", "\(line.cycle.year)",
                line.facts.category, "\(line.facts.projects)", decimal(line.facts.cost),
            ]
            output += fields.map(field).joined(separator: ",") + "\r\n"
        }
        return output
    }

    /// `1234567.89`.
    static func decimal(_ amount: Money) -> String {
        let cents = amount.centimes % 100
        return "\(amount.centimes / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Quoted when needed (RFC 4180); text that a spreadsheet would take for a formula is prefixed
    /// with an apostrophe, since titles come from people.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

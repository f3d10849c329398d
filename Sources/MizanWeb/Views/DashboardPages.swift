import Foundation
import MizanCore

/// One table of the participation dashboard, kept neutral so the page and the CSV download are
/// written from the same cells: what a page shows as "fewer than 10" the file writes `<10`.
struct DashboardTable {
    /// The address segment of the download: `by-day` for `by-day.csv`.
    let name: String
    let caption: String
    let header: [String]
    let rows: [[Cell]]

    enum Cell {
        case text(String)
        /// Voters, protected.
        case voters(ProtectedCount)
        /// A count that needs no protection (proposals, registry entries, population); nil: unknown.
        case number(Int?)
        /// A share in percent; nil when it cannot be given (a withheld count, no denominator).
        case percent(Double?)
    }

    static let names = ["by-day", "by-district", "by-channel", "by-sex", "by-age", "proposals-by-category", "proposals-by-status"]

    static func html(_ cell: Cell, _ catalogs: Catalogs, _ language: Language) -> String {
        switch cell {
        case .text(let text): text
        case .voters(.exact(let value)): catalogs.number(value)
        case .voters(.fewerThanThreshold): catalogs.text("dashboard_fewer", language)
        case .voters(.masked): catalogs.text("dashboard_masked", language)
        case .number(let value): value.map(catalogs.number) ?? "—"
        case .percent(let value): value.map(Self.percentText) ?? "—"
        }
    }

    static func percentText(_ value: Double) -> String {
        String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",") + "\u{00A0}%"
    }

    /// UTF-8 with a byte-order mark (so spreadsheet programs read Arabic and accents right), comma
    /// separated, CRLF line ends (RFC 4180), numbers without grouping, percentages with a point.
    func csv() -> String {
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for row in rows {
            lines.append(row.map { cell in
                switch cell {
                case .text(let text): Self.csvField(text)
                case .voters(let count): count.csvText
                case .number(let value): value.map(String.init) ?? ""
                case .percent(let value): value.map { String(format: "%.1f", $0) } ?? ""
                }
            }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quotes a field when it needs it, and keeps text typed by citizens (proposal categories)
    /// from being read as a formula by a spreadsheet.
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A horizontal bar chart drawn on the server, as on the results page: on right-to-left pages the
/// labels sit on the right and the bars grow leftwards from the inline start. Withheld counts get
/// no bar, only their words.
struct DashboardBarChart {
    let titleID: String
    let label: String
    let viewBox: String
    let width: Int
    let height: Int
    let bars: [ChartBar]

    /// `items`: label, value when it may be drawn, and the value as written.
    init(id: String, summaryKey: String, items: [(label: String, value: Int?, text: String)], catalogs: Catalogs, language: Language) {
        bars = HorizontalBars.bars(
            items.map { HorizontalBars.Item(label: $0.label, magnitude: Int64($0.value ?? 0), value: $0.text) },
            rightToLeft: language.direction == "rtl")
        titleID = "chart-\(id)"
        let summary = items.map { catalogs.text("dashboard_chart_item", language, ["label": $0.label, "value": $0.text]) }.joined(separator: catalogs.text("results_list_separator", language))
        label = catalogs.text(summaryKey, language, ["summary": summary])
        height = HorizontalBars.height(rows: items.count)
        width = HorizontalBars.chartWidth
        viewBox = "0 0 \(width) \(height)"
    }
}

/// A line over days: time runs from the inline start, so from right to left on Arabic pages. A
/// withheld day breaks the line instead of being drawn at a guessed height.
struct DashboardLineChart {
    let titleID: String
    let label: String
    let viewBox: String
    let width: Int
    let height: Int
    /// Runs of consecutive shown days, as SVG `points`.
    let segments: [String]
    let dots: [Dot]
    let axis: Axis

    struct Dot {
        let x: Int
        let y: Int
    }

    struct Axis {
        let baseline: String
        let side: String
        let startDate: String
        let endDate: String
        let dateY: Int
        let startX: Int
        let endX: Int
        let maximum: String
        let zero: String
        let valueX: Int
        let maximumY: Int
        let zeroY: Int
    }

    /// As narrow as a phone, so its 14-unit text stays above 12 px there (see `HorizontalBars`).
    static let chartWidth = 360
    static let chartHeight = 200
    static let inset = 46
    static let top = 12
    static let plotHeight = 150

    init(id: String, summaryKey: String, points: [(label: String, value: Int?, text: String)], catalogs: Catalogs, language: Language) {
        let rtl = language.direction == "rtl"
        let plotWidth = Self.chartWidth - 2 * Self.inset + 40
        let most = max(points.compactMap(\.value).max() ?? 0, 1)
        func x(_ index: Int) -> Int {
            let offset = points.count > 1 ? index * plotWidth / (points.count - 1) : 0
            return rtl ? Self.chartWidth - Self.inset - offset : Self.inset + offset
        }
        func y(_ value: Int) -> Int { Self.top + Self.plotHeight - value * Self.plotHeight / most }
        var segments: [String] = []
        var current: [String] = []
        var dots: [Dot] = []
        for (index, point) in points.enumerated() {
            if let value = point.value {
                current.append("\(x(index)),\(y(value))")
                dots.append(Dot(x: x(index), y: y(value)))
            } else if !current.isEmpty {
                segments.append(current.joined(separator: " "))
                current = []
            }
        }
        if !current.isEmpty { segments.append(current.joined(separator: " ")) }
        self.segments = segments
        self.dots = dots
        let bottom = Self.top + Self.plotHeight
        let axisX = rtl ? Self.chartWidth - Self.inset : Self.inset
        let farX = rtl ? Self.inset - 40 : Self.chartWidth - Self.inset + 40
        axis = Axis(
            baseline: "\(axisX),\(bottom) \(farX),\(bottom)", side: "\(axisX),\(Self.top) \(axisX),\(bottom)",
            startDate: points.first?.label ?? "", endDate: points.count > 1 ? points.last?.label ?? "" : "",
            dateY: bottom + 22, startX: x(0), endX: x(max(points.count - 1, 0)),
            maximum: catalogs.number(most), zero: "0", valueX: rtl ? axisX + 6 : axisX - 6, maximumY: Self.top + 4, zeroY: bottom)
        titleID = "chart-\(id)"
        let summary = points.map { catalogs.text("dashboard_chart_item", language, ["label": $0.label, "value": $0.text]) }.joined(separator: catalogs.text("results_list_separator", language))
        label = catalogs.text(summaryKey, language, ["summary": summary])
        width = Self.chartWidth
        height = Self.chartHeight
        viewBox = "0 0 \(Self.chartWidth) \(Self.chartHeight)"
    }
}

/// One part of the dashboard: heading, chart(s), the table of the same numbers, its download.
struct DashboardSection {
    let id: String
    let heading: String
    let barCharts: [DashboardBarChart]
    let lineCharts: [DashboardLineChart]
    let caption: String
    let header: [String]
    let rows: [Row]
    let csvHref: String
    let csvLabel: String

    struct Row {
        let label: String
        let cells: [String]
    }

    init(
        table: DashboardTable, heading: String, barCharts: [DashboardBarChart] = [], lineCharts: [DashboardLineChart] = [],
        csvURL: (_ file: String) -> SiteURL, query: String = "", catalogs: Catalogs, language: Language
    ) {
        id = table.name
        self.heading = heading
        self.barCharts = barCharts
        self.lineCharts = lineCharts
        caption = table.caption
        header = table.header
        rows = table.rows.map { cells in
            Row(label: cells.first.map { DashboardTable.html($0, catalogs, language) } ?? "",
                cells: cells.dropFirst().map { DashboardTable.html($0, catalogs, language) })
        }
        csvHref = csvURL("\(table.name).csv").href(language) + query
        csvLabel = catalogs.text("dashboard_download", language, ["table": table.caption])
    }
}

/// The tables of a cycle's statistics, in the page's language: the page and the downloads use
/// these and nothing else.
struct DashboardTables {
    let statistics: ParticipationStatistics
    let catalogs: Catalogs
    let language: Language

    func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }

    func dateText(_ date: CalendarDate) -> String {
        "\(date.day) \(text("month_\(date.month)")) \(date.year)"
    }

    /// `count` as a share of `whole`, when both are known.
    static func share(_ count: ProtectedCount, of whole: Int?) -> Double? {
        guard let value = count.value, let whole, whole > 0 else { return nil }
        return Double(value) * 100 / Double(whole)
    }

    func districtName(_ group: ParticipationStatistics.DistrictGroup) -> String {
        guard group.id != nil else { return text("dashboard_no_district") }
        return (language == .ar ? group.nameAR : group.nameFR) ?? group.nameFR ?? ""
    }

    func profileName<Value: Hashable & Sendable>(_ group: ProfileGroup<Value>, _ name: (Value) -> String) -> String {
        switch group {
        case .known(let value): name(value)
        case .unknown: text("dashboard_unknown")
        }
    }

    var all: [DashboardTable] {
        [byDay, byDistrict, byChannel, bySex, byAge, proposalsByCategory, proposalsByStatus].compactMap { $0 }
    }

    func named(_ name: String) -> DashboardTable? { all.first { $0.name == name } }

    var byDay: DashboardTable {
        DashboardTable(
            name: "by-day", caption: text("dashboard_by_day_caption"),
            header: [text("dashboard_col_day"), text("dashboard_col_voters_day"), text("dashboard_col_running")],
            rows: statistics.byDay.days.map { [.text(dateText($0.date)), .voters($0.voters), .voters($0.runningTotal)] })
    }

    var byDistrict: DashboardTable? {
        guard !statistics.byDistrict.cells.isEmpty else { return nil }
        return DashboardTable(
            name: "by-district", caption: text("dashboard_by_district_caption"),
            header: [
                text("dashboard_col_district"), text("dashboard_col_voters"), text("dashboard_col_registered"),
                text("dashboard_col_share_registered"), text("dashboard_col_population"), text("dashboard_col_share_population"),
            ],
            rows: statistics.byDistrict.cells.map { cell in
                let known = cell.key.id != nil
                return [
                    .text(districtName(cell.key)), .voters(cell.count), .number(known ? cell.key.registered : nil),
                    .percent(known ? Self.share(cell.count, of: cell.key.registered) : nil), .number(cell.key.population),
                    .percent(Self.share(cell.count, of: cell.key.population)),
                ]
            })
    }

    func shares<Key: Hashable & Sendable>(_ breakdown: Breakdown<Key>, name: String, caption: String, column: String, label: (Key) -> String) -> DashboardTable {
        DashboardTable(
            name: name, caption: caption, header: [column, text("dashboard_col_voters"), text("dashboard_col_share")],
            rows: breakdown.cells.map { [.text(label($0.key)), .voters($0.count), .percent(Self.share($0.count, of: breakdown.total.value))] })
    }

    var byChannel: DashboardTable {
        shares(statistics.byChannel, name: "by-channel", caption: text("dashboard_by_channel_caption"), column: text("dashboard_col_channel")) {
            text("dashboard_channel_\($0.channel)")
        }
    }

    var bySex: DashboardTable? {
        statistics.bySex.map {
            shares($0, name: "by-sex", caption: text("dashboard_by_sex_caption"), column: text("dashboard_col_sex")) {
                profileName($0) { text("dashboard_sex_\($0.rawValue)") }
            }
        }
    }

    var byAge: DashboardTable? {
        statistics.byAgeBand.map {
            shares($0, name: "by-age", caption: text("dashboard_by_age_caption", ["year": String(statistics.year)]), column: text("dashboard_col_age")) {
                profileName($0) { text("dashboard_age_\($0)") }
            }
        }
    }

    var proposalsByCategory: DashboardTable {
        DashboardTable(
            name: "proposals-by-category", caption: text("dashboard_by_category_caption"),
            header: [text("dashboard_col_category"), text("dashboard_col_proposals")],
            rows: statistics.proposalsByCategory.map { [.text(catalogs.table(language)["category_\($0.name)"] ?? $0.name), .number($0.proposals)] })
    }

    var proposalsByStatus: DashboardTable {
        DashboardTable(
            name: "proposals-by-status", caption: text("dashboard_by_status_caption"),
            header: [text("dashboard_col_status"), text("dashboard_col_proposals")],
            rows: statistics.proposalsByStatus.map { [.text(text("status_\($0.name)")), .number($0.proposals)] })
    }
}

/// The participation dashboard of a cycle: public once results are published, live for staff.
struct DashboardPage: PageModel {
    let template = "dashboard"
    let heading: String
    let cycleTitle: String
    let communeName: PlaceName
    let homeHref: String
    let communeHref: String
    let cycleHref: String
    let staff: Bool
    let votersText: String
    let registeredText: String
    let turnoutText: String
    let sections: [DashboardSection]

    /// `staff`: the live page under `/staff/`, whose downloads are under it too.
    init(cycle: Cycle, statistics: ParticipationStatistics, staff: Bool, catalogs: Catalogs, language: Language) {
        let tables = DashboardTables(statistics: statistics, catalogs: catalogs, language: language)
        heading = catalogs.text("dashboard_heading", language)
        cycleTitle = cycle.title
        let id = CycleID(cycle.id)
        communeName = PlaceName(cycle.communeName, language)
        homeHref = SiteURL.home.href(language)
        communeHref = SiteURL.commune(code: cycle.communeCode).href(language)
        cycleHref = SiteURL.cycle(id).href(language)
        self.staff = staff
        let csvURL: (String) -> SiteURL = { file in
            staff ? .staffParticipationFile(id, file: file) : .cycleParticipationFile(id, file: file)
        }
        votersText = DashboardTable.html(.voters(statistics.voters), catalogs, language)
        registeredText = catalogs.number(statistics.registered)
        turnoutText = DashboardTables.share(statistics.voters, of: statistics.registered).map(DashboardTable.percentText) ?? "—"

        func bars(_ table: DashboardTable?, id: String, summaryKey: String, column: Int = 1) -> [DashboardBarChart] {
            guard let table, !table.rows.isEmpty else { return [] }
            let items = table.rows.map { row -> (label: String, value: Int?, text: String) in
                let value: Int? = switch row[column] {
                case .voters(let count): count.value
                case .number(let number): number
                default: nil
                }
                return (DashboardTable.html(row[0], catalogs, language), value, DashboardTable.html(row[column], catalogs, language))
            }
            return [DashboardBarChart(id: id, summaryKey: summaryKey, items: items, catalogs: catalogs, language: language)]
        }
        func line(column: Int, id: String, summaryKey: String) -> [DashboardLineChart] {
            let table = tables.byDay
            // One day is no line: the table says it all.
            guard table.rows.count > 1 else { return [] }
            let points = table.rows.map { row -> (label: String, value: Int?, text: String) in
                guard case .voters(let count) = row[column] else { return (DashboardTable.html(row[0], catalogs, language), nil, "") }
                return (DashboardTable.html(row[0], catalogs, language), count.value, DashboardTable.html(row[column], catalogs, language))
            }
            return [DashboardLineChart(id: id, summaryKey: summaryKey, points: points, catalogs: catalogs, language: language)]
        }
        func section(_ table: DashboardTable?, heading key: String, bars: [DashboardBarChart] = [], lines: [DashboardLineChart] = []) -> DashboardSection? {
            table.map {
                DashboardSection(
                    table: $0, heading: catalogs.text(key, language), barCharts: bars, lineCharts: lines, csvURL: csvURL,
                    catalogs: catalogs, language: language)
            }
        }
        sections = [
            section(tables.byDay, heading: "dashboard_by_day_heading",
                    lines: line(column: 1, id: "by-day", summaryKey: "dashboard_chart_per_day")
                        + line(column: 2, id: "running", summaryKey: "dashboard_chart_running")),
            section(tables.byDistrict, heading: "dashboard_by_district_heading",
                    bars: bars(tables.byDistrict, id: "by-district", summaryKey: "dashboard_chart_district")),
            section(tables.byChannel, heading: "dashboard_by_channel_heading",
                    bars: bars(tables.byChannel, id: "by-channel", summaryKey: "dashboard_chart_channel")),
            section(tables.bySex, heading: "dashboard_by_sex_heading",
                    bars: bars(tables.bySex, id: "by-sex", summaryKey: "dashboard_chart_sex")),
            section(tables.byAge, heading: "dashboard_by_age_heading",
                    bars: bars(tables.byAge, id: "by-age", summaryKey: "dashboard_chart_age")),
            section(tables.proposalsByCategory, heading: "dashboard_by_category_heading",
                    bars: bars(tables.proposalsByCategory, id: "proposals-by-category", summaryKey: "dashboard_chart_category")),
            section(tables.proposalsByStatus, heading: "dashboard_by_status_heading",
                    bars: bars(tables.proposalsByStatus, id: "proposals-by-status", summaryKey: "dashboard_chart_status")),
        ].compactMap { $0 }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

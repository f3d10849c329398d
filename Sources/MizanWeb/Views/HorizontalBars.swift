/// One bar of a chart drawn on the server, in SVG user units.
struct ChartBar {
    let rectX: Int
    let rectY: Int
    let rectWidth: Int
    let rectHeight: Int
    let labelX: Int
    let labelY: Int
    let valueX: Int
    let valueY: Int
    /// Wrapped in Unicode isolates (FSI…PDI), so an Arabic label on a French page, or the
    /// reverse, keeps its own order and its ellipsis at its own end.
    let label: String
    let value: String
    /// Drawn in the "funded" colour (results page).
    let funded: Bool
    /// `start` follows the inherited direction: the right edge on right-to-left pages, so labels
    /// and values always read from the inline start.
    let labelAnchor = "start"
    let valueAnchor = "start"
}

/// The layout every horizontal bar chart of the site shares, drawn for a phone first: each row
/// has its label on a line of its own across the whole width, and below it the bar, growing from
/// the inline start in proportion to the largest value (at least 2 units when not zero, so a small
/// value stays visible), with the value written after it. The chart is 360 units wide and its
/// text 14 units high (see mizan.css), so on a 360-px screen, shrunk to the page's width, the text
/// stays above 12 px. On right-to-left pages labels sit on the right and bars grow leftwards.
struct HorizontalBars {
    struct Item {
        let label: String
        /// What the bar's length is proportional to; 0 draws no bar (a withheld count, say).
        let magnitude: Int64
        let value: String
        var funded = false
    }

    static let chartWidth = 360
    /// The longest bar; the rest of the width holds the value written after it.
    static let barArea = 210
    static let rowHeight = 46
    /// A label longer than this is cut with an ellipsis: it would not fit the width.
    static let labelLimit = 42

    static func bars(_ items: [Item], rightToLeft: Bool) -> [ChartBar] {
        let most = max(items.map(\.magnitude).max() ?? 0, 1)
        return items.enumerated().map { index, item in
            let length = item.magnitude <= 0 ? 0 : max(2, Int(item.magnitude * Int64(barArea) / most))
            let top = index * rowHeight
            return ChartBar(
                rectX: rightToLeft ? chartWidth - length : 0, rectY: top + 22, rectWidth: length, rectHeight: 16,
                labelX: rightToLeft ? chartWidth : 0, labelY: top + 10,
                valueX: rightToLeft ? chartWidth - length - 6 : length + 6, valueY: top + 30,
                label: isolated(fitted(item.label, limit: labelLimit)), value: item.value, funded: item.funded)
        }
    }

    /// The chart's height for `rows` bars (room for one when there are none).
    static func height(rows: Int) -> Int { max(rows, 1) * rowHeight + 4 }

    /// A label cut to `limit` characters with an ellipsis, so it fits its line.
    static func fitted(_ label: String, limit: Int) -> String {
        label.count > limit ? String(label.prefix(limit - 1)) + "…" : label
    }

    /// Text between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: SVG text has no `<bdi>`.
    static func isolated(_ text: String) -> String { "\u{2068}\(text)\u{2069}" }
}

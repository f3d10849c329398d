/// One bar of a chart drawn on the server, in SVG user units.
struct ChartBar {
    let rectX: Int
    let rectY: Int
    let rectWidth: Int
    let rectHeight: Int
    let labelX: Int
    let valueX: Int
    let textY: Int
    let label: String
    let value: String
    /// Drawn in the "funded" colour (results page).
    let funded: Bool
    /// `start` follows the inherited direction: the right edge on right-to-left pages, so labels
    /// and values always read from the inline start.
    let labelAnchor = "start"
    let valueAnchor = "start"
}

/// The layout every horizontal bar chart of the site shares: labels in a column at the inline
/// start, bars growing from the end of that column in proportion to the largest value (at least
/// 2 units when not zero, so a small value stays visible), the value written after each bar. On
/// right-to-left pages the labels sit on the right and the bars grow leftwards.
struct HorizontalBars {
    struct Item {
        let label: String
        /// What the bar's length is proportional to; 0 draws no bar (a withheld count, say).
        let magnitude: Int64
        let value: String
        var funded = false
    }

    var chartWidth = 640
    var labelWidth = 220
    var barArea: Int
    var rowHeight: Int
    /// The bar's top, its height and the text's baseline, from the top of its row.
    var barTop: Int
    var barHeight: Int
    var textOffset: Int

    func bars(_ items: [Item], rightToLeft: Bool) -> [ChartBar] {
        let most = max(items.map(\.magnitude).max() ?? 0, 1)
        let start = rightToLeft ? chartWidth - labelWidth : labelWidth
        return items.enumerated().map { index, item in
            let length = item.magnitude <= 0 ? 0 : max(2, Int(item.magnitude * Int64(barArea) / most))
            let top = index * rowHeight + barTop
            return ChartBar(
                rectX: rightToLeft ? start - length : start, rectY: top, rectWidth: length, rectHeight: barHeight,
                labelX: rightToLeft ? chartWidth - 4 : 4, valueX: rightToLeft ? start - length - 6 : start + length + 6,
                textY: top + textOffset, label: item.label, value: item.value, funded: item.funded)
        }
    }

    /// The chart's height for `rows` bars (room for one when there are none).
    func height(rows: Int) -> Int { max(rows, 1) * rowHeight + 8 }

    /// A label cut to `limit` characters with an ellipsis, so it fits its column.
    static func fitted(_ label: String, limit: Int) -> String {
        label.count > limit ? String(label.prefix(limit - 1)) + "…" : label
    }
}

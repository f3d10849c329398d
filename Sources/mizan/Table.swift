/// Plain-text tables for every command: columns padded to their widest cell, numbers optionally
/// right-aligned so their digits line up. Widths count characters, so Polish and Arabic names pad
/// correctly.
enum Table {
    /// `rightAligned`: the columns whose cells are numbers.
    static func render(header: [String], rightAligned: Set<Int> = [], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = index < widths.count ? String(repeating: " ", count: widths[index] - cell.count) : ""
                if rightAligned.contains(index) {
                    parts.append(padding + cell)
                } else {
                    parts.append(index == cells.count - 1 ? cell : cell + padding)
                }
            }
            return parts.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}

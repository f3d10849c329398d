import MizanCore

/// One polling place's spoiled and blank paper ballots as the results page and the count table
/// show them, in the page's numbers (template `paper_counts_table`).
struct PaperCountRow {
    let place: String
    let spoiled: String
    let blank: String

    static func rows(_ counts: [PaperCount], _ catalogs: Catalogs) -> [PaperCountRow] {
        counts.map { PaperCountRow(place: $0.place, spoiled: catalogs.number($0.spoiled), blank: catalogs.number($0.blank)) }
    }
}

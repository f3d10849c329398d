import MizanCore
import PBEngine

/// A cycle's counting thresholds and equalshares.net options in plain words, for the cycle and
/// results pages: what voters are told before they vote is what the count applies.
enum CountingNotes {
    static func sentences(_ cycle: Cycle, _ catalogs: Catalogs, _ language: Language) -> [String] {
        var notes: [String] = []
        let thresholds = cycle.options.thresholds
        if cycle.rule == .equalshares {
            notes.append(catalogs.text("count_es_procedure", language, ["procedure": cycle.options.equalShares.key]))
            if cycle.options.equalShares.comparison != .none { notes.append(catalogs.text("count_es_comparison", language)) }
        }
        if let votes = thresholds.minimumScore { notes.append(catalogs.text("count_min_votes", language, ["votes": catalogs.number(votes)])) }
        if let share = thresholds.minimumVoterShare {
            notes.append(
                catalogs.text(thresholds.shareOfDistrict ? "count_min_share_district" : "count_min_share", language, ["share": percent(share)]))
        }
        if let divisor = thresholds.costProportionalDivisor {
            notes.append(catalogs.text("count_cost_divisor", language, ["divisor": catalogs.number(divisor)]))
        }
        if let share = thresholds.fundNextAtShare { notes.append(catalogs.text("count_fund_next_at", language, ["share": percent(share)])) }
        return notes
    }

    /// `80 %` with a no-break space, as the pages write percentages.
    private static func percent(_ share: Rational) -> String {
        let text = share.shareText
        return text.hasSuffix("%") ? text.dropLast() + "\u{00A0}%" : text
    }
}

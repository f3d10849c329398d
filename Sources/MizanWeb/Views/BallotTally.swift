import MizanCore

/// Where a ballot being filled in stands against its rules: how many projects are chosen and how
/// many are left, the running total against the budget, the points given or the ranks used.
///
/// The server writes it on every ballot page (so an "update" press without JavaScript shows it
/// recomputed) and `Static/ballot.js` recomputes the same lines in the browser as boxes are ticked,
/// from the same catalog templates, which the page hands it in `data-` attributes.
struct BallotTally {
    /// The first line: the count chosen, the total against the budget, the points given.
    let main: String
    /// The second line: what is left, or what is too much.
    let note: String
    /// True when the ballot as it stands would be refused: too many projects, over budget, too
    /// many points. Shown with a sign and words, never by colour alone.
    let warning: Bool
    /// The budget bar of a knapsack ballot (none or one).
    let meter: [Meter]

    struct Meter {
        let value: Int64
        let max: Int64
        let high: Int64
    }

    /// `chosen` maps each marked project to its mark (1 for a box, the points or the rank).
    init(cycle: Cycle, projects: [Proposal], chosen: [Int: Int], catalogs: Catalogs, language: Language) {
        let marked = projects.filter { (chosen[$0.id] ?? 0) != 0 }
        switch cycle.ballot {
        case .approval(let minimum, let maximum):
            (main, note, warning) = Self.counts(
                chosen: marked.count, minimum: max(minimum, 1), maximum: maximum, catalogs: catalogs, language: language)
            meter = []
        case .knapsack:
            let total = marked.reduce(Money.zero) { $0 + $1.ballotCost }
            main = catalogs.text(
                "ballot_tally_total", language,
                ["total": catalogs.money(total, language), "budget": catalogs.money(cycle.budget, language), "chosen": "\(marked.count)"])
            if total > cycle.budget {
                note = catalogs.text("ballot_tally_over_budget", language, ["over": catalogs.money(total - cycle.budget, language)])
                warning = true
            } else {
                note = catalogs.text("ballot_tally_remaining", language, ["remaining": catalogs.money(cycle.budget - total, language)])
                warning = false
            }
            meter = [Meter(value: min(total.centimes, cycle.budget.centimes), max: cycle.budget.centimes, high: cycle.budget.centimes)]
        case .points(let total, _):
            let used = marked.reduce(0) { $0 + (chosen[$1.id] ?? 0) }
            main = catalogs.text("ballot_tally_points", language, ["used": "\(used)", "total": "\(total)"])
            if used > total {
                note = catalogs.text("ballot_tally_points_over", language, ["over": "\(used - total)"])
                warning = true
            } else {
                note = catalogs.text("ballot_tally_points_left", language, ["left": "\(total - used)"])
                warning = false
            }
            meter = []
        case .ranked(let depth):
            main = catalogs.text("ballot_tally_ranked", language, ["ranked": "\(marked.count)", "depth": "\(depth)"])
            if marked.count > depth {
                note = catalogs.text("ballot_tally_ranked_over", language, ["over": "\(marked.count - depth)", "depth": "\(depth)"])
                warning = true
            } else {
                note = catalogs.text("ballot_tally_ranked_left", language, ["left": "\(depth - marked.count)"])
                warning = false
            }
            meter = []
        }
    }

    /// The lines of an approval ballot: chosen, then left, missing or too many.
    static func counts(
        chosen: Int, minimum: Int, maximum: Int?, catalogs: Catalogs, language: Language
    ) -> (main: String, note: String, warning: Bool) {
        let main = catalogs.text("ballot_tally_chosen", language, ["chosen": "\(chosen)"])
        if let maximum, chosen > maximum {
            return (main, catalogs.text("ballot_tally_too_many", language, ["over": "\(chosen - maximum)", "max": "\(maximum)"]), true)
        }
        if chosen < minimum {
            return (main, catalogs.text("ballot_tally_need", language, ["need": "\(minimum - chosen)"]), false)
        }
        if let maximum {
            return (main, catalogs.text("ballot_tally_left", language, ["left": "\(maximum - chosen)"]), false)
        }
        return (main, "", false)
    }
}

extension Proposal {
    /// What the project costs on the ballot: the commune's figure once reviewed, else the estimate.
    var ballotCost: Money { officialCost ?? estimatedCost }
}

/// The projects a voter looks at: a category and a district, or all.
struct BallotFilter: Equatable {
    var category = ""
    var district = ""

    func shows(_ proposal: Proposal) -> Bool {
        (category.isEmpty || proposal.category == category) && (district.isEmpty || proposal.districtName == district)
    }
}

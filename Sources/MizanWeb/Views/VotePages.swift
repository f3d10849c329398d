import Foundation
import MizanCore

/// The eligibility check: registry details or a printed code.
struct EligibilityPage: PageModel {
    let template = "eligibility"
    let cycleTitle: String
    let cycleLink: String
    let action: String
    let open: Bool
    let csrf: String
    let failure: String?

    init(cycle: Cycle, csrf: String, failure: String?, language: Language) {
        cycleTitle = cycle.title
        cycleLink = SiteURL.cycle(CycleID(cycle.id)).href(language)
        action = SiteURL.eligibility(CycleID(cycle.id)).href(language)
        open = cycle.phase == .voting
        self.csrf = csrf
        self.failure = failure
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("eligibility_heading", language)) — \(cycleTitle)" }
}

/// The ballot: one card per project (description, category, district, place, cost), filters by
/// category and district, and the tally of what is chosen against the rules. Everything works
/// without JavaScript: the filter and the tally are applied by the server when the form comes
/// back with `action=update`; `Static/ballot.js` only makes them live.
struct BallotPage: PageModel {
    let template = "ballot"
    let cycleTitle: String
    let cycleLink: String
    let action: String
    let rules: String
    let csrf: String
    /// The form's one-time token: the same submission sent twice is counted once.
    let submission: String
    let error: String?
    /// An online ballot is recorded: a new one replaces it, given that ballot's receipt code.
    let alreadyVoted: Bool
    /// A paper ballot is recorded: one vote per person, so there is no form to fill in.
    let votedOnPaper: Bool
    /// The receipt code typed to replace the recorded ballot, kept when the form comes back.
    let proof: String
    let checkboxes: Bool
    let knapsack: Bool
    let weightLabel: String
    let projects: [Project]
    let categories: [Option]
    let districts: [Option]
    let hasDistricts: Bool
    /// "12 projects shown of 20", and how many chosen ones the filter hides.
    let shownNote: String
    let tally: BallotTally
    /// The tally's parameters and text templates, for the script that keeps it live.
    let script: Script

    struct Project {
        let id: Int
        let title: String
        /// The language the title and description are written in (the page's when unknown).
        let textLang: String
        /// The description cut at a word near 160 characters; `long` when the full text differs.
        let summary: String
        let description: String
        let hasDescription: Bool
        let long: Bool
        let cost: String
        let centimes: Int64
        let category: String
        let categoryKey: String
        let district: String
        let hasDistrict: Bool
        let place: String
        let hasPlace: Bool
        let checked: Bool
        let weight: String
        /// False when the filter hides the card: it stays in the form, so its mark is still sent.
        let shown: Bool
    }

    struct Script {
        let kind: String
        let minimum: Int
        let maximum: Int
        let budget: Int64
        let points: Int
        let depth: Int
        /// Zero as the catalog writes amounts, for the script to write others the same way.
        let money: String
    }

    init(
        ballot: BlankBallot, chosen: [Int: Int], proof: String, error: String?, csrf: String, submission: SubmissionToken,
        filter: BallotFilter = BallotFilter(), catalogs: Catalogs, language: Language
    ) {
        let cycle = ballot.cycle
        cycleTitle = cycle.title
        cycleLink = SiteURL.cycle(CycleID(cycle.id)).href(language)
        action = SiteURL.ballot(CycleID(cycle.id)).href(language)
        rules = CyclePage.ballotRule(cycle, catalogs, language)
        self.csrf = csrf
        self.submission = submission.value
        self.error = error
        alreadyVoted = ballot.alreadyVoted != nil && ballot.alreadyVoted != .paper
        votedOnPaper = ballot.alreadyVoted == .paper
        self.proof = proof
        knapsack = cycle.ballot == .knapsack
        switch cycle.ballot {
        case .approval, .knapsack:
            checkboxes = true
            weightLabel = ""
        case .points:
            checkboxes = false
            weightLabel = catalogs.text("points_label", language)
        case .ranked:
            checkboxes = false
            weightLabel = catalogs.text("rank_label", language)
        }
        projects = ballot.projects.map { proposal in
            let description = proposal.description.trimmingCharacters(in: .whitespacesAndNewlines)
            let summary = Self.summary(of: description)
            let district = proposal.districtName ?? ""
            let place = (proposal.location ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return Project(
                id: proposal.id, title: proposal.title, textLang: Language(rawValue: proposal.language)?.rawValue ?? language.rawValue,
                summary: summary, description: description, hasDescription: !description.isEmpty, long: summary != description,
                cost: catalogs.money(proposal.ballotCost, language), centimes: proposal.ballotCost.centimes,
                category: categoryName(proposal.category, catalogs, language), categoryKey: proposal.category,
                district: district, hasDistrict: !district.isEmpty, place: place, hasPlace: !place.isEmpty,
                checked: chosen[proposal.id] != nil, weight: chosen[proposal.id].map(String.init) ?? "", shown: filter.shows(proposal))
        }
        let categoryKeys = Array(Set(ballot.projects.map(\.category)))
            .map { (key: $0, name: categoryName($0, catalogs, language)) }
            .sorted { $0.name < $1.name }
        categories = categoryKeys.map { Option(value: $0.key, label: $0.name, selected: $0.key == filter.category) }
        districts = Set(ballot.projects.compactMap(\.districtName)).sorted()
            .map { Option(value: $0, label: $0, selected: $0 == filter.district) }
        hasDistricts = !districts.isEmpty
        let shown = projects.filter(\.shown).count
        let hiddenMarks = projects.filter { !$0.shown && chosen[$0.id] != nil }.count
        var note = catalogs.text("ballot_filter_shown", language, ["shown": "\(shown)", "total": "\(projects.count)"])
        if hiddenMarks > 0 { note += " " + catalogs.text("ballot_filter_hidden_marks", language, ["count": "\(hiddenMarks)"]) }
        shownNote = note
        tally = BallotTally(cycle: cycle, projects: ballot.projects, chosen: chosen, catalogs: catalogs, language: language)
        script = switch cycle.ballot {
        case .approval(let minimum, let maximum):
            Script(kind: "approval", minimum: max(minimum, 1), maximum: maximum ?? 0, budget: 0, points: 0, depth: 0, money: "")
        case .knapsack:
            Script(kind: "knapsack", minimum: 0, maximum: 0, budget: cycle.budget.centimes, points: 0, depth: 0, money: catalogs.money(.zero, language))
        case .points(let total, _):
            Script(kind: "points", minimum: 0, maximum: 0, budget: 0, points: total, depth: 0, money: "")
        case .ranked(let depth):
            Script(kind: "ranked", minimum: 0, maximum: 0, budget: 0, points: 0, depth: depth, money: "")
        }
    }

    /// The first words of `text`, up to about 160 characters, cut between words.
    static func summary(of text: String, limit: Int = 160) -> String {
        guard text.count > limit else { return text }
        let head = text.prefix(limit)
        let cut = head.lastIndex(where: \.isWhitespace).map { head[..<$0] } ?? head
        return cut.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)) + "…"
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("ballot_heading", language)) — \(cycleTitle)" }
}

/// A receipt just handed out, or a ballot checked by its code.
struct ReceiptPage: PageModel {
    let template = "receipt"
    let code: String
    let found: Bool
    let isNew: Bool
    let replaced: Bool
    /// False for the empty check form: no code was asked about yet.
    let asked: Bool
    let published: Bool
    let lookupAction: String
    let csrf: String
    /// After publication: where the ballot stands in the published anonymised set (none or one;
    /// a list, since the templates look into lists).
    let publishedBallot: [PublishedBallotView]

    init(
        code: String, finding: CheckReceipt.Finding, isNew: Bool, replaced: Bool = false, csrf: String, catalogs: Catalogs,
        language: Language, asked: Bool = true
    ) {
        self.code = code
        self.asked = asked
        self.isNew = isNew
        self.replaced = replaced
        self.csrf = csrf
        lookupAction = SiteURL.receiptLookup.href(language)
        switch finding {
        case .unknown:
            found = false
            published = false
            publishedBallot = []
        case .counted:
            found = true
            published = false
            publishedBallot = []
        case .published(let cycle, let ballot):
            found = true
            published = true
            publishedBallot = ballot.map { [PublishedBallotView($0, cycle: cycle, catalogs: catalogs, language: language)] } ?? []
        }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text(isNew ? "receipt_heading" : "check_heading", language) }
}

/// What the receipt page shows of a published ballot.
struct PublishedBallotView {
    let intro: String
    let file: String
    let sha256: String
    let line: String
    let choices: [Choice]
    let resultsLink: String

    struct Choice {
        let project: String
        let title: String
        let mark: String?
        let outcome: String
        let funded: Bool
    }

    init(_ ballot: PublishedBallot, cycle: CycleID, catalogs: Catalogs, language: Language) {
        intro = catalogs.text("check_published_number", language, ["number": catalogs.number(ballot.number), "file": ballot.file])
        file = ballot.file
        sha256 = ballot.sha256
        line = ballot.votesLine
        choices = ballot.marks.map { mark in
            let text: String? = switch ballot.rules {
            case .points: catalogs.text("check_points", language, ["points": catalogs.number(mark.weight)])
            case .ranked: catalogs.text("check_rank", language, ["rank": catalogs.number(mark.weight)])
            case .approval, .knapsack: nil
            }
            return Choice(
                project: catalogs.text("check_project_number", language, ["number": String(mark.project)]), title: mark.title, mark: text,
                outcome: catalogs.text(mark.funded ? "results_funded_yes" : "results_funded_no", language), funded: mark.funded)
        }
        resultsLink = SiteURL.cycleResults(cycle).href(language)
    }
}

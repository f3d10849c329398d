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
    let alreadyVoted: Bool
    /// The receipt code typed to replace the recorded ballot, kept when the form comes back.
    let proof: String
    let checkboxes: Bool
    let weightLabel: String
    let projects: [Project]

    struct Project {
        let id: Int
        let title: String
        let cost: String
        let category: String
        let checked: Bool
        let weight: String
    }

    init(
        ballot: BlankBallot, chosen: [Int: Int], proof: String, error: String?, csrf: String, submission: SubmissionToken,
        catalogs: Catalogs, language: Language
    ) {
        let cycle = ballot.cycle
        cycleTitle = cycle.title
        cycleLink = SiteURL.cycle(CycleID(cycle.id)).href(language)
        action = SiteURL.ballot(CycleID(cycle.id)).href(language)
        rules = CyclePage.ballotRule(cycle, catalogs, language)
        self.csrf = csrf
        self.submission = submission.value
        self.error = error
        alreadyVoted = ballot.alreadyVoted != nil
        self.proof = proof
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
            Project(
                id: proposal.id, title: proposal.title,
                cost: catalogs.money(proposal.officialCost ?? proposal.estimatedCost, language),
                category: categoryName(proposal.category, catalogs, language),
                checked: chosen[proposal.id] != nil, weight: chosen[proposal.id].map(String.init) ?? "")
        }
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

import MizanCore

struct EligibilityPage: PageModel {
    let template = "eligibility"
    let cycleID: Int
    let cycleTitle: String
    let open: Bool
    let csrf: String
    let failure: String?

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("eligibility_heading", language)) — \(cycleTitle)" }
}

struct BallotPage: PageModel {
    let template = "ballot"
    let cycleID: Int
    let cycleTitle: String
    let rules: String
    let csrf: String
    let error: String?
    let alreadyVoted: Bool
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
        cycle: Cycle, projects: [Proposal], chosen: [Int: Int], alreadyVoted: Bool, error: String?, csrf: String,
        catalogs: Catalogs, language: Language
    ) {
        cycleID = cycle.id
        cycleTitle = cycle.title
        rules = CyclePage.ballotRule(cycle, catalogs, language)
        self.csrf = csrf
        self.error = error
        self.alreadyVoted = alreadyVoted
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
        self.projects = projects.map { proposal in
            Project(
                id: proposal.id, title: proposal.title,
                cost: catalogs.money(proposal.officialCost ?? proposal.estimatedCost, language),
                category: categoryName(proposal.category, catalogs, language),
                checked: chosen[proposal.id] != nil, weight: chosen[proposal.id].map(String.init) ?? "")
        }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("ballot_heading", language)) — \(cycleTitle)" }
}

struct ReceiptPage: PageModel {
    let template = "receipt"
    let code: String
    let found: Bool
    let isNew: Bool
    let published: Bool
    let choices: [String]
    let cycleID: Int?

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text(isNew ? "receipt_heading" : "check_heading", language) }
}

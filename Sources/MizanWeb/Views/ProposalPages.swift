import MizanCore

/// A category's name in the page language; free-text categories typed by staff show as typed.
func categoryName(_ key: String, _ catalogs: Catalogs, _ language: Language) -> String {
    ProposalController.categories.contains(key) ? catalogs.text("category_\(key)", language) : key
}

struct Option {
    let value: String
    let label: String
    let selected: Bool
}

/// The proposal form, filled with what the visitor typed and the errors next to each field.
struct ProposalFormPage: PageModel {
    let template = "propose"
    let cycleID: Int
    let cycleTitle: String
    let cycleHref: String
    let action: String
    let open: Bool
    let csrf: String
    let values: ProposalController.Form
    let categories: [Option]
    let districts: [Option]
    let hasDistricts: Bool
    let hasErrors: Bool
    let errors: [String: String]

    init(
        cycle: Cycle, districts: [District], values: ProposalController.Form, errors: [String: String], csrf: String,
        catalogs: Catalogs, language: Language
    ) {
        cycleID = cycle.id
        cycleTitle = cycle.title
        cycleHref = SiteURL.cycle(CycleID(cycle.id)).href(language)
        action = SiteURL.propose(CycleID(cycle.id)).href(language)
        open = cycle.phase == .proposals
        self.csrf = csrf
        self.values = values
        categories = ProposalController.categories.map {
            Option(value: $0, label: catalogs.text("category_\($0)", language), selected: values.category == $0)
        }
        self.districts = districts.map {
            Option(value: String($0.id), label: PlaceName($0.name, language).primary, selected: values.district == String($0.id))
        }
        hasDistricts = !districts.isEmpty
        hasErrors = !errors.isEmpty
        self.errors = errors.mapValues { catalogs.text($0, language) }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String {
        "\(catalogs.text("propose_heading", language)) — \(cycleTitle)"
    }
}

struct ProposalItem {
    let id: Int
    let href: String
    let title: String
    let category: String
    let status: String
    let cost: String

    init(_ proposal: Proposal, _ catalogs: Catalogs, _ language: Language) {
        id = proposal.id
        href = SiteURL.proposal(ProposalID(proposal.id)).href(language)
        title = proposal.title
        category = categoryName(proposal.category, catalogs, language)
        status = catalogs.text("status_\(proposal.status.rawValue)", language)
        cost = catalogs.money(proposal.officialCost ?? proposal.estimatedCost, language)
    }
}

struct ProposalListPage: PageModel {
    let template = "proposals"
    let cycleID: Int
    let cycleTitle: String
    let cycleHref: String
    let proposeHref: String
    let searchAction: String
    let query: String
    let categories: [Option]
    let statuses: [Option]
    let proposals: [ProposalItem]
    let hasProposals: Bool
    let canPropose: Bool

    init(
        cycle: Cycle, proposals: [Proposal], query: String, category: String?, status: ProposalStatus?, catalogs: Catalogs,
        language: Language
    ) {
        cycleID = cycle.id
        cycleTitle = cycle.title
        cycleHref = SiteURL.cycle(CycleID(cycle.id)).href(language)
        proposeHref = SiteURL.propose(CycleID(cycle.id)).href(language)
        searchAction = SiteURL.cycleProposals(CycleID(cycle.id)).href(language)
        self.query = query
        categories = ProposalController.categories.map {
            Option(value: $0, label: catalogs.text("category_\($0)", language), selected: category == $0)
        }
        statuses = [ProposalStatus.submitted, .accepted, .rejected, .merged].map {
            Option(value: $0.rawValue, label: catalogs.text("status_\($0.rawValue)", language), selected: status == $0)
        }
        self.proposals = proposals.map { ProposalItem($0, catalogs, language) }
        hasProposals = !proposals.isEmpty
        canPropose = cycle.phase == .proposals
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String {
        "\(catalogs.text("proposals_heading", language)) — \(cycleTitle)"
    }
}

struct ProposalPage: PageModel {
    let template = "proposal"
    let id: Int
    let cycleID: Int
    let cycleTitle: String
    let cycleHref: String
    let listHref: String
    let heading: String
    let description: String?
    let category: String
    let location: String?
    let status: String
    let estimatedCost: String
    let officialCost: String?
    let officialAnswer: String?
    let mergedNote: String?
    /// The proposal it was merged into, where its supporters' concern now stands.
    let mergedHref: String?
    let hiddenNote: String?
    /// On the private tracking page only: the sentence and the page's own address, as a link.
    let tracking: Tracking?

    struct Tracking {
        let text: String
        let href: String
    }
    let isNew: Bool

    /// `trackingToken` is given on the private tracking page only, whose address the page repeats.
    init(proposal: Proposal, cycle: Cycle, trackingToken: String?, isNew: Bool, catalogs: Catalogs, language: Language) {
        id = proposal.id
        cycleID = cycle.id
        cycleTitle = cycle.title
        cycleHref = SiteURL.cycle(CycleID(cycle.id)).href(language)
        listHref = SiteURL.cycleProposals(CycleID(cycle.id)).href(language)
        let hidden = proposal.status == .hidden
        heading = hidden ? catalogs.text("status_hidden", language) : proposal.title
        description = hidden || proposal.description.isEmpty ? nil : proposal.description
        category = categoryName(proposal.category, catalogs, language)
        location = hidden ? nil : proposal.location
        status = catalogs.text("status_\(proposal.status.rawValue)", language)
        estimatedCost = catalogs.money(proposal.estimatedCost, language)
        officialCost = proposal.officialCost.map { catalogs.money($0, language) }
        officialAnswer = proposal.officialAnswer
        mergedNote = proposal.mergedInto.map { catalogs.text("merged_into", language, ["id": "\($0)"]) }
        mergedHref = proposal.mergedInto.map { SiteURL.proposal(ProposalID($0)).href(language) }
        hiddenNote = hidden ? catalogs.text("proposal_hidden_note", language, ["reason": proposal.hiddenReason ?? ""]) : nil
        tracking = trackingToken.map { Tracking(text: catalogs.text("tracking_link", language), href: SiteURL.tracking(token: $0).href(language)) }
        self.isNew = isNew
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

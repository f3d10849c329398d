import Foundation
import MizanCore

/// The review queue of one cycle: its proposals with their status, filters by status, category
/// and district, and for each proposal the decisions its status and the cycle's phase allow.
struct ReviewPage: PageModel {
    let template = "staff_review"
    let heading: String
    let cycleTitle: String
    let phaseText: String
    let staffHomeHref: String
    let filterAction: String
    let csrf: String
    let notice: [String]
    let statuses: [Option]
    let categories: [Option]
    let districts: [Option]
    let hasDistricts: Bool
    let items: [Item]
    let hasItems: Bool
    /// Hidden fields that keep the filters on every decision form.
    let filterFields: [Field]

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Field {
        let name: String
        let value: String
    }

    struct Item {
        let id: Int
        let anchor: String
        let title: String
        let status: String
        let category: String
        let district: String
        let estimatedCost: String
        let officialCost: [String]
        let answer: [String]
        let hiddenReason: [String]
        /// With a supports phase: how many residents supported it (none or one sentence).
        let supports: [String]
        let description: String
        let action: String
        /// The error of the last decision on this proposal (none or one) and what was typed.
        let error: [String]
        let typed: [String: String]
        let canReview: Bool
        let canHide: Bool
        let canUnhide: Bool
        let mergeTargets: [Option]
        let canMerge: Bool
    }

    init(
        cycle: Cycle, proposals: [Proposal], supports: [Int: Int]?, filters: ReviewFilters, mayDecide: Bool, notice: String?, failure: ReviewController.Failure?,
        csrf: String, catalogs: Catalogs, language: Language
    ) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        heading = text("review_title")
        cycleTitle = cycle.title
        phaseText = text("review_phase", ["phase": text("phase_\(cycle.phase.rawValue)")])
        staffHomeHref = StaffController.homeHref(language)
        filterAction = SiteURL.staffReview(CycleID(cycle.id)).href(language)
        self.csrf = csrf
        self.notice = notice.map { [$0] } ?? []
        statuses = [Option(value: "", label: text("all_statuses"), selected: filters.status == nil)]
            + ProposalStatus.allCases.map { Option(value: $0.rawValue, label: text("status_\($0.rawValue)"), selected: filters.status == $0) }
        categories = [Option(value: "", label: text("all_categories"), selected: filters.category == nil)]
            + Set(proposals.map(\.category)).sorted().map { Option(value: $0, label: $0, selected: filters.category == $0) }
        let districtNames = Set(proposals.compactMap(\.districtName)).sorted()
        districts = [Option(value: "", label: text("review_all_districts"), selected: filters.district == nil)]
            + districtNames.map { Option(value: $0, label: $0, selected: filters.district == $0) }
        hasDistricts = !districtNames.isEmpty
        filterFields = filters.query.map { Field(name: $0.0, value: $0.1) }
        let reviewing = mayDecide && cycle.phase == .review
        let moderating = mayDecide && (cycle.phase == .proposals || cycle.phase == .review)
        let targets = proposals.filter { $0.status == .submitted || $0.status == .accepted }
        items = proposals.filter(filters.admits).map { proposal in
            let failed = failure?.proposal == proposal.id ? failure : nil
            let others = targets.filter { $0.id != proposal.id }.map {
                Option(value: String($0.id), label: "#\($0.id) \($0.title)", selected: failed?.typed["into"] == String($0.id))
            }
            return Item(
                id: proposal.id, anchor: "proposal-\(proposal.id)", title: proposal.title, status: text("status_\(proposal.status.rawValue)"),
                category: proposal.category, district: proposal.districtName ?? text("no_district"),
                estimatedCost: catalogs.money(proposal.estimatedCost, language),
                officialCost: proposal.officialCost.map { [text("review_official_cost", ["cost": catalogs.money($0, language)])] } ?? [],
                answer: proposal.officialAnswer.map { [$0] } ?? [], hiddenReason: proposal.hiddenReason.map { [$0] } ?? [],
                supports: supports.map { [text("review_supports", ["count": catalogs.number($0[proposal.id] ?? 0)])] } ?? [],
                description: proposal.description, action: SiteURL.staffProposalReview(ProposalID(proposal.id)).href(language),
                error: failed.map { [$0.message] } ?? [],
                typed: failed?.typed ?? ["cost": proposal.officialCost.map { $0.description } ?? "", "answer": "", "reason": "", "into": ""],
                canReview: reviewing && (proposal.status == .submitted || proposal.status == .accepted || proposal.status == .rejected),
                canHide: moderating && proposal.status != .hidden, canUnhide: moderating && proposal.status == .hidden,
                mergeTargets: others, canMerge: reviewing && proposal.status != .hidden && !others.isEmpty)
        }
        hasItems = !items.isEmpty
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

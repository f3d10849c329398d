import MizanCore

/// A cycle's supports page: the form while the cycle takes proposals, the counts once it does not.
struct SupportPage: PageModel {
    struct Choice {
        let id: Int
        let title: String
        let href: String
        let checked: Bool
    }

    struct Line {
        let title: String
        let href: String
        let supporters: String
    }

    let template = "supports"
    let cycleTitle: String
    let cycleHref: String
    let intro: String
    let open: Bool
    let showCounts: Bool
    let choices: [Choice]
    let hasChoices: Bool
    let counts: [Line]
    let done: String?
    let form: IdentificationForm

    init(
        cycle: Cycle, phase: SupportPhase, counts: [SupportCount], done: Int?, typed: (String, String), chosen: Set<Int>, failure: String?,
        csrf: String, catalogs: Catalogs, language: Language
    ) {
        cycleTitle = cycle.title
        cycleHref = SiteURL.cycle(CycleID(cycle.id)).href(language)
        intro = catalogs.text("support_intro", language, ["count": String(phase.perPerson)])
        open = cycle.phase == .proposals
        // Counts are the public's once the phase is over; while it runs they would steer it.
        showCounts = cycle.phase > .proposals
        choices = open
            ? counts.map { Choice(id: $0.proposalID, title: $0.title, href: SiteURL.proposal(ProposalID($0.proposalID)).href(language), checked: chosen.contains($0.proposalID)) }
                .sorted { $0.id < $1.id }
            : []
        hasChoices = !choices.isEmpty
        self.counts = showCounts
            ? counts.map { count in
                let published = count.published
                return Line(
                    title: count.title, href: SiteURL.proposal(ProposalID(count.proposalID)).href(language),
                    supporters: published.value.map(catalogs.number) ?? catalogs.text("petition_fewer", language))
            }
            : []
        self.done = done.map { catalogs.text("support_done", language, ["count": String($0)]) }
        form = IdentificationForm(
            action: SupportController.href(language, cycle.id), csrf: csrf, nationalID: typed.0, birthDate: typed.1, failure: failure)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("support_heading", language)) — \(cycleTitle)" }
}

import Foundation
import MizanCore

/// What the templates show of one published scope: money, turnout, funded projects, a bar chart
/// of votes per project (drawn on the server, bars growing from the inline start) and the same
/// numbers in a table, each project with one sentence saying why it was or was not funded.
struct ResultsView {
    let tallyID: Int
    let districtHeading: String?
    /// For a district's envelope: its amount and share of the cycle's budget (none or one sentence).
    let envelopeText: [String]
    let budget: String
    let budgetUsed: String
    let budgetLeft: String
    let turnout: String
    let ruleText: String
    let tieText: String
    let funded: [Row]
    let noneFunded: Bool
    let rows: [Row]
    let chart: Chart
    /// The cycle's thresholds and options in words (as on the cycle page).
    let countingNotes: [String]
    /// Each voter's share and greedy compared (`TallyAccount`); empty for old outcomes.
    let accountNotes: [String]
    let hasAccount: Bool

    struct Row {
        let id: ProposalID
        let title: String
        let cost: String
        let votes: String
        let funded: Bool
        let outcome: String
        let sentence: String
        /// Equal shares: its effective support, and for a project it did not fund where its
        /// supporters' money went (each none or one sentence).
        let support: [String]
        let wentTo: [String]
        /// For a funded project with an implementation update: the latest one in words (none or
        /// one; a list, since the templates look into lists).
        let progress: [ProgressView]
        /// Every update, oldest first: the timeline of the works, with the milestone and its link.
        let timeline: [Milestone]
        let hasTimeline: Bool
    }

    struct Milestone {
        let date: String
        let text: String
        let note: [String]
        let link: [String]
    }

    struct ProgressView {
        let text: String
        let percent: Int
        let label: String
    }

    struct Chart {
        let titleID: String
        let label: String
        let viewBox: String
        let width: Int
        let height: Int
        let bars: [ChartBar]
    }

    init(scope: PublishedOutcome.Scope, cycle: Cycle, catalogs: Catalogs, language: Language) {
        tallyID = scope.tallyID
        districtHeading = scope.districtName.map { catalogs.text("results_district", language, ["name": PlaceName($0, language).primary]) }
        envelopeText = scope.districtName.map { name in
            [catalogs.text("results_envelope", language, [
                "name": PlaceName(name, language).primary, "amount": catalogs.money(scope.budget, language),
                "share": Self.percent(Double(scope.budget.centimes) / Double(max(cycle.budget.centimes, 1)), digits: 1),
                "total": catalogs.money(cycle.budget, language),
            ])]
        } ?? []
        budget = catalogs.money(scope.budget, language)
        budgetUsed = catalogs.money(scope.spent, language)
        budgetLeft = catalogs.money(scope.budget - scope.spent, language)
        // Past the registry (paper ballots, printed codes) a share would mislead: the count alone.
        if scope.registered > 0, scope.ballots <= scope.registered {
            let percent = Double(scope.ballots) * 100 / Double(scope.registered)
            let percentText = String(format: "%.1f", percent).replacingOccurrences(of: ".", with: ",") + "\u{00A0}%"
            turnout = catalogs.text(
                "results_turnout_of", language,
                ["ballots": catalogs.number(scope.ballots), "registered": catalogs.number(scope.registered), "percent": percentText])
        } else {
            turnout = catalogs.text("results_turnout_ballots", language, ["ballots": catalogs.number(scope.ballots)])
        }
        let ruleKey = "rule_\(scope.rule)"
        ruleText = catalogs.table(language)[ruleKey] != nil ? catalogs.text(ruleKey, language) : catalogs.text("rule_\(cycle.rule.rawValue)", language)
        let tieKey = "tie_\(scope.tieBreak)"
        tieText = catalogs.table(language)[tieKey] != nil ? catalogs.text(tieKey, language) : catalogs.text("tie_\(cycle.tieBreak.rawValue)", language)

        let titles = Dictionary(scope.projects.map { ($0.id.description, $0.title) }, uniquingKeysWith: { first, _ in first })
        let rows = scope.projects.map { project in
            let account = scope.account?.projects[project.id.description]
            return Row(
                id: project.id, title: project.title, cost: catalogs.money(project.cost, language),
                votes: catalogs.number(project.supporters), funded: project.funded,
                outcome: catalogs.text(project.funded ? "results_funded_yes" : "results_funded_no", language),
                sentence: Self.sentence(project, catalogs, language),
                support: account?.effectiveSupport.map {
                    [catalogs.text("results_effective_support", language, ["percent": Self.percent($0, digits: 0)])]
                } ?? [],
                wentTo: account.map { Self.wentTo($0.wentTo, titles: titles, catalogs, language) } ?? [],
                progress: project.progress.map { [Self.progress($0, catalogs, language)] } ?? [],
                timeline: project.history.map { Self.milestone($0, catalogs, language) }, hasTimeline: !project.history.isEmpty)
        }
        countingNotes = CountingNotes.sentences(cycle, catalogs, language)
        accountNotes = scope.account.map { Self.accountNotes($0, catalogs, language) } ?? []
        hasAccount = !accountNotes.isEmpty
        self.rows = rows
        funded = zip(scope.projects, rows).filter { $0.0.funded }
            .sorted { ($0.0.round ?? Int.max, $0.0.id) < ($1.0.round ?? Int.max, $1.0.id) }.map { $0.1 }
        noneFunded = funded.isEmpty
        chart = Self.chart(scope, tallyID: scope.tallyID, catalogs: catalogs, language: language)
    }

    /// "Its supporters' money went to: Terrain (120 000 MAD), Bibliothèque (40 000 MAD)."
    static func wentTo(_ transfers: [TallyAccount.Transfer], titles: [String: String], _ catalogs: Catalogs, _ language: Language) -> [String] {
        guard !transfers.isEmpty else { return [] }
        let items = transfers.map {
            catalogs.text(
                "results_went_item", language,
                ["title": titles[$0.project] ?? "#\($0.project)", "amount": catalogs.money(Money(centimes: $0.centimes), language)])
        }
        return [catalogs.text("results_went_to", language, ["list": items.joined(separator: catalogs.text("results_list_separator", language))])]
    }

    /// Each voter's share before and after the completion, and how this outcome and greedy by
    /// votes serve the voters.
    static func accountNotes(_ account: TallyAccount, _ catalogs: Catalogs, _ language: Language) -> [String] {
        var notes: [String] = []
        func money(_ centimes: Double) -> String { catalogs.money(Money(centimes: Int64(centimes.rounded())), language) }
        if let before = account.shareBeforeCentimes, let after = account.shareAfterCentimes {
            notes.append(
                (after - before).magnitude < 0.5
                    ? catalogs.text("results_share_equal", language, ["share": money(before)])
                    : catalogs.text("results_share_raised", language, ["before": money(before), "after": money(after)]))
        }
        guard account.voters > 0 else { return notes }
        let voters = Double(account.voters)
        notes.append(catalogs.text("results_compare_greedy", language, [
            "share": percent(Double(account.withFunded) / voters, digits: 1),
            "greedyShare": percent(Double(account.greedyWithFunded) / voters, digits: 1),
            "average": decimal(Double(account.chosenFunded) / voters, digits: 2),
            "greedyAverage": decimal(Double(account.greedyChosenFunded) / voters, digits: 2),
        ]))
        return notes
    }

    /// `83,5 %`: a comma for the decimal point and a no-break space, as the turnout is written.
    static func percent(_ fraction: Double, digits: Int) -> String {
        decimal(fraction * 100, digits: digits) + "\u{00A0}%"
    }

    static func decimal(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
    }

    /// One sentence per project, in the page's language, from the stored decision, round and
    /// funded flag.
    static func sentence(_ project: PublishedOutcome.Project, _ catalogs: Catalogs, _ language: Language) -> String {
        OutcomeExplanation(decision: project.decision, round: project.round, supporters: project.supporters, cost: project.cost)
            .sentence(phrases(catalogs, language))
    }

    /// The same from the parts of any outcome (a rule comparison's verdicts too); `round` nil for
    /// a set chosen at once.
    static func sentence(
        decision stored: String, funded: Bool, round: Int?, supporters: Int, cost: Money, _ catalogs: Catalogs, _ language: Language
    ) -> String {
        OutcomeExplanation(
            decision: OutcomeDecision(stored: stored, funded: funded, round: round), round: round, supporters: supporters, cost: cost
        ).sentence(phrases(catalogs, language))
    }

    /// Outcome explanations in the words of the page's catalog (`results_why_…`).
    static func phrases(_ catalogs: Catalogs, _ language: Language) -> OutcomePhrases {
        OutcomePhrases(
            phrase: { key, values in catalogs.text("results_why_\(key)", language, values) }, number: { catalogs.number($0) },
            money: { catalogs.money($0, language) })
    }

    /// One dated step of the works: status, percent and money, the milestone's note and link.
    static func milestone(_ progress: PublishedOutcome.Progress, _ catalogs: Catalogs, _ language: Language) -> Milestone {
        Milestone(
            date: progress.reachedOn.map { catalogs.day($0, language) } ?? catalogs.date(progress.recordedAt, language),
            text: catalogs.text("results_milestone", language, [
                "status": catalogs.text("impl_status_\(progress.status)", language), "percent": catalogs.number(progress.percent),
                "spent": catalogs.money(progress.spent, language),
            ]),
            note: progress.note.map { [$0] } ?? [], link: progress.link.map { [$0] } ?? [])
    }

    /// "In progress: 40 % done, 520.000,00 MAD spent (12 March 2026)".
    static func progress(_ progress: PublishedOutcome.Progress, _ catalogs: Catalogs, _ language: Language) -> ProgressView {
        let values = [
            "status": catalogs.text("impl_status_\(progress.status)", language), "percent": catalogs.number(progress.percent),
            "spent": catalogs.money(progress.spent, language), "date": catalogs.date(progress.recordedAt, language),
        ]
        return ProgressView(
            text: catalogs.text("results_progress", language, values), percent: progress.percent,
            label: catalogs.text("results_progress_label", language, values))
    }

    /// A horizontal bar chart of votes per project, funded ones marked.
    static func chart(_ scope: PublishedOutcome.Scope, tallyID: Int, catalogs: Catalogs, language: Language) -> Chart {
        let bars = HorizontalBars.bars(
            scope.projects.map {
                HorizontalBars.Item(
                    label: $0.title, magnitude: Int64($0.supporters),
                    value: catalogs.number($0.supporters), funded: $0.funded)
            },
            rightToLeft: language.direction == "rtl")
        let summary = scope.projects.map {
            catalogs.text("results_chart_item", language, ["title": $0.title, "votes": catalogs.number($0.supporters)])
        }.joined(separator: catalogs.text("results_list_separator", language))
        let height = HorizontalBars.height(rows: scope.projects.count)
        return Chart(
            titleID: "chart-title-\(tallyID)", label: catalogs.text("results_chart_label", language, ["summary": summary]),
            viewBox: "0 0 \(HorizontalBars.chartWidth) \(height)", width: HorizontalBars.chartWidth, height: height, bars: bars)
    }
}

struct ResultsPage: PageModel {
    let template = "results"
    let heading: String
    let cycleTitle: String
    let communeName: PlaceName
    let homeLink: String
    let communeLink: String
    let cycleLink: String
    let participationLink: String
    let checkBallotLink: String
    let results: [ResultsView]
    let auditHead: AuditHeadView
    /// Spoiled and blank paper ballots by polling place, with their total (empty when none recorded).
    let paperCounts: [PaperCountRow]
    let paperTotal: [String]
    let hasPaperCounts: Bool


    /// The signed head of the audit log, so anyone can later check the log against it with
    /// `mizan audit verify --expect-head N:HASH`.
    struct AuditHeadView {
        let entries: String
        let hash: String
        let signedAt: String
        let signature: String
        let publicKey: String
        let command: String
    }

    init(cycle: Cycle, outcome: PublishedOutcome, auditHead: SignedAuditHead, catalogs: Catalogs, language: Language) {
        heading = catalogs.text("results_heading", language)
        cycleTitle = cycle.title
        communeName = PlaceName(cycle.communeName, language)
        let id = CycleID(cycle.id)
        homeLink = SiteURL.home.href(language)
        communeLink = SiteURL.commune(code: cycle.communeCode).href(language)
        cycleLink = SiteURL.cycle(id).href(language)
        participationLink = SiteURL.cycleParticipation(id).href(language)
        checkBallotLink = SiteURL.receiptLookup.href(language)
        results = outcome.scopes.map { ResultsView(scope: $0, cycle: cycle, catalogs: catalogs, language: language) }
        paperCounts = PaperCountRow.rows(outcome.paperCounts, catalogs)
        hasPaperCounts = !paperCounts.isEmpty
        paperTotal = hasPaperCounts ? [catalogs.text("results_paper_total", language, [
            "spoiled": catalogs.number(outcome.paperCounts.reduce(0) { $0 + $1.spoiled }),
            "blank": catalogs.number(outcome.paperCounts.reduce(0) { $0 + $1.blank }),
            "places": catalogs.number(outcome.paperCounts.count),
        ])] : []
        self.auditHead = AuditHeadView(
            entries: catalogs.number(auditHead.head.entries), hash: auditHead.head.hash, signedAt: auditHead.signedAt,
            signature: auditHead.signature, publicKey: auditHead.publicKey,
            command: "mizan audit verify --expect-head \(auditHead.head.entries):\(auditHead.head.hash)")
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

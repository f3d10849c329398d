import Foundation
import MizanCore

/// The count table's page: the pasted sheet and each line's verdict, and the polling places'
/// spoiled and blank ballots.
struct PaperPage: PageModel {
    let template = "staff_paper"

    /// What the officer typed and what became of it.
    struct State {
        var ballots = ""
        var message: String?
        var report: EnterPaperBallots.Report?
        var dryRun = true
        var place = ""
        var spoiled = ""
        var blank = ""
        var countMessage: String?
        /// A sheet sent as a file: its name, and what was wrong with the upload.
        var fileName = ""
        var fileMessage: String?
        /// One ballot typed at the table: the voter, and each project's mark as typed ("yes" for a box).
        var voter = ""
        var marks: [String: String] = [:]
        var oneMessage: String?
    }

    /// A project of the ballot in the one-ballot form, with its mark as typed.
    struct ProjectMark {
        let id: Int
        let title: String
        let fieldID: String
        let checked: Bool
        let value: String
    }

    struct VerdictRow {
        let line: String
        let accepted: Bool
        let text: String
    }

    let heading: String
    let cycleTitle: String
    let phaseText: String
    let staffHomeHref: String
    let action: String
    let countAction: String
    let csrf: String
    let available: Bool
    let ballots: String
    let message: [String]
    let summary: [String]
    let verdicts: [VerdictRow]
    let hasVerdicts: Bool
    let place: String
    let spoiled: String
    let blank: String
    let countMessage: [String]
    let fileAction: String
    let fileMessage: [String]
    let paperCounts: [PaperCountRow]
    let hasPaperCounts: Bool
    /// While voting: one ballot typed as read, its projects as boxes or number fields.
    let oneAction: String
    let oneBallot: Bool
    let boxes: Bool
    let markHint: String
    let projects: [ProjectMark]
    let voter: String
    let oneMessage: [String]

    init(
        cycle: Cycle, counts: [PaperCount], projects: [Proposal] = [], state: State, available: Bool, csrf: String, catalogs: Catalogs,
        language: Language
    ) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        heading = text("paper_title")
        cycleTitle = cycle.title
        phaseText = text("review_phase_only", ["phase": text("phase_\(cycle.phase.rawValue)")])
        staffHomeHref = StaffController.homeHref(language)
        let id = CycleID(cycle.id)
        action = SiteURL.staffPaper(id).href(language)
        countAction = SiteURL.staffPaperCounts(id).href(language)
        oneAction = SiteURL.staffPaperOne(id).href(language)
        oneBallot = !projects.isEmpty
        switch cycle.ballot {
        case .approval, .knapsack:
            boxes = true
            markHint = text("paper_one_hint_boxes")
        case .points(let total, _):
            boxes = false
            markHint = text("paper_one_hint_points", ["points": catalogs.number(total)])
        case .ranked(let depth):
            boxes = false
            markHint = text("paper_one_hint_ranks", ["depth": catalogs.number(depth)])
        }
        self.projects = projects.map {
            ProjectMark(id: $0.id, title: $0.title, fieldID: "one-\($0.id)", checked: state.marks[String($0.id)] == "yes",
                        value: state.marks[String($0.id)].flatMap { $0 == "yes" ? nil : $0 } ?? "")
        }
        voter = state.voter
        oneMessage = state.oneMessage.map { [$0] } ?? []
        self.csrf = csrf
        self.available = available
        ballots = state.ballots
        message = state.message.map { [$0] } ?? []
        if let report = state.report {
            summary = (state.fileName.isEmpty ? [] : [text("uploads_paper_file_read", ["file": state.fileName])])
                + [text(state.dryRun ? "paper_summary_check" : "paper_summary_entered", [
                "accepted": catalogs.number(report.accepted), "refused": catalogs.number(report.refusals.count),
            ])] + (report.closed.map { [text("paper_closed", ["line": catalogs.number($0.line)])] } ?? [])
            verdicts = report.verdicts.map { verdict in
                switch verdict {
                case .accepted(let line, let receipt):
                    return VerdictRow(
                        line: catalogs.number(line), accepted: true,
                        text: state.dryRun ? text("paper_would_store") : text("paper_stored", ["receipt": receipt]))
                case .refused(let problem):
                    return VerdictRow(
                        line: catalogs.number(problem.line), accepted: false,
                        text: text("paper_refused", ["field": text("paper_field_\(problem.field)"), "reason": LineProblemText.reason(problem, catalogs, language)]))
                }
            }
        } else {
            summary = []
            verdicts = []
        }
        hasVerdicts = !verdicts.isEmpty
        place = state.place
        spoiled = state.spoiled
        blank = state.blank
        countMessage = state.countMessage.map { [$0] } ?? []
        fileAction = SiteURL.staffPaperFile(id).href(language)
        fileMessage = state.fileMessage.map { [$0] } ?? []
        paperCounts = PaperCountRow.rows(counts, catalogs)
        hasPaperCounts = !counts.isEmpty
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(heading) — \(cycleTitle)" }
}

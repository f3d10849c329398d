import Foundation
import MizanCore

/// A bad line of an uploaded file as the command line reports it: its number, the field and the
/// reason, both in the page's language (`LineProblemText`).
struct LineVerdictRow {
    let line: String
    let field: String
    let reason: String

    /// At most `limit` rows: a file of thousands of bad lines is fixed from the first ones.
    static func rows(_ problems: [LineProblem], limit: Int = 1_000, catalogs: Catalogs, language: Language) -> [LineVerdictRow] {
        problems.prefix(limit).map {
            let key = "uploads_field_\($0.field)"
            let named = catalogs.text(key, language)
            return LineVerdictRow(line: catalogs.number($0.line), field: named == key ? $0.field : named, reason: LineProblemText.reason($0, catalogs, language))
        }
    }
}

/// The registry page: a CSV chosen, checked (nothing stored) and then imported, each bad line's
/// verdict listed, and what the import did.
struct RegistryPage: PageModel {
    let template = "staff_registry"

    /// What the admin sent and what became of it.
    struct State {
        var message: String?
        var fileName = ""
        var skipInvalid = false
        /// A check: what an import would do (nothing stored).
        var check: RegistryImportReport?
        /// An import refused for its bad lines, nothing stored.
        var refused: [LineProblem]?
        var report: RegistryImportReport?
    }

    let frame: CycleFormFrame
    let open: Bool
    let skipInvalid: Bool
    let summary: [String]
    let verdicts: [LineVerdictRow]
    let hasVerdicts: Bool
    let moreVerdicts: [String]

    init(cycle: Cycle, state: State, csrf: String, catalogs: Catalogs, language: Language) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        frame = CycleFormFrame(
            cycle: cycle, heading: text("uploads_registry_title"), action: .staffCycleRegistry(CycleID(cycle.id)), csrf: csrf,
            message: state.message, language: language)
        open = cycle.phase <= .voting
        skipInvalid = state.skipInvalid
        let file = state.fileName.isEmpty ? text("uploads_unnamed_file") : state.fileName
        var problems: [LineProblem] = []
        if let check = state.check {
            problems = check.rejected
            summary = [text("uploads_registry_checked", [
                "file": file, "inserted": catalogs.number(check.inserted), "updated": catalogs.number(check.updated),
                "bad": catalogs.number(Set(check.rejected.map(\.line)).count),
            ])]
        } else if let refused = state.refused {
            problems = refused
            summary = [text("uploads_registry_refused", ["file": file, "bad": catalogs.number(Set(refused.map(\.line)).count)])]
        } else if let report = state.report {
            problems = report.rejected
            summary = [text("uploads_registry_imported", [
                "file": file, "inserted": catalogs.number(report.inserted), "updated": catalogs.number(report.updated),
                "rejected": catalogs.number(Set(report.rejected.map(\.line)).count),
            ])]
        } else {
            summary = []
        }
        verdicts = LineVerdictRow.rows(problems, catalogs: catalogs, language: language)
        hasVerdicts = !verdicts.isEmpty
        moreVerdicts = problems.count > verdicts.count
            ? [text("uploads_more_problems", ["count": catalogs.number(problems.count - verdicts.count)])] : []
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(frame.heading) — \(frame.cycleTitle)" }
}

/// The printed codes page: how many to issue; the answer is the file to print.
struct CodesPage: PageModel {
    let template = "staff_codes"
    let frame: CycleFormFrame
    let open: Bool
    let count: String
    let hint: String

    init(cycle: Cycle, count: String, message: String?, csrf: String, catalogs: Catalogs, language: Language) {
        frame = CycleFormFrame(
            cycle: cycle, heading: catalogs.text("uploads_codes_title", language), action: .staffCycleCodes(CycleID(cycle.id)), csrf: csrf,
            message: message, language: language)
        open = cycle.phase <= .voting
        self.count = count
        hint = catalogs.text("uploads_codes_hint", language, ["max": catalogs.number(VotingCodesController.maximum)])
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(frame.heading) — \(frame.cycleTitle)" }
}

/// The export page: the archive's format, once voting has closed.
struct ExportPage: PageModel {
    let template = "staff_export"
    let frame: CycleFormFrame
    let ready: Bool
    let formats: [Option]

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    init(cycle: Cycle, format: String, message: String?, csrf: String, catalogs: Catalogs, language: Language) {
        frame = CycleFormFrame(
            cycle: cycle, heading: catalogs.text("uploads_export_title", language), action: .staffCycleExport(CycleID(cycle.id)), csrf: csrf,
            message: message, language: language)
        ready = cycle.phase >= .tallied
        formats = ExportFormat.allCases.map {
            Option(value: $0.rawValue, label: catalogs.text("uploads_export_format_\($0.rawValue)", language), selected: $0.rawValue == format)
        }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(frame.heading) — \(frame.cycleTitle)" }
}

/// The links from a cycle's staff page (and the staff home) to its uploads and downloads, each
/// only for the roles its page serves.
struct StaffUploadLinks {
    struct Link {
        let href: String
        let label: String
    }

    let links: [Link]
    let hasLinks: Bool

    init(cycle: CycleID, role: StaffRole?, catalogs: Catalogs, language: Language) {
        var links: [Link] = []
        if role == .admin {
            links.append(Link(href: SiteURL.staffCycleRegistry(cycle).href(language), label: catalogs.text("uploads_link_registry", language)))
            links.append(Link(href: SiteURL.staffCycleCodes(cycle).href(language), label: catalogs.text("uploads_link_codes", language)))
        }
        if role == .admin || role == .auditor {
            links.append(Link(href: SiteURL.staffCycleExport(cycle).href(language), label: catalogs.text("uploads_link_export", language)))
        }
        self.links = links
        hasLinks = !links.isEmpty
    }
}

import Foundation
import Hummingbird
import MizanCore

/// Paper ballots in the browser, as at a count table: a count sheet pasted (or one ballot typed)
/// as `VOTER,CHOICES` lines, checked first if the officer wants (nothing stored) and then entered,
/// each line's verdict listed; and each polling place's spoiled and blank ballots. The same use
/// cases as `mizan ballots enter-paper` and `mizan ballots count`. For admins and count officers.
struct PaperBallotController {
    let storage: any Storage
    let boxes: PaperBallotBoxes?
    let secrets: ServerSecrets
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffPaper) { request, context in
            _ = try context.requireRole(.admin, .countOfficer)
            return try await page(request, cycle: context.parameters.require("id", as: CycleID.self), state: PaperPage.State(), language: language)
        }
        group.post(.staffPaper) { request, context in
            try await enter(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
        group.post(.staffPaperFile) { request, context in
            try await enterFile(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
        group.post(.staffPaperOne) { request, context in
            try await enterOne(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
        group.post(.staffPaperCounts) { request, context in
            try await count(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
    }

    func page(
        _ request: Request, cycle id: CycleID, state: PaperPage.State, language: Language, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let loaded = try await storage.transaction { stores -> (Cycle, [PaperCount], [Proposal])? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            return (cycle, try stores.cycles.paperCounts(id), cycle.phase == .voting ? try stores.proposals.list(cycle: id, status: .accepted) : [])
        }
        guard let (cycle, counts, projects) = loaded else { throw HTTPError(.notFound) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            PaperPage(
                cycle: cycle, counts: counts, projects: projects, state: state, available: boxes != nil, csrf: token.field, catalogs: catalogs,
                language: language),
            language: language, url: .staffPaper(id), status: status)
        response.setCookies([token.cookie])
        return response
    }

    func enter(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .countOfficer)
        let fields = try await FormFields.read(request, limit: .paper)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        var state = PaperPage.State()
        state.ballots = fields["ballots"] ?? ""
        if let problem = fields.problem {
            state.message = problem.message(catalogs, language)
            return try await page(request, cycle: id, state: state, language: language, status: problem.status)
        }
        return try await enter(
            request, lines: Self.lines(state.ballots), dryRun: fields["mode"] != "enter", source: "staff page", state: state, member: member,
            cycle: id, language)
    }

    /// Checks (`dryRun`) or enters the lines of a sheet, pasted or uploaded, and shows each verdict.
    func enter(
        _ request: Request, lines: [EnterPaperBallots.Line], dryRun: Bool, source: String, state: PaperPage.State, member: StaffMember,
        cycle id: CycleID, _ language: Language
    ) async throws -> Response {
        var state = state
        guard let boxes else { throw HTTPError(.serviceUnavailable) }
        guard !lines.isEmpty else {
            state.message = catalogs.text("paper_error_empty", language)
            return try await page(request, cycle: id, state: state, language: language, status: .badRequest)
        }
        let enter = EnterPaperBallots(storage: storage, secrets: secrets, box: dryRun ? boxes.rehearsal : boxes.direct, dryRun: dryRun)
        do {
            state.report = try await enter.execute(cycle: id, lines: lines, source: source, actor: member.username)
            state.dryRun = dryRun
        } catch VoteError.notInVoting {
            state.message = catalogs.text("paper_error_not_voting", language)
            return try await page(request, cycle: id, state: state, language: language, status: .conflict)
        }
        return try await page(request, cycle: id, state: state, language: language)
    }

    /// One paper ballot typed as the officer reads it: the voter, then a mark per project (a box
    /// for approval, a number of points, or a rank). Written as the sheet's line and entered
    /// through the same use case, so it is checked and refused exactly as a sheet's line is.
    func enterOne(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .countOfficer)
        let fields = try await FormFields.read(request, limit: .ballot, repeatable: ["project"])
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        var state = PaperPage.State()
        state.voter = fields["voter"] ?? ""
        for (name, value) in fields.withPrefix("mark_") { state.marks[name] = value }
        for project in fields.all("project") { state.marks[project] = "yes" }
        guard let cycle = try await storage.transaction({ try $0.cycles.find(id) }) else { throw HTTPError(.notFound) }
        if let problem = fields.problem {
            state.oneMessage = problem.message(catalogs, language)
            return try await page(request, cycle: id, state: state, language: language, status: problem.status)
        }
        guard let line = Self.line(voter: state.voter, marks: state.marks, ballot: cycle.ballot) else {
            state.oneMessage = catalogs.text("paper_one_error", language)
            return try await page(request, cycle: id, state: state, language: language, status: .badRequest)
        }
        return try await enter(
            request, lines: [.init(number: 1, text: line)], dryRun: false, source: "staff page, one ballot", state: state, member: member,
            cycle: id, language)
    }

    /// The sheet's line for one typed ballot: `VOTER,12 15` for boxes, `VOTER,12:3 15:2` for
    /// points, the projects in rank order for ranks; nil when the voter is missing or a mark is
    /// not a whole number.
    static func line(voter: String, marks: [String: String], ballot: BallotRules) -> String? {
        let voter = voter.trimmingCharacters(in: .whitespaces)
        guard !voter.isEmpty, !voter.contains(","), !voter.contains(";") else { return nil }
        var marked: [(project: Int, value: Int?)] = []
        for (key, text) in marks {
            let text = text.trimmingCharacters(in: .whitespaces)
            guard let project = Int(key), project > 0 else { return nil }
            if text.isEmpty { continue }
            if text == "yes" {
                marked.append((project, nil))
                continue
            }
            guard let value = Int(text), value >= 0 else { return nil }
            if value > 0 { marked.append((project, value)) }
        }
        let choices: [String]
        switch ballot {
        case .points: choices = marked.sorted { $0.project < $1.project }.map { "\($0.project):\($0.value ?? 1)" }
        case .ranked: choices = marked.sorted { ($0.value ?? 0, $0.project) < ($1.value ?? 0, $1.project) }.map { String($0.project) }
        case .approval, .knapsack: choices = marked.map(\.project).sorted().map(String.init)
        }
        return "\(voter),\(choices.joined(separator: " "))"
    }

    func count(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .countOfficer)
        let fields = try await FormFields.read(request, limit: .paperCount)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        var state = PaperPage.State()
        state.place = fields["place"] ?? ""
        state.spoiled = fields["spoiled"] ?? ""
        state.blank = fields["blank"] ?? ""
        if let problem = fields.problem {
            state.countMessage = problem.message(catalogs, language)
            return try await page(request, cycle: id, state: state, language: language, status: problem.status)
        }
        let trimmed = { (text: String) in text.trimmingCharacters(in: .whitespaces) }
        guard let spoiled = Int(trimmed(state.spoiled)), let blank = Int(trimmed(state.blank)), spoiled >= 0, blank >= 0,
            !trimmed(state.place).isEmpty
        else {
            state.countMessage = catalogs.text("paper_count_error", language)
            return try await page(request, cycle: id, state: state, language: language, status: .badRequest)
        }
        do {
            _ = try await RecordPaperCount(storage: storage).execute(
                .init(cycle: id, place: state.place, spoiled: spoiled, blank: blank, actor: member.username))
        } catch let error as CycleError {
            if case .notFound = error { throw HTTPError(.notFound) }
            state.countMessage = catalogs.text("paper_count_refused", language)
            return try await page(request, cycle: id, state: state, language: language, status: .conflict)
        }
        var done = PaperPage.State()
        done.countMessage = catalogs.text("paper_count_done", language, ["place": trimmed(state.place)])
        return try await page(request, cycle: id, state: done, language: language)
    }

    /// The pasted lines, numbered from 1, trimmed, without empty ones; a first line that is the
    /// file's header (`voter,choices`) is skipped but keeps its number.
    static func lines(_ text: String) -> [EnterPaperBallots.Line] { lines(bytes: Array(text.utf8)) }

    /// The same for a sheet's file: a line that is not UTF-8 keeps its number and gets its own
    /// verdict; a byte order mark (as spreadsheets write) is skipped.
    static func lines(bytes: [UInt8]) -> [EnterPaperBallots.Line] {
        var lines: [EnterPaperBallots.Line] = []
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard let decoded = String(validating: raw, as: UTF8.self) else {
                lines.append(.init(number: index + 1, text: nil))
                continue
            }
            let line = decoded.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || (index == 0 && line.lowercased().hasPrefix("voter")) { continue }
            lines.append(.init(number: index + 1, text: line))
        }
        return lines
    }
}

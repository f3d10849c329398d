import Foundation
import Hummingbird
import MizanCore

extension PaperBallotController {
    /// A count sheet sent as a file instead of pasted: the same check or entry, line by line, as
    /// the pasted sheet (and `mizan ballots enter-paper FILE`), with the file's name in the audit
    /// entry's source.
    func enterFile(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .countOfficer)
        let form = try await MultipartForm.read(request, limit: .paperSheet)
        var state = PaperPage.State()
        if let refusal = try form.refusal(request, csrf: csrf, catalogs: catalogs, language: language) {
            state.fileMessage = refusal.message
            return try await page(request, cycle: id, state: state, language: language, status: refusal.status)
        }
        guard let file = form.file("sheet") else {
            state.fileMessage = catalogs.text("uploads_no_file", language)
            return try await page(request, cycle: id, state: state, language: language, status: .badRequest)
        }
        state.fileName = file.displayName
        return try await enter(
            request, lines: Self.lines(bytes: file.body), dryRun: form["mode"] != "enter", source: "staff page file:\(file.auditName)",
            state: state, member: member, cycle: id, language)
    }
}

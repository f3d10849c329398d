import Foundation
import Hummingbird
import MizanCore

/// The voter registry in the browser, for admins: a CSV uploaded and checked — the whole import
/// of `mizan registry import`, the database's district checks included, in a transaction rolled
/// back, so it says what an import would insert, update and reject and stores nothing — then
/// imported through the same `ImportRegistry` use case, optionally skipping bad lines as
/// `--skip-invalid` does.
///
/// Between the check and the import nothing is kept: the file holds national ID numbers in clear,
/// which Mizan stores only as HMACs, so it is read from the request, in memory, and the import
/// asks for the file again rather than parking it on disk or in the database.
struct RegistryImportController {
    let forms: CycleForms
    var catalogs: Catalogs { forms.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffCycleRegistry) { request, context in
            try context.requireRole(.admin)
            return try await page(request, cycle: context.parameters.require("id", as: CycleID.self), state: .init(), language: language)
        }
        group.post(.staffCycleRegistry) { request, context in
            try await upload(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
    }

    func page(
        _ request: Request, cycle id: CycleID, state: RegistryPage.State, language: Language, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try await forms.page(request, cycle: id, url: .staffCycleRegistry(id), language: language, status: status) { cycle, csrf in
            RegistryPage(cycle: cycle, state: state, csrf: csrf, catalogs: catalogs, language: language)
        }
    }

    func upload(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin)
        let form = try await MultipartForm.read(request, limit: .registry)
        var state = RegistryPage.State()
        state.skipInvalid = form["skip_invalid"] == "yes"
        let tooLarge = catalogs.text("uploads_registry_too_large", language)
        if let refusal = try form.refusal(request, csrf: forms.csrf, catalogs: catalogs, language: language, tooLarge: tooLarge) {
            state.message = refusal.message
            return try await page(request, cycle: id, state: state, language: language, status: refusal.status)
        }
        guard let file = form.file("registry") else {
            state.message = catalogs.text("uploads_no_file", language)
            return try await page(request, cycle: id, state: state, language: language, status: .badRequest)
        }
        state.fileName = file.displayName
        let bytes = file.body
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        guard let cycle = try await forms.storage.transaction({ try $0.cycles.find(id) }) else { throw HTTPError(.notFound) }
        guard cycle.phase <= .voting else {
            state.message = catalogs.text("uploads_registry_closed", language)
            return try await page(request, cycle: id, state: state, language: language, status: .conflict)
        }
        let dryRun = form["mode"] != "import"
        // A check skips bad lines so that it reports on all of them and on what the rest would do.
        let importing = ImportRegistry.Request(
            cycle: id, secrets: forms.secrets, skipInvalid: state.skipInvalid || dryRun, source: "upload:\(file.auditName)",
            actor: member.username, dryRun: dryRun
        ) { accept in try RegistryLineFeeder.read(bytes, currentYear: year, accept: accept) }
        do {
            let report = try await ImportRegistry(storage: forms.storage).execute(importing)
            if dryRun { state.check = report } else { state.report = report }
        } catch let rejected as RegistryRejected where dryRun {
            state.check = RegistryImportReport(rejected: rejected.problems)
        } catch let rejected as RegistryRejected {
            state.refused = rejected.problems
            return try await page(request, cycle: id, state: state, language: language, status: .unprocessableContent)
        } catch ProposalError.notAllowed {
            state.message = catalogs.text("uploads_registry_closed", language)
            return try await page(request, cycle: id, state: state, language: language, status: .conflict)
        }
        return try await page(request, cycle: id, state: state, language: language)
    }
}

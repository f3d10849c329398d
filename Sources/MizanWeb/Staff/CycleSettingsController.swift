import Foundation
import Hummingbird
import MizanCore

/// Admins create a cycle and correct its settings until voting opens, in the browser, through the
/// same `CreateCycle` and `UpdateCycleSettings` use cases and the same field reader
/// (`CycleSettingsFields`) as `mizan cycle create` and `mizan cycle settings`.
struct CycleSettingsController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffCycleNew) { request, context in
            _ = try context.requireRole(.admin)
            let year = Calendar(identifier: .gregorian).component(.year, from: Date()) + 1
            let blank = CycleSettingsFields(year: String(year), budget: "", ballot: "approval", rule: "greedy", tieBreak: "lexicographic")
            return try render(request, cycle: nil, values: CycleSettingsPage.values(blank, commune: ""), failure: nil, language: language)
        }
        group.post(.staffCycleNew) { request, context in
            let member = try context.requireRole(.admin)
            let form = try await readForm(request)
            let fields = CycleSettingsPage.fields(form)
            let values = CycleSettingsPage.values(fields, commune: form["commune"] ?? "")
            func refuse(_ field: String, _ key: String, _ status: HTTPResponse.Status = .badRequest) throws -> Response {
                try render(request, cycle: nil, values: values, failure: (field, key), language: language, status: status)
            }
            if let problem = form.problem {
                return try render(request, cycle: nil, values: values, failure: nil, notice: problem.message(catalogs, language),
                                  language: language, status: problem.status)
            }
            let commune: GeoCode
            do { commune = try GeoCode(parsing: (form["commune"] ?? "").trimmingCharacters(in: .whitespaces)) } catch {
                return try refuse("commune", "settings_error_commune")
            }
            do {
                let cycle = try await CreateCycle(storage: storage).execute(try fields.newCycle(commune: commune), actor: member.username)
                return Response.redirect(to: SiteURL.staffCycle(CycleID(cycle.id)).href(language, query: [("done", "created")]), type: .normal)
            } catch let error as CycleError {
                let (field, key, status) = Self.failure(error)
                return try refuse(field, key, status)
            }
        }
        group.get(.staffCycleSettings) { request, context in
            _ = try context.requireRole(.admin)
            let cycle = try await find(context.parameters.require("id", as: CycleID.self))
            return try render(
                request, cycle: cycle, values: CycleSettingsPage.values(CycleSettingsFields(cycle), commune: cycle.communeCode), failure: nil,
                notice: cycle.phase < .voting ? nil : catalogs.text("settings_settled", language), language: language)
        }
        group.post(.staffCycleSettings) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let form = try await readForm(request)
            let cycle = try await find(id)
            let fields = CycleSettingsPage.fields(form)
            if let problem = form.problem {
                return try render(request, cycle: cycle, values: CycleSettingsPage.values(fields, commune: cycle.communeCode), failure: nil,
                                  notice: problem.message(catalogs, language), language: language, status: problem.status)
            }
            do {
                let result = try await UpdateCycleSettings(storage: storage).execute(id, fields: fields, actor: member.username)
                return Response.redirect(
                    to: SiteURL.staffCycle(id).href(language, query: [("done", result.changed.isEmpty ? "unchanged" : "settings")]), type: .normal)
            } catch let error as CycleError {
                if case .settled = error {
                    return try render(request, cycle: cycle, values: [:], failure: nil, notice: catalogs.text("settings_settled", language),
                                      language: language, status: .conflict)
                }
                let (field, key, status) = Self.failure(error)
                return try render(request, cycle: cycle, values: CycleSettingsPage.values(fields, commune: cycle.communeCode),
                                  failure: (field, key), language: language, status: status)
            }
        }
    }

    /// The field a refusal is about, the sentence for it, and the answer's status.
    static func failure(_ error: CycleError) -> (field: String, key: String, status: HTTPResponse.Status) {
        switch error {
        case .invalid(let field, _):
            let name = CycleSettingsPage.fieldNames.contains(field) ? field : "title"
            return (name, "settings_error_\(name)", .badRequest)
        case .communeNotFound: return ("commune", "settings_error_commune_unknown", .badRequest)
        case .duplicate: return ("title", "settings_error_duplicate", .conflict)
        case .notFound, .cannotAdvance, .settled: return ("title", "settings_error_settled", .conflict)
        }
    }

    private func readForm(_ request: Request) async throws -> FormFields {
        let form = try await FormFields.read(request, limit: .cycleSettings)
        guard csrf.isValid(request, field: form["csrf"]) else { throw CSRFRejected() }
        return form
    }

    private func find(_ id: CycleID) async throws -> Cycle {
        guard let cycle = try await storage.transaction({ try $0.cycles.find(id) }) else { throw HTTPError(.notFound) }
        return cycle
    }

    private func render(
        _ request: Request, cycle: Cycle?, values: [String: String], failure: (field: String, key: String)?, notice: String? = nil,
        language: Language, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let token = csrf.prepare(request)
        var response = try pages.render(
            CycleSettingsPage(cycle: cycle, values: values, failure: failure, notice: notice, csrf: token.field, catalogs: catalogs, language: language),
            language: language, url: cycle.map { .staffCycleSettings(CycleID($0.id)) } ?? .staffCycleNew, status: status)
        response.setCookies([token.cookie])
        return response
    }
}

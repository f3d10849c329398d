import Foundation
import Hummingbird
import MizanCore

/// The staff page that compares winner rules, tries other budgets and finds the projects closest
/// to being funded, for a cycle whose voting is closed. It lives under `/staff/`, which the staff
/// login protects; before the tally phase it says why there is nothing to show, so no analysis can
/// reveal how a vote in progress stands.
///
/// Another budget is asked for with a GET form (reading changes nothing, so auditors may use it
/// too); the form still carries the CSRF field, and a request with changed budgets but no valid
/// field is refused, so another site cannot make a signed-in browser start costly computations.
struct AnalysisController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    let cache: AnalysisCache<CycleAnalysis>
    /// The ballots and projects read once per cycle, for the overview, every changed budget and
    /// the marginal search alike.
    let scopeCache: AnalysisCache<[AnalysisScope]>
    let marginalCache: AnalysisCache<[ScopeMarginal]>
    /// How long a request waits for a computation before answering "being computed".
    let wait: Duration
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffAnalysis) { request, context in
            _ = try context.requireRole(.admin, .reviewer, .auditor)
            return try await page(request, context.parameters.require("id", as: CycleID.self), language)
        }
        group.get(.staffAnalysisFile) { request, context in
            _ = try context.requireRole(.admin, .reviewer, .auditor)
            return try await download(request, context.parameters.require("id", as: CycleID.self), context.parameters.require("file"), language)
        }
    }

    /// Changed budgets typed in the form, by scope (`budget` for the whole cycle, `budget_<district>`
    /// for an envelope), as typed and as parsed.
    struct BudgetForm {
        var typed: [String: String] = [:]
        var parsed: [Int?: Money] = [:]
        var errors: [String: String] = [:]
    }

    static func fieldName(_ district: Int?) -> String { district.map { "budget_\($0)" } ?? "budget" }

    func budgetForm(_ request: Request, language: Language) -> BudgetForm {
        var form = BudgetForm()
        for (name, value) in request.uri.queryParameters {
            let name = String(name), value = String(value).trimmingCharacters(in: .whitespaces)
            guard name == "budget" || name.hasPrefix("budget_"), !value.isEmpty else { continue }
            let district: Int?
            if name == "budget" { district = nil } else {
                guard let id = Int(name.dropFirst("budget_".count)) else { continue }
                district = id
            }
            form.typed[name] = value
            if let amount = try? Money(parsing: value), amount.centimes > 0 {
                form.parsed[district] = amount
            } else {
                form.errors[name] = catalogs.text("analysis_budget_invalid", language, ["value": value])
            }
        }
        return form
    }

    enum Loaded {
        case notFound
        case pending(Cycle)
        case ready(Cycle, CycleAnalysis)
        case computing(Cycle)
    }

    func load(_ request: Request, _ id: CycleID, form: BudgetForm) async throws -> Loaded {
        let found = try await storage.transaction { stores -> (Cycle, Int)? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            return (cycle, try stores.analysis.ballotCount(cycle: id))
        }
        guard let (cycle, ballots) = found else { return .notFound }
        guard cycle.phase >= .tallied else { return .pending(cycle) }
        if !form.parsed.isEmpty, !csrf.isValid(request, field: request.uri.queryParameters["csrf"].map(String.init)) {
            throw CSRFRejected()
        }
        let key = CycleAnalysis.Request(cycleID: id.rawValue, changedBudgets: form.parsed, ballots: ballots)
        // Another budget does not change the marginal projects, which are of the cycle as voted.
        let marginalKey = CycleAnalysis.Request(cycleID: id.rawValue, changedBudgets: [:], ballots: ballots)
        let scopes: @Sendable () async throws -> [AnalysisScope] = { [storage, scopeCache] in
            try await scopeCache.value(for: marginalKey) { try await CycleAnalysis.scopes(of: cycle, storage: storage) }
        }
        let marginalWork: @Sendable () async throws -> [ScopeMarginal] = { try await CycleAnalysis.marginals(cycle: cycle, scopes: scopes()) }
        _ = await marginalCache.analysis(for: marginalKey, wait: .zero, compute: marginalWork)
        let overview = await cache.analysis(for: key, wait: wait) { try await CycleAnalysis.compute(key, cycle: cycle, scopes: scopes()) }
        let marginals = await marginalCache.analysis(for: marginalKey, wait: .seconds(2), compute: marginalWork)
        switch overview {
        case .ready(let analysis):
            if case .ready(let found) = marginals { return .ready(cycle, analysis.with(found)) }
            if case .failed(let error) = marginals { throw error }
            return .ready(cycle, analysis)
        case .computing: return .computing(cycle)
        case .failed(let error): throw error
        }
    }

    func page(_ request: Request, _ id: CycleID, _ language: Language) async throws -> Response {
        let form = budgetForm(request, language: language)
        let url = SiteURL.staffAnalysis(id)
        let token = csrf.prepare(request)
        var response: Response
        switch try await load(request, id, form: form) {
        case .notFound: throw HTTPError(.notFound)
        case .pending:
            response = try pages.render(StaffNoticePage(kind: "analysis_pending", catalogs: catalogs, language: language), language: language, url: url, status: .conflict)
        case .computing(let cycle):
            response = try pages.render(
                AnalysisPage(cycle: cycle, analysis: nil, form: form, csrf: token.field, query: request.uri.query, catalogs: catalogs, language: language),
                language: language, url: url, status: .accepted)
            response.headers[.retryAfter] = "5"
        case .ready(let cycle, let analysis):
            response = try pages.render(
                AnalysisPage(cycle: cycle, analysis: analysis, form: form, csrf: token.field, query: request.uri.query, catalogs: catalogs, language: language),
                language: language, url: url)
        }
        response.setCookies([token.cookie])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `all-rules.csv`, `d12-what-if.csv`…: a table of the page, from the same cells.
    func download(_ request: Request, _ id: CycleID, _ file: String, _ language: Language) async throws -> Response {
        guard file.hasSuffix(".csv") else { throw HTTPError(.notFound) }
        let name = String(file.dropLast(4))
        switch try await load(request, id, form: budgetForm(request, language: language)) {
        case .notFound, .pending: throw HTTPError(.notFound)
        case .computing:
            var response = Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: catalogs.text("analysis_computing", language) + "\n")))
            response.headers[.retryAfter] = "5"
            return response
        case .ready(let cycle, let analysis):
            let tables = AnalysisTables(cycle: cycle, analysis: analysis, catalogs: catalogs, language: language)
            guard let table = tables.all.flatMap(\.tables).first(where: { $0.name == name }) else { throw HTTPError(.notFound) }
            var response = Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: table.csv())))
            response.headers[.contentDisposition] = "attachment; filename=\"cycle-\(id)-\(file)\""
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }
}

import Foundation
import Hummingbird
import MizanCore
import MizanPostgres
import PostgresDriver

/// Submitting proposals (with a private tracking link), browsing and searching them, and each
/// proposal's status and official answer.
struct ProposalController {
    let pool: ConnectionPool
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    static let categories = [
        "roads", "lighting", "green", "sport", "culture", "education", "health", "water", "mobility", "social", "other",
    ]

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get("cycles/:id/propose") { request, context in
            try await form(request, cycle: context.parameters.require("id", as: Int.self), language)
        }
        group.post("cycles/:id/propose") { request, context in
            try await submit(request, context: context, cycle: context.parameters.require("id", as: Int.self), language)
        }
        group.get("cycles/:id/proposals") { request, context in
            try await list(request, cycle: context.parameters.require("id", as: Int.self), language)
        }
        group.get("proposals/:id") { _, context in try await show(context.parameters.require("id", as: Int.self), language) }
        group.get("track/:token") { _, context in try await track(context.parameters.require("token"), language) }
    }

    struct Form: Decodable {
        var csrf: String?
        var title: String?
        var description: String?
        var category: String?
        var district: String?
        var location: String?
        var cost: String?
    }

    func form(_ request: Request, cycle id: Int, _ language: Language) async throws -> Response {
        let (cycle, districts) = try await load(id)
        let token = csrf.prepare(request)
        var response = try pages.render(
            ProposalFormPage(
                cycle: cycle, districts: districts, values: Form(), errors: [:], csrf: token.field, catalogs: catalogs, language: language),
            language: language, path: "/cycles/\(id)/propose", status: cycle.phase == .proposals ? .ok : .conflict)
        response.setCookies([token.cookie])
        return response
    }

    func submit(_ request: Request, context: WebContext, cycle id: Int, _ language: Language) async throws -> Response {
        let values = try await request.decode(as: Form.self, context: context)
        guard csrf.isValid(request, field: values.csrf) else { throw CSRFRejected() }
        let (cycle, districts) = try await load(id)
        let token = csrf.prepare(request)
        func again(_ errors: [String: String], status: HTTPResponse.Status) throws -> Response {
            var response = try pages.render(
                ProposalFormPage(
                    cycle: cycle, districts: districts, values: values, errors: errors, csrf: token.field, catalogs: catalogs,
                    language: language),
                language: language, path: "/cycles/\(id)/propose", status: status)
            response.setCookies([token.cookie])
            return response
        }
        guard cycle.phase == .proposals else { return try again([:], status: .conflict) }
        let category = values.category ?? ""
        var problems: [String: String] = [:]
        if !Self.categories.contains(category) { problems["category"] = "" }
        let parsed = Result { () throws(ProposalError) -> NewProposal in
            try NewProposal(
                title: values.title ?? "", description: values.description ?? "", category: category,
                district: values.district, location: values.location, estimatedCost: values.cost ?? "", language: language.rawValue)
        }
        let proposal: NewProposal
        switch parsed {
        case .success(let value): proposal = value
        case .failure(.invalid(let fields)):
            return try again(localized(fields.merging(problems) { $1 }), status: .unprocessableContent)
        case .failure(let other): throw other
        }
        guard problems.isEmpty else { return try again(localized(problems), status: .unprocessableContent) }
        let tracking = RandomToken.make(bytes: 24)
        do {
            _ = try await pool.withTransaction { connection in
                try ProposalStore.submit(
                    proposal, cycleID: id, trackingTokenHash: RandomToken.digest(tracking), actor: "web", on: connection)
            }
        } catch {
            guard case ProposalError.unknownDistrict = error else { throw error }
            return try again(localized(["district": ""]), status: .unprocessableContent)
        }
        // Post/redirect/get: reloading the confirmation never submits twice.
        return Response.redirect(to: "/\(language.rawValue)/track/\(tracking)?new=1", type: .normal)
    }

    func localized(_ fields: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fields.keys.map { ($0, "error_field_\($0)") })
    }

    func list(_ request: Request, cycle id: Int, _ language: Language) async throws -> Response {
        let (cycle, _) = try await load(id)
        let query = String((request.uri.queryParameters["q"].map(String.init) ?? "").prefix(200))
        let category = request.uri.queryParameters["category"].map(String.init).flatMap { Self.categories.contains($0) ? $0 : nil }
        let status = request.uri.queryParameters["status"].flatMap { ProposalStatus(rawValue: String($0)) }
        let rows = try await pool.withConnection { connection in
            var filters: [SQL] = ["p.cycle_id = \(id)", "p.status <> 'hidden'"]
            if let category { filters.append("p.category = \(category)") }
            if let status { filters.append("p.status = \(status.rawValue)") }
            let trimmed = query.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty {
                filters.append("""
                    p.search_vector @@ (websearch_to_tsquery('simple', mizan_normalize_arabic(\(trimmed)))
                        || websearch_to_tsquery('arabic', mizan_normalize_arabic(\(trimmed)))
                        || websearch_to_tsquery('french', \(trimmed)) || websearch_to_tsquery('english', \(trimmed)))
                    """)
            }
            return try connection.query("""
                SELECT p.id FROM proposals p WHERE \(SQL.joined(filters, separator: " AND "))
                ORDER BY p.id LIMIT 500
                """).map { try $0.decode(Int.self, 0) }.map { try ProposalStore.require($0, on: connection) }
        }
        return try pages.render(
            ProposalListPage(
                cycle: cycle, proposals: rows, query: query, category: category, status: status, catalogs: catalogs, language: language),
            language: language, path: "/cycles/\(id)/proposals")
    }

    func show(_ id: Int, _ language: Language) async throws -> Response {
        guard let proposal = try await pool.withConnection({ try ProposalStore.find(id, on: $0) }) else { throw HTTPError(.notFound) }
        let (cycle, _) = try await load(proposal.cycleID)
        return try pages.render(
            ProposalPage(proposal: proposal, cycle: cycle, trackingLink: nil, isNew: false, catalogs: catalogs, language: language),
            language: language, path: "/proposals/\(id)")
    }

    func track(_ token: String, _ language: Language) async throws -> Response {
        let digest = PostgresBytes(RandomToken.digest(token))
        guard let proposal = try await pool.withConnection({ connection -> Proposal? in
            guard let id = try connection.query("SELECT id FROM proposals WHERE tracking_token_hash = \(digest)").first?.decode(Int.self, 0)
            else { return nil }
            return try ProposalStore.find(id, on: connection)
        }) else { throw HTTPError(.notFound) }
        let (cycle, _) = try await load(proposal.cycleID)
        return try pages.render(
            ProposalPage(
                proposal: proposal, cycle: cycle, trackingLink: "/\(language.rawValue)/track/\(token)", isNew: true, catalogs: catalogs,
                language: language),
            language: language, path: "/track/\(token)")
    }

    func load(_ id: Int) async throws -> (Cycle, [District]) {
        guard let loaded = try await pool.withConnection({ connection -> (Cycle, [District])? in
            guard let cycle = try CycleStore.find(id, on: connection) else { return nil }
            let districts = try connection.query("""
                SELECT id, code, name_fr, name_ar, population FROM districts WHERE commune_id = \(cycle.communeID) ORDER BY name_fr
                """).map { row in
                District(
                    id: try row.decode(Int.self, 0), code: try row.decodeIfPresent(String.self, 1),
                    name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3)),
                    population: try row.decodeIfPresent(Int.self, 4))
            }
            return (cycle, districts)
        }) else { throw HTTPError(.notFound) }
        return loaded
    }
}

/// A POST whose CSRF field does not match its cookie.
struct CSRFRejected: Error {}

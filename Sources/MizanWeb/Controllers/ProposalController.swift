import Foundation
import Hummingbird
import MizanCore

/// Submitting proposals (with a private tracking link), browsing and searching them, and each
/// proposal's status and official answer.
struct ProposalController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    static let categories = [
        "roads", "lighting", "green", "sport", "culture", "education", "health", "water", "mobility", "social", "other",
    ]

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.propose) { request, context in
            try await form(request, cycle: CycleID(context.parameters.require("id", as: Int.self)), language)
        }
        group.post(.propose) { request, context in
            try await submit(request, cycle: CycleID(context.parameters.require("id", as: Int.self)), language)
        }
        group.get(.cycleProposals) { request, context in
            try await list(request, cycle: CycleID(context.parameters.require("id", as: Int.self)), language)
        }
        group.get(.proposal) { _, context in try await show(ProposalID(context.parameters.require("id", as: Int.self)), language) }
        group.get(.tracking) { _, context in try await track(context.parameters.require("token"), language) }
    }

    struct Form {
        var csrf: String?
        var title: String?
        var description: String?
        var category: String?
        var district: String?
        var location: String?
        var cost: String?
    }

    /// The fields of the form, as far as the body could be read.
    static func values(_ fields: FormFields) -> Form {
        Form(
            csrf: fields["csrf"], title: fields["title"], description: fields["description"], category: fields["category"],
            district: fields["district"], location: fields["location"], cost: fields["cost"])
    }

    func form(_ request: Request, cycle id: CycleID, _ language: Language) async throws -> Response {
        let (cycle, districts) = try await load(id)
        let token = csrf.prepare(request)
        var response = try pages.render(
            ProposalFormPage(
                cycle: cycle, districts: districts, values: Form(), errors: [:], csrf: token.field, catalogs: catalogs, language: language),
            language: language, url: .propose(id), status: cycle.phase == .proposals ? .ok : .conflict)
        response.setCookies([token.cookie])
        return response
    }

    func submit(_ request: Request, cycle id: CycleID, _ language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: .proposal)
        let values = Self.values(fields)
        // A body the form could not have sent comes back as the form, with what could be read.
        if let problem = fields.problem {
            let (cycle, districts) = try await load(id)
            return try render(cycle, districts, values, ["form": problem.catalogKey], request, language, status: problem.status)
        }
        guard csrf.isValid(request, field: values.csrf) else { throw CSRFRejected() }
        let (cycle, districts) = try await load(id)
        func again(_ errors: [String: String], status: HTTPResponse.Status) throws -> Response {
            try render(cycle, districts, values, errors, request, language, status: status)
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
            _ = try await SubmitProposal(storage: storage).execute(
                proposal, cycle: id, trackingTokenHash: RandomToken.digest(tracking), actor: "web")
        } catch {
            guard case ProposalError.unknownDistrict = error else { throw error }
            return try again(localized(["district": ""]), status: .unprocessableContent)
        }
        // Post/redirect/get: reloading the confirmation never submits twice.
        return Response.redirect(to: SiteURL.tracking(token: tracking).href(language, query: [("new", "1")]), type: .normal)
    }

    /// The form again, with what was typed and what is wrong with it.
    func render(
        _ cycle: Cycle, _ districts: [District], _ values: Form, _ errors: [String: String], _ request: Request, _ language: Language,
        status: HTTPResponse.Status
    ) throws -> Response {
        let token = csrf.prepare(request)
        var response = try pages.render(
            ProposalFormPage(
                cycle: cycle, districts: districts, values: values, errors: errors, csrf: token.field, catalogs: catalogs, language: language),
            language: language, url: .propose(CycleID(cycle.id)), status: status)
        response.setCookies([token.cookie])
        return response
    }

    func localized(_ fields: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: fields.keys.map { ($0, "error_field_\($0)") })
    }

    func list(_ request: Request, cycle id: CycleID, _ language: Language) async throws -> Response {
        let (cycle, _) = try await load(id)
        let query = String((request.uri.queryParameters["q"].map(String.init) ?? "").prefix(200))
        let category = request.uri.queryParameters["category"].map(String.init).flatMap { Self.categories.contains($0) ? $0 : nil }
        let status = request.uri.queryParameters["status"].flatMap { ProposalStatus(rawValue: String($0)) }
        let search = ProposalSearch(cycle: id, category: category, status: status, text: query)
        let rows = try await storage.transaction { try $0.proposals.search(search) }
        return try pages.render(
            ProposalListPage(
                cycle: cycle, proposals: rows, query: query, category: category, status: status, catalogs: catalogs, language: language),
            language: language, url: .cycleProposals(id))
    }

    func show(_ id: ProposalID, _ language: Language) async throws -> Response {
        guard let proposal = try await storage.transaction({ try $0.proposals.find(id) }) else { throw HTTPError(.notFound) }
        let (cycle, _) = try await load(CycleID(proposal.cycleID))
        return try pages.render(
            ProposalPage(proposal: proposal, cycle: cycle, trackingToken: nil, isNew: false, catalogs: catalogs, language: language),
            language: language, url: .proposal(id))
    }

    func track(_ token: String, _ language: Language) async throws -> Response {
        let digest = RandomToken.digest(token)
        guard let proposal = try await storage.transaction({ try $0.proposals.find(trackingTokenHash: digest) }) else {
            throw HTTPError(.notFound)
        }
        let (cycle, _) = try await load(CycleID(proposal.cycleID))
        var response = try pages.render(
            ProposalPage(proposal: proposal, cycle: cycle, trackingToken: token, isNew: true, catalogs: catalogs, language: language),
            language: language, url: .tracking(token: token))
        // The tracking link is private: a shared computer's back button or cache must not keep it.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The cycle and its commune's districts (for the form's district menu); 404 for no such cycle.
    func load(_ id: CycleID) async throws -> (Cycle, [District]) {
        guard let loaded = try await storage.transaction({ stores -> (Cycle, [District])? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            return (cycle, try stores.districts.list(commune: CommuneID(cycle.communeID)))
        }) else { throw HTTPError(.notFound) }
        return loaded
    }
}

/// A POST whose CSRF field does not match its cookie.
struct CSRFRejected: Error {}

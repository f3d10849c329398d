import Foundation
import Hummingbird
import MizanCore

/// The review queue in the browser: the same `ReviewProposal` use case `mizan proposal accept|
/// reject|merge|hide|unhide` runs, for reviewers who are not shell users.
///
/// Reading the queue is open to every staff role; deciding is for admins and reviewers (auditors
/// are refused by `StaffAccessMiddleware` before they reach here, and `requireRole` refuses any
/// other role). Every decision carries the CSRF field and is recorded in the audit log under the
/// staff member's username. A refused value comes back on the same form with what was typed.
struct ReviewController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffReview) { request, context in
            _ = try context.requireRole(.admin, .reviewer, .auditor)
            let filters = ReviewFilters(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
            let done = request.uri.queryParameters["done"].map(String.init)
            let proposal = request.uri.queryParameters["proposal"].flatMap { Int(String($0)) }
            return try await page(
                request, context: context, cycle: context.parameters.require("id", as: CycleID.self), filters: filters,
                notice: done.flatMap { Self.doneKey($0) }.map { catalogs.text($0, language, ["id": proposal.map(String.init) ?? ""]) },
                failure: nil, language: language, status: .ok)
        }
        group.post(.staffProposalReview) { request, context in
            try await decide(request, context: context, proposal: context.parameters.require("id", as: ProposalID.self), language)
        }
    }

    /// What went wrong with one proposal's form, shown beside that form with what was typed.
    struct Failure {
        let proposal: Int
        let action: String
        let message: String
        let typed: [String: String]
    }

    func page(
        _ request: Request, context: WebContext, cycle id: CycleID, filters: ReviewFilters, notice: String?, failure: Failure?,
        language: Language, status: HTTPResponse.Status
    ) async throws -> Response {
        let member = try context.requireRole(.admin, .reviewer, .auditor)
        let loaded = try await storage.transaction { stores -> (Cycle, [Proposal], [Int: Int]?)? in
            guard let cycle = try stores.cycles.find(id) else { return nil }
            // Staff see the exact supports a cycle with a supports phase collected: they weigh
            // in the review (the public sees them, small counts withheld, once review begins).
            let supports = try stores.supports.phase(cycle: id).map { _ in
                Dictionary(try stores.supports.counts(cycle: id).map { ($0.proposalID, $0.supporters) }, uniquingKeysWith: { first, _ in first })
            }
            return (cycle, try stores.proposals.list(cycle: id, status: nil), supports)
        }
        guard let (cycle, proposals, supports) = loaded else { throw HTTPError(.notFound) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            ReviewPage(
                cycle: cycle, proposals: proposals, supports: supports, filters: filters, mayDecide: member.role == .admin || member.role == .reviewer,
                notice: notice, failure: failure, csrf: token.field, catalogs: catalogs, language: language),
            language: language, url: .staffReview(id), status: status)
        response.setCookies([token.cookie])
        return response
    }

    func decide(_ request: Request, context: WebContext, proposal id: ProposalID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .reviewer)
        let fields = try await FormFields.read(request, limit: .review)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let proposal = try await storage.transaction { stores in try stores.proposals.find(id) }
        guard let proposal else { throw HTTPError(.notFound) }
        let cycle = CycleID(proposal.cycleID)
        let filters = ReviewFilters(fields.pairs)
        let action = fields["action"] ?? ""
        var typed: [String: String] = [:]
        for name in ["cost", "answer", "reason", "into"] { typed[name] = fields[name] ?? "" }
        func refuse(_ key: String, status: HTTPResponse.Status = .badRequest) async throws -> Response {
            try await page(
                request, context: context, cycle: cycle, filters: filters, notice: nil,
                failure: Failure(proposal: id.rawValue, action: action, message: catalogs.text(key, language), typed: typed),
                language: language, status: status)
        }
        if let problem = fields.problem { return try await refuse(problem.catalogKey, status: problem.status) }
        let decision: ProposalDecision
        switch action {
        case "accept":
            guard let cost = try? Money(parsing: typed["cost"]!.trimmingCharacters(in: .whitespaces)), cost.centimes > 0 else {
                return try await refuse("review_error_cost")
            }
            let answer = typed["answer"]!.trimmingCharacters(in: .whitespacesAndNewlines)
            decision = .accept(cost: cost, answer: answer.isEmpty ? nil : answer)
        case "reject":
            let answer = typed["answer"]!.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !answer.isEmpty else { return try await refuse("review_error_answer") }
            decision = .reject(reason: answer)
        case "merge":
            guard let into = Int(typed["into"]!), into != id.rawValue else { return try await refuse("review_error_merge") }
            decision = .merge(into: ProposalID(into))
        case "hide":
            let reason = typed["reason"]!.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { return try await refuse("review_error_reason") }
            decision = .hide(reason: reason)
        case "unhide":
            decision = .unhide
        default:
            return try await refuse("form_error_malformed")
        }
        do {
            _ = try await ReviewProposal(storage: storage).execute(id, decision, actor: member.username)
        } catch let error as ProposalError {
            switch error {
            case .notFound: return try await refuse("review_error_merge")
            case .invalid, .unknownDistrict, .notAllowed: return try await refuse("review_error_not_allowed", status: .conflict)
            }
        }
        let query = filters.query + [("done", action), ("proposal", id.description)]
        return Response.redirect(to: SiteURL.staffReview(cycle).href(language, query: query) + "#proposal-\(id)", type: .normal)
    }

    /// The notice shown after a decision, by action.
    static func doneKey(_ action: String) -> String? {
        ["accept", "reject", "merge", "hide", "unhide"].contains(action) ? "review_done_\(action)" : nil
    }
}

/// The queue's filters, as the GET form and each decision form carry them.
struct ReviewFilters {
    var status: ProposalStatus?
    var category: String?
    var district: String?

    init(_ pairs: [(String, String)]) {
        for (name, value) in pairs where !value.isEmpty {
            switch name {
            case "status": status = ProposalStatus(rawValue: value)
            case "category": category = String(value.prefix(200))
            case "district": district = String(value.prefix(200))
            default: continue
            }
        }
    }

    func admits(_ proposal: Proposal) -> Bool {
        (status == nil || proposal.status == status) && (category == nil || proposal.category == category)
            && (district == nil || proposal.districtName == district)
    }

    var query: [(String, String)] {
        [("status", status?.rawValue), ("category", category), ("district", district)].compactMap { name, value in value.map { (name, $0) } }
    }
}

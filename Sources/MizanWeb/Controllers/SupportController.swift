import Foundation
import Hummingbird
import MizanCore

/// The supports phase of a cycle for citizens: while it takes proposals, a form to support some
/// of those submitted (identified as for voting, plain HTML, no JavaScript); once the phase is
/// over, the counts (under the small-cell rule). Staff read exact counts with `mizan support counts`.
struct SupportController {
    static let route = RouterPath("cycles/:id/supports")
    /// ID number, birth date, and the checkboxes of up to a few hundred proposals.
    static let limit = FormLimit(maxLengths: [40, 40], slack: 16 * 1024)

    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    let secrets: ServerSecrets
    var catalogs: Catalogs { pages.catalogs }

    static func href(_ language: Language, _ cycle: Int, query: String? = nil) -> String {
        "/\(language.rawValue)/cycles/\(cycle)/supports" + (query.map { "?\($0)" } ?? "")
    }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(Self.route) { request, context in
            let done = request.uri.queryParameters["done"].flatMap { Int(String($0)) }
            return try await page(request, try cycleID(context), language, done: done)
        }
        group.post(Self.route) { request, context in try await support(request, context, try cycleID(context), language) }
    }

    func cycleID(_ context: WebContext) throws -> CycleID {
        guard let id = Int(try context.parameters.require("id")), id > 0, id <= Int(Int32.max) else { throw HTTPError(.notFound) }
        return CycleID(id)
    }

    func page(
        _ request: Request, _ id: CycleID, _ language: Language, done: Int? = nil, typed: (String, String) = ("", ""), chosen: Set<Int> = [],
        failure: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let (cycle, phase, counts) = try await storage.transaction({ stores -> (Cycle, SupportPhase, [SupportCount])? in
            guard let cycle = try stores.cycles.find(id), let phase = try stores.supports.phase(cycle: id) else { return nil }
            return (cycle, phase, try stores.supports.counts(cycle: id))
        }) else { throw HTTPError(.notFound) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            SupportPage(
                cycle: cycle, phase: phase, counts: counts, done: done, typed: typed, chosen: chosen, failure: failure, csrf: token.field,
                catalogs: catalogs, language: language),
            language: language, path: "/cycles/\(id)/supports", status: status)
        response.setCookies([token.cookie])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func support(_ request: Request, _ context: WebContext, _ id: CycleID, _ language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: Self.limit, repeatable: ["proposal"])
        let typed = (fields["national_id"] ?? "", fields["birth_date"] ?? "")
        let numbers = fields.all("proposal").map { Int($0) }
        let chosen = Set(numbers.compactMap { $0 })
        func again(_ message: String, _ status: HTTPResponse.Status) async throws -> Response {
            try await page(request, id, language, typed: typed, chosen: chosen, failure: message, status: status)
        }
        if let problem = fields.problem { return try await again(problem.message(catalogs, language), problem.status) }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        guard !chosen.isEmpty, !numbers.contains(nil) else { return try await again(catalogs.text("support_none_chosen", language), .unprocessableContent) }
        let credential = VoterCredential.typed(nationalID: typed.0, birthDate: typed.1, code: "")
        let outcome: SupportProposals.Outcome
        do {
            outcome = try await SupportProposals(storage: storage, secrets: secrets).execute(
                Set(chosen.map { ProposalID($0) }), cycle: id, supporter: credential, client: PetitionController.client(context))
        } catch CycleError.notFound, SupportError.noSupportsPhase {
            throw HTTPError(.notFound)
        } catch SupportError.closed {
            return try await again(catalogs.text("support_closed", language), .conflict)
        } catch SupportError.notSupportable {
            return try await again(catalogs.text("support_none_chosen", language), .unprocessableContent)
        } catch let error as any StorageFailure where error.isRuleViolation {
            // Another of this person's supports, or the end of the phase, got there first.
            return try await again(catalogs.text("support_try_again", language), .conflict)
        }
        switch outcome {
        case .supported(_, let remaining):
            return Response.redirect(to: Self.href(language, id.rawValue, query: "done=\(remaining)"), type: .normal)
        case .overLimit(let remaining):
            return try await again(catalogs.text("support_over_limit", language, ["count": String(remaining)]), .unprocessableContent)
        case .notIdentified: return try await again(catalogs.text("petition_sign_not_found", language), .unprocessableContent)
        case .limited: return try await again(catalogs.text("eligibility_limited", language), .tooManyRequests)
        }
    }
}

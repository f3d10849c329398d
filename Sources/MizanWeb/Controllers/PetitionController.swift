import Foundation
import Hummingbird
import MizanCore

/// The addresses of petitions, relative to the language prefix like `SiteRoute`'s: the router
/// registers `pattern` and every link is built by `href`, from the same text.
enum PetitionRoute: String, CaseIterable, Sendable {
    case register = "communes/:code/petitions"
    case draft = "communes/:code/petitions/new"
    case petition = "petitions/:id"
    case sign = "petitions/:id/sign"

    var pattern: RouterPath { RouterPath(rawValue) }

    /// The address without the language prefix, for the language menu.
    func path(_ value: String) -> String {
        "/" + rawValue.split(separator: "/").map { $0.hasPrefix(":") ? SiteURL.encodeSegment(value) : String($0) }.joined(separator: "/")
    }

    func href(_ language: Language, _ value: String, query: String? = nil) -> String {
        "/\(language.rawValue)\(path(value))" + (query.map { "?\($0)" } ?? "")
    }
}

/// Petitions to the commune council for citizens: each commune's public register, a petition's
/// page with its signing form, and the form an agent drafts one with. Signing and drafting
/// identify the person against the commune's registry as voting does (ID number and birth date,
/// the same limits on failed attempts); plain HTML forms, no JavaScript.
struct PetitionController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    let secrets: ServerSecrets
    var catalogs: Catalogs { pages.catalogs }

    /// ID number, birth date; kind, agent's name, association's three fields, title, demands, reasons.
    static let signLimit = FormLimit(maxLengths: [40, 40])
    static let draftLimit = FormLimit(maxLengths: [40, 40, 20, 200, 200, 100, 300, 200, 5000, 5000])

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(PetitionRoute.register.pattern) { _, context in try await register(context.parameters.require("code"), language) }
        group.get(PetitionRoute.draft.pattern) { request, context in
            try await draftForm(request, context.parameters.require("code"), Draft(), [:], language, status: .ok)
        }
        group.post(PetitionRoute.draft.pattern) { request, context in try await draft(request, context, context.parameters.require("code"), language) }
        group.get(PetitionRoute.petition.pattern) { request, context in
            let notice = request.uri.queryParameters["done"].map(String.init)
            return try await show(request, try petitionID(context), language, notice: notice == "signed" || notice == "drafted" ? notice : nil)
        }
        group.post(PetitionRoute.sign.pattern) { request, context in try await sign(request, context, try petitionID(context), language) }
    }

    func petitionID(_ context: WebContext) throws -> PetitionID {
        guard let id = Int(try context.parameters.require("id")), id > 0, id <= Int(Int32.max) else { throw HTTPError(.notFound) }
        return PetitionID(id)
    }

    /// What a visitor typed into the draft form, kept to fill it again.
    struct Draft {
        var kind: String?
        var agentName: String?
        var nationalID: String?
        var birthDate: String?
        var associationName: String?
        var associationRegistration: String?
        var associationSeat: String?
        var title: String?
        var demands: String?
        var reasons: String?

        init() {}

        init(_ fields: FormFields) {
            kind = fields["kind"]
            agentName = fields["agent_name"]
            nationalID = fields["national_id"]
            birthDate = fields["birth_date"]
            associationName = fields["association_name"]
            associationRegistration = fields["association_registration"]
            associationSeat = fields["association_seat"]
            title = fields["title"]
            demands = fields["demands"]
            reasons = fields["reasons"]
        }
    }

    // MARK: Register

    func commune(_ text: String) async throws -> PetitionCommune {
        guard let code = try? GeoCode(parsing: text),
            let commune = try await storage.transaction({ try $0.petitions.commune(code: code) })
        else { throw HTTPError(.notFound) }
        return commune
    }

    func register(_ code: String, _ language: Language) async throws -> Response {
        let commune = try await commune(code)
        let petitions = try await storage.transaction { try $0.petitions.list(commune: commune.id, limit: 500) }
        let now = Date()
        return try pages.render(
            PetitionRegisterPage(
                commune: commune, records: petitions.map { PetitionRecord($0, commune: commune, now: now) }, catalogs: catalogs,
                language: language),
            language: language, path: PetitionRoute.register.path(commune.code))
    }

    // MARK: Drafting

    func draftForm(
        _ request: Request, _ code: String, _ values: Draft, _ errors: [String: String], _ language: Language, status: HTTPResponse.Status,
        formError: String? = nil
    ) async throws -> Response {
        let commune = try await commune(code)
        let token = csrf.prepare(request)
        var response = try pages.render(
            PetitionDraftPage(
                commune: commune, values: values, errors: errors, formError: formError, csrf: token.field, catalogs: catalogs, language: language),
            language: language, path: PetitionRoute.draft.path(commune.code), status: status)
        response.setCookies([token.cookie])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func draft(_ request: Request, _ context: WebContext, _ code: String, _ language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: Self.draftLimit)
        let values = Draft(fields)
        if let problem = fields.problem {
            return try await draftForm(request, code, values, [:], language, status: problem.status, formError: problem.message(catalogs, language))
        }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let commune = try await commune(code)
        var problems: [String: String] = [:]
        var parsed: NewPetition?
        do {
            parsed = try NewPetition(
                kind: values.kind ?? "", agentName: values.agentName ?? "", associationName: values.associationName,
                associationRegistration: values.associationRegistration, associationSeat: values.associationSeat, title: values.title ?? "",
                demands: values.demands ?? "", reasons: values.reasons ?? "", language: language.rawValue)
        } catch .invalid(let fields) {
            problems = fields
        } catch {
            throw error
        }
        let agent = VoterCredential.typed(nationalID: values.nationalID ?? "", birthDate: values.birthDate ?? "", code: "")
        if agent == nil { problems["national_id"] = "" }
        guard problems.isEmpty, let draft = parsed else {
            let errors = Dictionary(uniqueKeysWithValues: problems.keys.map { ($0, catalogs.text("petition_error_\($0)", language)) })
            return try await draftForm(request, code, values, errors, language, status: .unprocessableContent)
        }
        let outcome = try await FilePetitionDraft(storage: storage, secrets: secrets).execute(
            draft, commune: GeoCode(parsing: commune.code), agent: agent, client: Self.client(context), actor: "web")
        switch outcome {
        case .drafted(let petition):
            return Response.redirect(to: PetitionRoute.petition.href(language, String(petition.id), query: "done=drafted"), type: .normal)
        case .agentNotIdentified:
            return try await draftForm(
                request, code, values, [:], language, status: .unprocessableContent, formError: catalogs.text("petition_agent_not_found", language))
        case .limited:
            return try await draftForm(
                request, code, values, [:], language, status: .tooManyRequests, formError: catalogs.text("eligibility_limited", language))
        }
    }

    /// Who failed attempts count against: the kiosk a staff member opened, else the address.
    static func client(_ context: WebContext) -> String {
        context.kiosk.map { "kiosk:\($0)" } ?? context.remoteAddress ?? "unknown"
    }

    // MARK: A petition and its signatures

    func show(
        _ request: Request, _ id: PetitionID, _ language: Language, notice: String? = nil, typed: (String, String) = ("", ""),
        failure: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let (petition, commune) = try await storage.transaction({ stores -> (Petition, PetitionCommune)? in
            guard let petition = try stores.petitions.find(id), let commune = try stores.petitions.commune(id: petition.communeID) else { return nil }
            return (petition, commune)
        }) else { throw HTTPError(.notFound) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            PetitionPage(
                record: PetitionRecord(petition, commune: commune, now: Date()), notice: notice, failure: failure, nationalID: typed.0,
                birthDate: typed.1, csrf: token.field, catalogs: catalogs, language: language),
            language: language, path: PetitionRoute.petition.path(String(id.rawValue)), status: status)
        response.setCookies([token.cookie])
        // The form may come back with an ID number typed into it: never kept by a shared browser's cache.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func sign(_ request: Request, _ context: WebContext, _ id: PetitionID, _ language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: Self.signLimit)
        let typed = (fields["national_id"] ?? "", fields["birth_date"] ?? "")
        if let problem = fields.problem {
            return try await show(request, id, language, typed: typed, failure: problem.message(catalogs, language), status: problem.status)
        }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let credential = VoterCredential.typed(nationalID: typed.0, birthDate: typed.1, code: "")
        func again(_ key: String, _ status: HTTPResponse.Status) async throws -> Response {
            try await show(request, id, language, typed: typed, failure: catalogs.text(key, language), status: status)
        }
        let outcome: SignPetition.Outcome
        do {
            outcome = try await SignPetition(storage: storage, secrets: secrets).execute(id, signer: credential, client: Self.client(context))
        } catch PetitionError.notFound {
            throw HTTPError(.notFound)
        } catch PetitionError.wrongState {
            return try await again("petition_not_collecting", .conflict)
        } catch let error as any StorageFailure where error.violatedRule == "petition_signatures_collecting" {
            // Filed between the check and the signature: the database had the last word.
            return try await again("petition_not_collecting", .conflict)
        }
        switch outcome {
        case .signed:
            return Response.redirect(to: PetitionRoute.petition.href(language, String(id.rawValue), query: "done=signed"), type: .normal)
        case .alreadySigned(let channel): return try await again("petition_already_signed_\(channel.rawValue)", .conflict)
        case .notIdentified: return try await again("petition_sign_not_found", .unprocessableContent)
        case .limited: return try await again("eligibility_limited", .tooManyRequests)
        }
    }
}

import Foundation
import Hummingbird
import MizanCore

/// Eligibility, the ballot of the cycle's kind, the receipt, and checking a ballot by its receipt.
struct VoteController {
    let storage: any Storage
    let identify: IdentifyVoter
    let cast: CastBallot
    let checkReceipt: CheckReceipt
    let pages: PageRenderer
    let csrf: CSRF
    let secrets: ServerSecrets
    let secureCookies: Bool
    var catalogs: Catalogs { pages.catalogs }

    init(storage: any Storage, ballotBox: any BallotBox, pages: PageRenderer, csrf: CSRF, secrets: ServerSecrets, secureCookies: Bool) {
        self.storage = storage
        identify = IdentifyVoter(storage: storage, secrets: secrets)
        cast = CastBallot(storage: storage, box: ballotBox, secrets: secrets)
        checkReceipt = CheckReceipt(storage: storage)
        self.pages = pages
        self.csrf = csrf
        self.secrets = secrets
        self.secureCookies = secureCookies
    }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.eligibility) { request, context in
            try await eligibilityForm(request, cycleID: context.parameters.require("id", as: CycleID.self), language: language)
        }
        group.post(.eligibility) { request, context in
            try await checkEligibility(request, context: context, cycleID: context.parameters.require("id", as: CycleID.self), language: language)
        }
        group.get(.ballot) { request, context in
            try await ballotForm(request, cycleID: context.parameters.require("id", as: CycleID.self), language: language)
        }
        group.post(.ballot) { request, context in
            try await castBallot(request, cycleID: context.parameters.require("id", as: CycleID.self), language: language)
        }
        group.get(.receiptLookup) { request, _ in
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            let normalized = (try? ReceiptCode(parsing: code).value) ?? "unknown"
            return Response.redirect(to: SiteURL.receipt(code: normalized).href(language), type: .normal)
        }
        group.get(.receipt) { request, context in
            try await receipt(context.parameters.require("code"), isNew: request.uri.queryParameters["new"] != nil, language: language)
        }
    }

    // MARK: Eligibility

    func eligibilityForm(
        _ request: Request, cycleID: CycleID, language: Language, failure: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let cycle = try await notFoundIfMissing { try await storage.transaction { try $0.cycles.require(cycleID) } }
        let token = csrf.prepare(request)
        var response = try pages.render(
            EligibilityPage(cycle: cycle, csrf: token.field, failure: failure, language: language),
            language: language, url: .eligibility(cycleID), status: cycle.phase == .voting ? status : .conflict)
        response.setCookies([token.cookie])
        return response
    }

    func checkEligibility(_ request: Request, context: WebContext, cycleID: CycleID, language: Language) async throws -> Response {
        let fields = try await FormFields.read(request)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let credential = VoterCredential.typed(
            nationalID: fields["national_id"] ?? "", birthDate: fields["birth_date"] ?? "", code: fields["code"] ?? "")
        let outcome: IdentifyVoter.Outcome
        do {
            outcome = try await notFoundIfMissing {
                try await identify.online(credential, cycle: cycleID, client: context.remoteAddress ?? "unknown")
            }
        } catch VoteError.notInVoting {
            return try await eligibilityForm(request, cycleID: cycleID, language: language)
        }
        switch outcome {
        case .limited:
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("eligibility_limited", language), status: .tooManyRequests)
        case .failed:
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("eligibility_failed", language), status: .unprocessableContent)
        case .identified(let voter):
            var response = Response.redirect(to: SiteURL.ballot(cycleID).href(language), type: .normal)
            response.setCookie(VoterSession(cycleID: cycleID, voter: voter).cookie(secrets, secure: secureCookies))
            return response
        }
    }

    // MARK: Ballot

    func ballotForm(
        _ request: Request, cycleID: CycleID, language: Language, chosen: [Int: Int] = [:], error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = VoterSession.read(request, cycleID: cycleID, secrets: secrets) else {
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("ballot_session_expired", language))
        }
        let ballot: BlankBallot
        do {
            ballot = try await notFoundIfMissing { try await cast.blankBallot(cycleID, for: session.voter.key) }
        } catch VoteError.notInVoting {
            return try await eligibilityForm(request, cycleID: cycleID, language: language)
        }
        let token = csrf.prepare(request)
        var response = try pages.render(
            BallotPage(ballot: ballot, chosen: chosen, error: error, csrf: token.field, catalogs: catalogs, language: language),
            language: language, url: .ballot(cycleID), status: status)
        response.setCookies([token.cookie])
        return response
    }

    func castBallot(_ request: Request, cycleID: CycleID, language: Language) async throws -> Response {
        let fields = try await FormFields.read(request)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        guard let session = VoterSession.read(request, cycleID: cycleID, secrets: secrets) else {
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("ballot_session_expired", language))
        }
        let (chosen, malformed) = Self.marks(in: fields)
        if malformed {
            return try await ballotForm(
                request, cycleID: cycleID, language: language, chosen: chosen,
                error: catalogs.text("ballot_error_bad_weight", language), status: .unprocessableContent)
        }
        let choices = chosen.sorted { $0.key < $1.key }.map { BallotChoice(proposalID: $0.key, weight: $0.value) }
        do {
            let receipt = try await notFoundIfMissing { try await cast(choices, by: session.voter, in: cycleID, channel: .web) }
            // The ballot box answers once the ballot is committed: only now is the voter told it is stored.
            var response = Response.redirect(
                to: SiteURL.receipt(code: receipt.code.value).href(language, query: [("new", receipt.replaced ? "replaced" : "1")]),
                type: .normal)
            response.setCookie(VoterSession.ending())
            return response
        } catch let error as VoteError {
            let message: String
            switch error {
            case .invalid(let ballotError): message = Self.message(for: ballotError, catalogs, language)
            case .alreadyVoted: message = catalogs.text("ballot_error_already_voted", language)
            case .notInVoting: message = catalogs.text("voting_closed", language)
            case .notEligible: message = catalogs.text("eligibility_failed", language)
            }
            return try await ballotForm(
                request, cycleID: cycleID, language: language, chosen: chosen, error: message,
                status: error == .alreadyVoted(channel: .paper) ? .conflict : .unprocessableContent)
        }
    }

    /// The marks of a ballot form: `project` checkboxes weigh 1, `weight_ID` fields their number (an
    /// empty field or 0 is no mark); `malformed` when a project or a weight is not a whole number.
    static func marks(in fields: FormFields) -> (chosen: [Int: Int], malformed: Bool) {
        var chosen: [Int: Int] = [:]
        var malformed = false
        for value in fields.all("project") {
            if let id = Int(value) { chosen[id] = 1 } else { malformed = true }
        }
        for (name, value) in fields.withPrefix("weight_") where !value.trimmingCharacters(in: .whitespaces).isEmpty {
            if let id = Int(name), let weight = Int(value.trimmingCharacters(in: .whitespaces)) {
                if weight != 0 { chosen[id] = weight }
            } else {
                malformed = true
            }
        }
        return (chosen, malformed)
    }

    static func message(for error: BallotError, _ catalogs: Catalogs, _ language: Language) -> String {
        switch error {
        case .empty: return catalogs.text("ballot_error_empty", language)
        case .unknownProject, .duplicateProject: return catalogs.text("ballot_error_unknown", language)
        case .tooFew(let minimum, let chosen):
            return catalogs.text("ballot_error_too_few", language, ["minimum": "\(minimum)", "chosen": "\(chosen)"])
        case .tooMany(let maximum, let chosen):
            return catalogs.text("ballot_error_too_many", language, ["maximum": "\(maximum)", "chosen": "\(chosen)"])
        case .overBudget(let total, let budget):
            return catalogs.text("ballot_error_over_budget", language, ["total": catalogs.money(total, language), "budget": catalogs.money(budget, language)])
        case .tooManyPoints(let total, let allowed):
            return catalogs.text("ballot_error_too_many_points", language, ["total": "\(total)", "allowed": "\(allowed)"])
        case .overCap(_, let points, let cap):
            return catalogs.text("ballot_error_over_cap", language, ["points": "\(points)", "cap": "\(cap)"])
        case .badWeight: return catalogs.text("ballot_error_bad_weight", language)
        case .badRanking: return catalogs.text("ballot_error_bad_ranking", language)
        }
    }

    // MARK: Receipt and check

    func receipt(_ text: String, isNew: Bool, language: Language) async throws -> Response {
        let code = try? ReceiptCode(parsing: text)
        var finding = CheckReceipt.Finding.unknown
        if let code { finding = try await checkReceipt(code) }
        return try pages.render(
            ReceiptPage(code: code?.value ?? text, finding: finding, isNew: isNew, catalogs: catalogs, language: language),
            language: language, url: .receipt(code: text), status: finding == .unknown && code != nil ? .notFound : .ok)
    }

    /// `work`, with a cycle that does not exist answered as a page that does not exist.
    func notFoundIfMissing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch CycleError.notFound {
            throw HTTPError(.notFound)
        }
    }
}

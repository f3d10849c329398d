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
        checkReceipt = CheckReceipt(storage: storage, secrets: secrets)
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
            let query = request.uri.queryParameters
            return try await ballotForm(
                request, cycleID: context.parameters.require("id", as: CycleID.self), language: language,
                filter: BallotFilter(category: query["category"].map(String.init) ?? "", district: query["district"].map(String.init) ?? ""))
        }
        group.post(.ballot) { request, context in
            try await castBallot(request, cycleID: context.parameters.require("id", as: CycleID.self), language: language)
        }
        // Checking a receipt is a POST and its answer a page of its own: a receipt code never
        // appears in an address, where access logs and a shared browser's history would keep it
        // beside a time and a client address.
        group.get(.receiptLookup) { request, _ in
            if let note = ReceiptNote.read(request, secrets: secrets) { return try justStored(note, request, language: language) }
            return try await receipt(request, code: nil, language: language)
        }
        group.post(.receiptLookup) { request, _ in
            let fields = try await FormFields.read(request, limit: .receipt)
            if let problem = fields.problem {
                var response = try await receipt(request, code: fields["code"] ?? "", language: language)
                response.status = problem.status
                return response
            }
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            return try await receipt(request, code: fields["code"] ?? "", language: language)
        }
        // Addresses of the former GET form still answer, without keeping the code in the address.
        group.get(.receipt) { _, _ in
            Response.redirect(to: SiteURL.receiptLookup.href(language), type: .normal)
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
        let fields = try await FormFields.read(request, limit: .eligibility)
        if let problem = fields.problem {
            var response = try await eligibilityForm(request, cycleID: cycleID, language: language, failure: problem.message(catalogs, language))
            response.status = problem.status
            return response
        }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let credential = VoterCredential.typed(
            nationalID: fields["national_id"] ?? "", birthDate: fields["birth_date"] ?? "", code: fields["code"] ?? "")
        let outcome: IdentifyVoter.Outcome
        do {
            outcome = try await notFoundIfMissing {
                // A kiosk opened by staff is limited as one client, whatever network it is on.
                try await identify.online(credential, cycle: cycleID, client: context.kiosk.map { "kiosk:\($0)" } ?? context.remoteAddress ?? "unknown")
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
        _ request: Request, cycleID: CycleID, language: Language, chosen: [Int: Int] = [:], proof: String = "",
        submission: SubmissionToken = .random(), filter: BallotFilter = BallotFilter(), error: String? = nil,
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
            BallotPage(
                ballot: ballot, chosen: chosen, proof: proof, error: error, csrf: token.field, submission: submission, filter: filter,
                catalogs: catalogs, language: language),
            language: language, url: .ballot(cycleID), status: status)
        response.setCookies([token.cookie])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func castBallot(_ request: Request, cycleID: CycleID, language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: .ballot, repeatable: ["project"])
        if let problem = fields.problem {
            var response = try await ballotForm(
                request, cycleID: cycleID, language: language, chosen: Self.marks(in: fields).chosen, error: problem.message(catalogs, language))
            response.status = problem.status
            return response
        }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        guard let session = VoterSession.read(request, cycleID: cycleID, secrets: secrets) else {
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("ballot_session_expired", language))
        }
        let (chosen, malformed) = Self.marks(in: fields)
        let proofText = (fields["receipt"] ?? "").trimmingCharacters(in: .whitespaces)
        let filter = BallotFilter(category: fields["category"] ?? "", district: fields["district"] ?? "")
        // The form comes back with what was typed and, unless it was not one, the same token: sent
        // again, it is still one submission.
        func again(_ message: String?, _ status: HTTPResponse.Status, submission: SubmissionToken? = nil) async throws -> Response {
            try await ballotForm(
                request, cycleID: cycleID, language: language, chosen: chosen, proof: proofText, submission: submission ?? .random(),
                filter: filter, error: message, status: status)
        }
        // "Update" (the filter, or the count without JavaScript) stores nothing: the same form comes
        // back with its marks, its token and the tally recomputed.
        if fields["action"] == "update" {
            let submission = try? SubmissionToken(parsing: fields["submission"] ?? "")
            return try await again(malformed ? catalogs.text("ballot_error_bad_weight", language) : nil, malformed ? .unprocessableContent : .ok, submission: submission)
        }
        guard let submission = try? SubmissionToken(parsing: fields["submission"] ?? "") else {
            return try await again(catalogs.text("ballot_error_stale_form", language), .unprocessableContent)
        }
        if malformed {
            return try await again(catalogs.text("ballot_error_bad_weight", language), .unprocessableContent, submission: submission)
        }
        var proof: ReceiptCode?
        if !proofText.isEmpty {
            guard let code = try? ReceiptCode(parsing: proofText) else {
                return try await again(catalogs.text("ballot_error_bad_receipt", language), .unprocessableContent, submission: submission)
            }
            proof = code
        }
        let choices = chosen.sorted { $0.key < $1.key }.map { BallotChoice(proposalID: $0.key, weight: $0.value) }
        do {
            let receipt = try await notFoundIfMissing {
                try await cast(choices, by: session.voter, in: cycleID, channel: session.voter.onlineChannel, submission: submission, replacing: proof)
            }
            // The ballot box answers once the ballot is committed: only now is the voter told it is
            // stored, on the receipt page, which takes the code from a cookie (`ReceiptNote`).
            var response = Response.redirect(to: SiteURL.receiptLookup.href(language), type: .normal)
            response.setCookies([
                ReceiptNote(cycleID: cycleID, code: receipt.code, replaced: receipt.replaced).cookie(secrets, secure: secureCookies),
                VoterSession.ending(),
            ])
            return response
        } catch let error as VoteError {
            switch error {
            case .invalid(let ballotError):
                return try await again(Self.message(for: ballotError, catalogs, language), .unprocessableContent, submission: submission)
            case .alreadyVoted(let channel):
                return try await again(
                    catalogs.text("ballot_error_already_voted", language), channel == .paper ? .conflict : .unprocessableContent,
                    submission: submission)
            case .needsReceipt:
                return try await again(catalogs.text("ballot_error_needs_receipt", language), .conflict, submission: submission)
            case .staleForm: return try await again(catalogs.text("ballot_error_stale_form", language), .conflict)
            case .notInVoting: return try await again(catalogs.text("voting_closed", language), .conflict, submission: submission)
            case .notEligible: return try await again(catalogs.text("eligibility_failed", language), .forbidden, submission: submission)
            }
        } catch let error as any StorageFailure where error.isUnavailable {
            // Perhaps stored, perhaps not: the same token sent again settles it without a second vote.
            var response = try await again(catalogs.text("ballot_error_unconfirmed", language), .serviceUnavailable, submission: submission)
            response.headers[.retryAfter] = "5"
            return response
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

    /// The receipt of the ballot just cast, shown once.
    func justStored(_ note: ReceiptNote, _ request: Request, language: Language) throws -> Response {
        let token = csrf.prepare(request)
        var response = try pages.render(
            ReceiptPage(
                code: note.code.value, finding: .counted(note.cycleID), isNew: true, replaced: note.replaced, csrf: token.field,
                catalogs: catalogs, language: language),
            language: language, url: .receiptLookup)
        response.setCookies([token.cookie, ReceiptNote.ending()])
        // A shared computer's back button must not bring a voter's receipt or ballot back.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The receipt check: the empty form, or what is known of `code`.
    func receipt(_ request: Request, code text: String?, language: Language) async throws -> Response {
        let code = text.flatMap { try? ReceiptCode(parsing: $0) }
        var finding = CheckReceipt.Finding.unknown
        if let code { finding = try await checkReceipt(code) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            ReceiptPage(
                code: code?.value ?? text ?? "", finding: finding, isNew: false, csrf: token.field, catalogs: catalogs, language: language,
                asked: text != nil),
            language: language, url: .receiptLookup, status: text != nil && finding == .unknown ? (code == nil ? .unprocessableContent : .notFound) : .ok)
        response.setCookies([token.cookie])
        response.headers[.cacheControl] = "no-store"
        return response
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

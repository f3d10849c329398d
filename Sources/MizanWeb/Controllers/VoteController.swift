import Foundation
import Hummingbird
import MizanCore
import MizanPostgres
import Synchronization
import PostgresDriver

/// Eligibility, the ballot of the cycle's kind, the receipt, and checking a ballot by its receipt.
struct VoteController {
    let pool: ConnectionPool
    let pages: PageRenderer
    let csrf: CSRF
    let secrets: ServerSecrets
    let secureCookies: Bool
    let committer: BallotCommitter
    let validators = ValidatorCache()
    var catalogs: Catalogs { pages.catalogs }

    /// Attempts allowed per client address and per registry entry within the window.
    static let attemptsPerClient = 30
    static let attemptsPerEntry = 5
    static let attemptWindowSeconds = 15 * 60

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get("cycles/:id/vote") { request, context in
            try await eligibilityForm(request, cycleID: context.parameters.require("id", as: Int.self), language: language)
        }
        group.post("cycles/:id/vote") { request, context in
            try await checkEligibility(request, context: context, cycleID: context.parameters.require("id", as: Int.self), language: language)
        }
        group.get("cycles/:id/ballot") { request, context in
            try await ballotForm(request, cycleID: context.parameters.require("id", as: Int.self), language: language)
        }
        group.post("cycles/:id/ballot") { request, context in
            try await castBallot(request, cycleID: context.parameters.require("id", as: Int.self), language: language)
        }
        group.get("receipts") { request, _ in
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            let normalized = (try? ReceiptCode(parsing: code).value) ?? "unknown"
            return Response.redirect(to: "/\(language.rawValue)/receipts/\(normalized)", type: .normal)
        }
        group.get("receipts/:code") { request, context in
            try await receipt(context.parameters.require("code"), isNew: request.uri.queryParameters["new"] != nil, language: language)
        }
    }

    // MARK: Eligibility

    func eligibilityForm(_ request: Request, cycleID: Int, language: Language, failure: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let cycle = try await loadCycle(cycleID)
        let token = csrf.prepare(request)
        var response = try pages.render(
            EligibilityPage(cycleID: cycle.id, cycleTitle: cycle.title, open: cycle.phase == .voting, csrf: token.field, failure: failure),
            language: language, path: "/cycles/\(cycleID)/vote", status: cycle.phase == .voting ? status : .conflict)
        response.setCookies([token.cookie])
        return response
    }

    func checkEligibility(_ request: Request, context: WebContext, cycleID: Int, language: Language) async throws -> Response {
        let fields = try await FormFields.read(request)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let cycle = try await loadCycle(cycleID)
        guard cycle.phase == .voting else { return try await eligibilityForm(request, cycleID: cycleID, language: language) }
        let client = "client:\(context.remoteAddress ?? "unknown")"
        let credential: (key: [UInt8], birthDate: String?)?
        let code = (fields["code"] ?? "").trimmingCharacters(in: .whitespaces)
        if !code.isEmpty {
            credential = (try? VotingCode(parsing: code)).map { (secrets.digest(of: $0), nil) }
        } else {
            let birth = RegistryFileReader.parseDate((fields["birth_date"] ?? "").trimmingCharacters(in: .whitespaces))
            credential = (try? NationalID(parsing: fields["national_id"] ?? "")).flatMap { id in
                birth.map { (secrets.digest(of: id), String(format: "%04d-%02d-%02d", $0.year, $0.month, $0.day)) }
            }
        }
        let entryKey = credential.map { "entry:\(Data($0.key).base64URLEncoded)" }
        let outcome = try await pool.withTransaction { connection -> EligibilityOutcome in
            let window = Self.attemptWindowSeconds
            let counts = try connection.query("""
                SELECT count(*) FILTER (WHERE key = \(client)), count(*) FILTER (WHERE key = \(entryKey ?? "-"))
                FROM eligibility_attempts WHERE key IN (\(client), \(entryKey ?? "-"))
                  AND attempted_at > now() - make_interval(secs => \(window))
                """).single()
            if try counts.decode(Int.self, 0) >= Self.attemptsPerClient || counts.decode(Int.self, 1) >= Self.attemptsPerEntry {
                return .limited
            }
            try connection.query("INSERT INTO eligibility_attempts (key) VALUES (\(client))")
            guard let credential else { return .failed }
            let match: Row?
            if let birthDate = credential.birthDate {
                match = try connection.query("""
                    SELECT district_id FROM registry_entries WHERE cycle_id = \(cycleID)
                      AND national_id_hmac = \(PostgresBytes(credential.key)) AND birth_date = \(birthDate)::date
                    """).first
            } else {
                match = try connection.query("""
                    SELECT district_id FROM voting_codes WHERE cycle_id = \(cycleID) AND code_hash = \(PostgresBytes(credential.key))
                    """).first
            }
            guard let match else {
                if let entryKey { try connection.query("INSERT INTO eligibility_attempts (key) VALUES (\(entryKey))") }
                return .failed
            }
            return .eligible(key: credential.key, district: try match.decodeIfPresent(Int.self, 0))
        }
        switch outcome {
        case .limited:
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("eligibility_limited", language), status: .tooManyRequests)
        case .failed:
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("eligibility_failed", language), status: .unprocessableContent)
        case .eligible(let key, let district):
            let session = VoterSession(
                cycleID: cycleID, voterKey: key, district: district, expires: Int(Date().timeIntervalSince1970 + VoterSession.lifetime))
            var response = Response.redirect(to: "/\(language.rawValue)/cycles/\(cycleID)/ballot", type: .normal)
            response.setCookie(session.cookie(secrets, secure: secureCookies))
            return response
        }
    }

    enum EligibilityOutcome: Sendable {
        case limited, failed
        case eligible(key: [UInt8], district: Int?)
    }

    // MARK: Ballot

    func ballotForm(
        _ request: Request, cycleID: Int, language: Language, chosen: [Int: Int] = [:], error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let session = VoterSession.read(request, cycleID: cycleID, secrets: secrets) else {
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("ballot_session_expired", language))
        }
        let (cycle, projects, voted) = try await pool.withConnection { connection in
            let cycle = try CycleStore.require(cycleID, on: connection)
            let projects = try ProposalStore.list(cycleID: cycleID, status: .accepted, on: connection)
            let voted = try connection.query("""
                SELECT channel FROM participation WHERE cycle_id = \(cycleID) AND voter_key = \(PostgresBytes(session.voterKey))
                """).first?.decode(String.self, 0)
            return (cycle, projects, voted)
        }
        guard cycle.phase == .voting else { return try await eligibilityForm(request, cycleID: cycleID, language: language) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            BallotPage(
                cycle: cycle, projects: projects, chosen: chosen, alreadyVoted: voted != nil, error: error, csrf: token.field,
                catalogs: catalogs, language: language),
            language: language, path: "/cycles/\(cycleID)/ballot", status: status)
        response.setCookies([token.cookie])
        return response
    }

    func castBallot(_ request: Request, cycleID: Int, language: Language) async throws -> Response {
        let fields = try await FormFields.read(request)
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        guard let session = VoterSession.read(request, cycleID: cycleID, secrets: secrets) else {
            return try await eligibilityForm(
                request, cycleID: cycleID, language: language, failure: catalogs.text("ballot_session_expired", language))
        }
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
        if malformed {
            return try await ballotForm(
                request, cycleID: cycleID, language: language, chosen: chosen,
                error: catalogs.text("ballot_error_bad_weight", language), status: .unprocessableContent)
        }
        let choices = chosen.sorted { $0.key < $1.key }.map { BallotChoice(proposalID: $0.key, weight: $0.value) }
        do {
            let (cycle, validator) = try await validators.get(cycleID, pool: pool)
            guard cycle.phase == .voting else { throw VoteError.notInVoting(cycle.phase) }
            let valid: [BallotChoice]
            do { valid = try validator.validate(choices) } catch { throw VoteError.invalid(error) }
            let receipt = try await committer.submit(
                BallotStore.Pending(cycle: cycle, voterKey: session.voterKey, district: session.district, channel: .web, choices: valid, secrets: secrets))
            // The transaction has committed: only now is the voter told the vote is stored.
            var response = Response.redirect(
                to: "/\(language.rawValue)/receipts/\(receipt.code.value)?new=\(receipt.replaced ? "replaced" : "1")", type: .normal)
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
        let found = try await pool.withConnection { connection -> (Int, Bool, PublishedBallotView?)? in
            guard let code, let row = try connection.query("""
                SELECT b.id, b.cycle_id FROM ballots b WHERE b.receipt_code = \(code.value)
                """).first else { return nil }
            let cycleID = try row.decode(Int.self, 1)
            let cycle = try CycleStore.require(cycleID, on: connection)
            guard cycle.phase >= .published else { return (cycleID, false, nil) }
            let ballot = try PublishedBallot.load(ballotID: try row.decode(Int64.self, 0), cycle: cycle, on: connection)
            return (cycleID, true, ballot.map { PublishedBallotView($0, cycleID: cycleID, catalogs: catalogs, language: language) })
        }
        return try pages.render(
            ReceiptPage(
                code: code?.value ?? text, found: found != nil, isNew: isNew, published: found?.1 ?? false, cycleID: found?.0,
                publishedBallot: found?.2.map { [$0] } ?? []),
            language: language, path: "/receipts/\(text)", status: found == nil && code != nil ? .notFound : .ok)
    }

    /// The cycle and its ballot rules, kept a few seconds: they are frozen while voting is open, and
    /// the database refuses a ballot once voting has closed whatever the cache says.
    final class ValidatorCache: Sendable {
        private let entries = Mutex<[Int: (Cycle, BallotValidator, ContinuousClock.Instant)]>([:])

        func get(_ cycleID: Int, pool: ConnectionPool) async throws -> (Cycle, BallotValidator) {
            if let cached = entries.withLock({ $0[cycleID] }), ContinuousClock.now - cached.2 < .seconds(5) {
                return (cached.0, cached.1)
            }
            let loaded = try await pool.withConnection { connection in
                let cycle = try CycleStore.require(cycleID, on: connection)
                return (cycle, try BallotStore.validator(for: cycle, on: connection))
            }
            entries.withLock { $0[cycleID] = (loaded.0, loaded.1, .now) }
            return loaded
        }
    }

    func loadCycle(_ id: Int) async throws -> Cycle {
        guard let cycle = try await pool.withConnection({ try CycleStore.find(id, on: $0) }) else { throw HTTPError(.notFound) }
        return cycle
    }
}

import Foundation
import Hummingbird
import MizanCore

/// A cycle as staff run it: its phase, rules and envelopes, what keeps it from its next phase,
/// and, for admins, moving it there after a confirmation page that says what becomes frozen. The
/// same `AdvanceCycle` use case as `mizan cycle advance` (closing voting mixes the sealed ballots
/// with the server secret, as the command does).
struct StaffCycleController {
    let storage: any Storage
    let secrets: ServerSecrets
    /// Tallies started here, run off the request.
    let tallies: TallyRuns
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffCycle) { request, context in
            let member = try context.requireRole(.admin, .reviewer, .auditor)
            let done = request.uri.queryParameters["done"].map(String.init).flatMap { ["advance", "tally", "publish", "implementation", "envelope", "created", "settings", "unchanged", "district"].contains($0) ? $0 : nil }
            return try await page(request, member: member, id: context.parameters.require("id", as: CycleID.self), confirming: false,
                                  notice: done.map { catalogs.text("staff_cycle_done_\($0)", language) }, language: language)
        }
        group.get(.staffCycleAdvance) { request, context in
            let member = try context.requireRole(.admin)
            return try await page(request, member: member, id: context.parameters.require("id", as: CycleID.self), confirming: true, notice: nil, language: language)
        }
        group.post(.staffCycleAdvance) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let fields = try await FormFields.read(request, limit: .staff)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            // The phase the form was shown for: a second click after someone else advanced the
            // cycle must not move it one step further.
            guard let from = fields["from"].flatMap(Phase.init(rawValue:)) else { throw HTTPError(.badRequest) }
            let current = try await storage.transaction { try $0.cycles.find(id) }
            guard let current else { throw HTTPError(.notFound) }
            guard current.phase == from else {
                return try await page(request, member: member, id: id, confirming: false,
                                      notice: catalogs.text("staff_cycle_moved_meanwhile", language), language: language, status: .conflict)
            }
            do {
                _ = try await AdvanceCycle(storage: storage, secrets: secrets).execute(id, actor: member.username)
            } catch CycleError.cannotAdvance {
                return try await page(request, member: member, id: id, confirming: true, notice: nil, language: language, status: .conflict)
            }
            return Response.redirect(to: SiteURL.staffCycle(id).href(language, query: [("done", "advance")]), type: .normal)
        }
        group.post(.staffImplementation) { request, context in
            let member = try context.requireRole(.admin)
            let project = try context.parameters.require("id", as: ProposalID.self)
            let fields = try await FormFields.read(request, limit: .review)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            let proposal = try await storage.transaction { try $0.proposals.find(project) }
            guard let proposal else { throw HTTPError(.notFound) }
            let cycle = CycleID(proposal.cycleID)
            let update: ImplementationUpdate
            do {
                update = try ImplementationUpdate(
                    parsingStatus: fields["status"] ?? "", progress: Int(fields["progress"] ?? "") ?? -1, spent: fields["spent"] ?? "",
                    note: (fields["note"]?.isEmpty ?? true) ? nil : fields["note"], link: fields["link"], reachedOn: fields["date"])
                try await RecordImplementationUpdate(storage: storage).execute(update, project: project, actor: member.username)
            } catch is ImplementationError {
                return try await page(request, member: member, id: cycle, confirming: false,
                                      notice: catalogs.text("staff_impl_error", language), language: language, status: .badRequest)
            }
            return Response.redirect(to: SiteURL.staffCycle(cycle).href(language, query: [("done", "implementation")]), type: .normal)
        }
        group.post(.staffCycleEnvelope) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let fields = try await FormFields.read(request, limit: .review)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            let district = fields["district"] ?? ""
            let typed = (fields["budget"] ?? "").trimmingCharacters(in: .whitespaces)
            let remove = fields["remove"] == "yes"
            let budget = remove ? nil : try? Money(parsing: typed)
            guard remove || budget != nil else {
                return try await page(request, member: member, id: id, confirming: false, notice: catalogs.text("staff_envelope_error", language),
                                      language: language, status: .badRequest, typedEnvelope: typed)
            }
            do {
                _ = try await SetDistrictEnvelope(storage: storage).execute(.init(cycle: id, district: district, budget: budget, actor: member.username))
            } catch CycleError.invalid {
                return try await page(request, member: member, id: id, confirming: false, notice: catalogs.text("staff_envelope_error", language),
                                      language: language, status: .badRequest, typedEnvelope: typed)
            }
            return Response.redirect(to: SiteURL.staffCycle(id).href(language, query: [("done", "envelope")]), type: .normal)
        }
        group.post(.staffCycleDistrict) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let fields = try await FormFields.read(request, limit: .district)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            let typed = ["name_fr": fields["name_fr"] ?? "", "name_ar": fields["name_ar"] ?? "", "population": fields["population"] ?? ""]
            func refuse(_ key: String) async throws -> Response {
                try await page(request, member: member, id: id, confirming: false, notice: catalogs.text(key, language),
                               language: language, status: .badRequest, typedDistrict: typed)
            }
            let cycle = try await storage.transaction { try $0.cycles.find(id) }
            guard let cycle else { throw HTTPError(.notFound) }
            let populationText = typed["population"]!.trimmingCharacters(in: .whitespaces)
            let population = populationText.isEmpty ? nil : Int(populationText)
            guard fields.problem == nil, populationText.isEmpty || (population ?? -1) >= 0 else { return try await refuse("staff_district_error") }
            do {
                let district = try NewDistrict(
                    communeCode: try GeoCode(parsing: cycle.communeCode), french: typed["name_fr"]!, arabic: typed["name_ar"]!, population: population)
                _ = try await AddDistrict(storage: storage).execute(district, actor: member.username)
            } catch DistrictError.duplicate {
                return try await refuse("staff_district_duplicate")
            } catch is DistrictError {
                return try await refuse("staff_district_error")
            }
            return Response.redirect(to: SiteURL.staffCycle(id).href(language, query: [("done", "district")]), type: .normal)
        }
        group.post(.staffCycleTally) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let fields = try await FormFields.read(request, limit: .staff)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            switch await tallies.start(id, by: member.username, storage: storage) {
            case nil:
                return try await page(request, member: member, id: id, confirming: false,
                                      notice: catalogs.text("staff_tally_already_running", language), language: language, status: .conflict)
            case .failed(let error?):
                return try await page(request, member: member, id: id, confirming: false, notice: Self.sentence(error, catalogs, language),
                                      language: language, status: .conflict)
            case .failed(nil):
                throw HTTPError(.internalServerError)
            case .running:
                return Response.redirect(to: SiteURL.staffCycle(id).href(language), type: .normal)
            case .finished:
                return Response.redirect(to: SiteURL.staffCycle(id).href(language, query: [("done", "tally")]), type: .normal)
            }
        }
        group.post(.staffCyclePublish) { request, context in
            let member = try context.requireRole(.admin)
            let id = try context.parameters.require("id", as: CycleID.self)
            let fields = try await FormFields.read(request, limit: .staff)
            guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
            do {
                _ = try await PublishOutcome(storage: storage).execute(
                    .init(cycle: id, actor: member.username, confirmSmall: fields["confirm_small"] == "yes"))
            } catch let error as TallyError {
                return try await page(request, member: member, id: id, confirming: false, notice: Self.sentence(error, catalogs, language),
                                      language: language, status: .conflict)
            }
            return Response.redirect(to: SiteURL.staffCycle(id).href(language, query: [("done", "publish")]), type: .normal)
        }
    }

    /// A refused tally or publication in the page's words.
    static func sentence(_ error: TallyError, _ catalogs: Catalogs, _ language: Language) -> String {
        switch error {
        case .exposesVoters: catalogs.text("staff_cycle_exposes_voters", language)
        case .nothingToPublish: catalogs.text("staff_cycle_nothing_to_publish", language)
        case .noProjects: catalogs.text("staff_cycle_no_projects", language)
        case .wrongPhase, .invalid: catalogs.text("staff_cycle_wrong_phase", language)
        }
    }

    func page(
        _ request: Request, member: StaffMember, id: CycleID, confirming: Bool, notice: String?, language: Language,
        status: HTTPResponse.Status = .ok, typedEnvelope: String = "", typedDistrict: [String: String] = [:]
    ) async throws -> Response {
        let (cycle, obstacles) = try await {
            do { return try await ShowCycle(storage: storage).execute(id) } catch CycleError.notFound { throw HTTPError(.notFound) }
        }()
        let (envelopes, outcome, districts) = try await storage.transaction { stores in
            (try stores.cycles.envelopeList(id), cycle.phase >= .published ? try stores.tallies.published(cycle: id) : nil,
             try stores.districts.list(commune: CommuneID(cycle.communeID)))
        }
        let tallyState = await tallies.state(of: id)
        let token = csrf.prepare(request)
        var response = try pages.render(
            StaffCyclePage(
                cycle: cycle, obstacles: obstacles, envelopes: envelopes, funded: outcome?.scopes.flatMap { $0.projects.filter(\.funded) } ?? [],
                districts: districts, typedEnvelope: typedEnvelope, typedDistrict: typedDistrict, tally: tallyState, mayAdvance: member.role == .admin, confirming: confirming, notice: notice, csrf: token.field, catalogs: catalogs, language: language,
                role: member.role),
            language: language, url: confirming ? .staffCycleAdvance(id) : .staffCycle(id), status: status)
        response.setCookies([token.cookie])
        return response
    }
}

/// The staff view of a cycle, or the confirmation before moving it to its next phase.
struct StaffCyclePage: PageModel {
    let template = "staff_cycle"
    let heading: String
    let staffHomeHref: String
    let notice: [String]
    let phase: String
    let budget: String
    let ballotRule: String
    let winnerRule: String
    let countingNotes: [String]
    let envelopes: [String]
    let hasEnvelopes: Bool
    let next: [String]
    let obstacles: [String]
    let hasObstacles: Bool
    let advanceHref: [String]
    let confirming: Bool
    let frozen: [String]
    let action: String
    let from: String
    let csrf: String
    let cycleHref: String
    /// This page again (to see whether a running tally is done).
    let cycleStaffHref: String
    /// Before voting, for admins: the form that corrects the cycle's settings.
    let settingsHref: [String]
    /// The announced dates, one sentence each.
    let dates: [String]
    /// In the tallied phase, for admins: storing the outcome and publishing it.
    let mayTally: Bool
    /// A tally started from this page that is still running, or that failed after the page answered.
    let tallyStatus: [String]
    let tallyRunning: Bool
    let tallyAction: String
    let publishAction: String
    /// Once published, for admins: a progress form per funded project.
    let implementation: [ImplementationForm]
    let hasImplementation: Bool
    let statuses: [Option]
    /// Before voting, for admins: set or remove a district's envelope.
    let mayEditEnvelopes: Bool
    let envelopeAction: String
    let districtOptions: [Option]
    let typedEnvelope: String
    /// Before voting, for admins: add a district to the commune.
    let mayAddDistrict: Bool
    let districtAction: String
    let typedDistrictFrench: String
    let typedDistrictArabic: String
    let typedDistrictPopulation: String
    /// Links to the registry, codes and export pages (`staff_cycle_uploads`).
    let uploads: StaffUploadLinks

    struct ImplementationForm {
        let title: String
        let action: String
        let anchor: String
    }

    struct Option {
        let value: String
        let label: String
    }

    init(
        cycle: Cycle, obstacles: [AdvanceObstacle], envelopes: [DistrictEnvelope], funded: [PublishedOutcome.Project], districts: [District],
        typedEnvelope: String, typedDistrict: [String: String], tally: TallyRuns.State?, mayAdvance: Bool, confirming: Bool, notice: String?, csrf: String,
        catalogs: Catalogs, language: Language, role: StaffRole? = nil
    ) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        let id = CycleID(cycle.id)
        heading = cycle.title
        staffHomeHref = StaffController.homeHref(language)
        self.notice = notice.map { [$0] } ?? []
        phase = text("phase_\(cycle.phase.rawValue)")
        budget = catalogs.money(cycle.budget, language)
        ballotRule = CyclePage.ballotRule(cycle, catalogs, language)
        winnerRule = text("rule_\(cycle.rule.rawValue)")
        countingNotes = CountingNotes.sentences(cycle, catalogs, language)
        self.envelopes = envelopes.map {
            text("staff_cycle_envelope", ["name": PlaceName($0.name, language).primary, "amount": catalogs.money($0.budget, language)])
        }
        hasEnvelopes = !envelopes.isEmpty
        let nextPhase = cycle.phase.next
        next = nextPhase.map { [text("staff_cycle_next", ["phase": text("phase_\($0.rawValue)")])] } ?? []
        self.obstacles = obstacles.map { Self.sentence($0, catalogs, language) }
        hasObstacles = !obstacles.isEmpty
        advanceHref = mayAdvance && nextPhase != nil && obstacles.isEmpty && !confirming ? [SiteURL.staffCycleAdvance(id).href(language)] : []
        self.confirming = confirming && mayAdvance && nextPhase != nil && obstacles.isEmpty
        frozen = nextPhase.map { [text("staff_cycle_frozen_\($0.rawValue)")] } ?? []
        action = SiteURL.staffCycleAdvance(id).href(language)
        from = cycle.phase.rawValue
        self.csrf = csrf
        cycleHref = SiteURL.cycle(id).href(language)
        cycleStaffHref = SiteURL.staffCycle(id).href(language)
        settingsHref = mayAdvance && cycle.phase < .voting ? [SiteURL.staffCycleSettings(id).href(language)] : []
        dates = CyclePage.dates(cycle.schedule, catalogs, language)
        switch tally {
        case .running(let since, let by, let read):
            tallyStatus = [text("staff_tally_running", ["time": catalogs.date(since, language, withTime: true), "name": by, "count": catalogs.number(read)])]
            tallyRunning = true
        case .failed(let error?) where cycle.phase == .tallied:
            tallyStatus = [StaffCycleController.sentence(error, catalogs, language)]
            tallyRunning = false
        case .failed(nil) where cycle.phase == .tallied:
            tallyStatus = [text("staff_tally_failed")]
            tallyRunning = false
        default:
            tallyStatus = []
            tallyRunning = false
        }
        mayTally = mayAdvance && cycle.phase == .tallied && !tallyRunning
        tallyAction = SiteURL.staffCycleTally(id).href(language)
        publishAction = SiteURL.staffCyclePublish(id).href(language)
        implementation = mayAdvance ? funded.map {
            ImplementationForm(title: $0.title, action: SiteURL.staffImplementation($0.id).href(language), anchor: "impl-\($0.id)")
        } : []
        hasImplementation = !implementation.isEmpty
        statuses = ImplementationStatus.allCases.map { Option(value: $0.rawValue, label: text("impl_status_\($0.rawValue)")) }
        mayEditEnvelopes = mayAdvance && cycle.phase < .voting && !districts.isEmpty
        envelopeAction = SiteURL.staffCycleEnvelope(id).href(language)
        districtOptions = districts.map { Option(value: String($0.id), label: PlaceName($0.name, language).primary) }
        self.typedEnvelope = typedEnvelope
        mayAddDistrict = mayAdvance && cycle.phase < .voting
        districtAction = SiteURL.staffCycleDistrict(id).href(language)
        typedDistrictFrench = typedDistrict["name_fr"] ?? ""
        typedDistrictArabic = typedDistrict["name_ar"] ?? ""
        typedDistrictPopulation = typedDistrict["population"] ?? ""
        uploads = StaffUploadLinks(cycle: id, role: role, catalogs: catalogs, language: language)
    }

    /// What keeps the cycle from its next phase, in the reader's language.
    static func sentence(_ obstacle: AdvanceObstacle, _ catalogs: Catalogs, _ language: Language) -> String {
        var values: [String: String] = [:]
        switch obstacle {
        case .awaitingReview(let count): values["count"] = catalogs.number(count)
        case .tooFewForMinimum(let minimum, let accepted): values = ["minimum": catalogs.number(minimum), "accepted": catalogs.number(accepted)]
        case .envelopesDiffer(let total, let budget): values = ["total": catalogs.money(total, language), "budget": catalogs.money(budget, language)]
        case .noProposal, .noneAccepted, .nobodyCanVote, .publishFirst, .lastPhase: break
        }
        return catalogs.text("obstacle_\(obstacle.kind.replacingOccurrences(of: "-", with: "_"))", language, values)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { heading }
}

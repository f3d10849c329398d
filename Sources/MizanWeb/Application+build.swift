import Hummingbird
import Logging
import MizanCore
import NIOCore
import ServiceLifecycle

/// What the site runs on, given by the caller so the web never names a database: the storage every
/// use case reads and writes, the ballot box votes go into, and the services that must run beside
/// the server (the database pool, the ballot committer), stopped in reverse order after it.
public struct SiteBackend: Sendable {
    public let storage: any Storage
    public let ballotBox: any BallotBox
    public let services: [any Service]
    /// Names of the migrations not applied yet (none: ready); throws when the database cannot be
    /// reached. Behind `/ready`. By default only reaches the database.
    public let readiness: @Sendable () async throws -> [String]
    /// Where requests and identifications are counted, when the site is watched (`/metrics`).
    public let metrics: SiteMetrics?
    /// The boxes paper ballots go through (one transaction each, or none for a check); without
    /// them the staff paper page says it is unavailable.
    public let paperBoxes: PaperBallotBoxes?

    public init(
        storage: any Storage, ballotBox: any BallotBox, services: [any Service],
        readiness: (@Sendable () async throws -> [String])? = nil, metrics: SiteMetrics? = nil, paperBoxes: PaperBallotBoxes? = nil
    ) {
        self.paperBoxes = paperBoxes
        self.storage = storage
        self.ballotBox = ballotBox
        self.services = services
        self.readiness = readiness ?? { try await storage.ping(); return [] }
        self.metrics = metrics
    }
}

/// A box that stores each paper ballot in its own transaction, and one that checks and stores
/// nothing (a count sheet's dry run).
public struct PaperBallotBoxes: Sendable {
    public let direct: any BallotBox
    public let rehearsal: any BallotBox

    public init(direct: any BallotBox, rehearsal: any BallotBox) {
        self.direct = direct
        self.rehearsal = rehearsal
    }
}

/// Builds the web application. Used by `mizan serve` and by the tests, which run it on a real
/// socket against a real database.
///
/// Every page lives under a language prefix (`/ar/`, `/fr/`, `/en/`, `/zgh/`); unprefixed
/// addresses redirect to the visitor's language.
public func buildApplication(
    configuration: WebConfiguration, backend: SiteBackend, secrets: ServerSecrets, logger: Logger = Logger(label: "mizan.web"),
    onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let storage = backend.storage
    let pages = try PageRenderer()
    // HEAD is answered by every GET route, headers and all, without the body (a monitor checking
    // `/health` with HEAD must not see the site as down).
    let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
    if let metrics = backend.metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
    router.add(middleware: HeadRequestMiddleware())
    router.add(middleware: CacheValidationMiddleware(maxAge: configuration.publicMaxAgeSeconds))
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: configuration.secureCookies))
    router.add(middleware: APIMethodsMiddleware())
    router.add(middleware: ErrorPageMiddleware(pages: pages, retryAfterSeconds: configuration.retryAfterSeconds, logger: logger))
    router.add(middleware: OriginCheckMiddleware())
    router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies, secrets: secrets))
    router.add(middleware: LanguageCookieMiddleware(secureCookies: configuration.secureCookies))
    router.add(middleware: StaffAccessMiddleware(storage: storage, pages: pages, policy: .standard))
    router.add(middleware: PublishedAnswerMiddleware(storage: storage, cache: PublishedAnswerCache(), metrics: backend.metrics))

    HealthRoutes(readiness: backend.readiness, retryAfterSeconds: configuration.retryAfterSeconds).addRoutes(to: router)
    try StaticController(pages: pages).addRoutes(to: router)
    let openData = try OpenDataController(storage: storage, secrets: secrets, logger: logger)
    openData.addRoutes(to: router)
    PetitionAPIController(storage: storage, openData: openData, logger: logger).addRoutes(to: router)

    let geographyRepository = StoredGeography(storage: storage)
    let geography = GeographyController(repository: geographyRepository, storage: storage, pages: pages)
    let cycles = CycleController(storage: storage, pages: pages, secrets: secrets)
    let overview = OverviewController(repository: geographyRepository, storage: storage, pages: pages)
    let csrf = CSRF(secrets: secrets, secureCookies: configuration.secureCookies)
    let proposals = ProposalController(storage: storage, pages: pages, csrf: csrf)
    let staff = StaffController(storage: storage, pages: pages, csrf: csrf, secureCookies: configuration.secureCookies, policy: .standard)
    let kiosk = KioskController(
        storage: storage, pages: pages, csrf: csrf,
        passes: KioskPass.Issuer(secrets: secrets, secure: configuration.secureCookies, lifetime: StaffAccessPolicy.standard.absoluteLifetime))
    let analysis = AnalysisController(storage: storage, pages: pages, csrf: csrf, cache: AnalysisCache(), scopeCache: AnalysisCache(), marginalCache: AnalysisCache(), wait: .seconds(10))
    let votes = VoteController(
        storage: storage, ballotBox: backend.ballotBox, pages: pages, csrf: csrf, secrets: secrets, secureCookies: configuration.secureCookies)
    let tallies = TallyRuns(wait: configuration.tallyWait)
    for language in Language.allCases {
        let group = router.group(RouterPath(language.rawValue))
        geography.addRoutes(to: group, language: language)
        overview.addRoutes(to: group, language: language)
        cycles.addRoutes(to: group, language: language)
        proposals.addRoutes(to: group, language: language)
        votes.addRoutes(to: group, language: language)
        staff.addRoutes(to: group, language: language)
        kiosk.addRoutes(to: group, language: language)
        DashboardController(storage: storage, pages: pages).addRoutes(to: group, language: language)
        analysis.addRoutes(to: group, language: language)
        ReviewController(storage: storage, pages: pages, csrf: csrf).addRoutes(to: group, language: language)
        PaperBallotController(storage: storage, boxes: backend.paperBoxes, secrets: secrets, pages: pages, csrf: csrf)
            .addRoutes(to: group, language: language)
        StaffCycleController(storage: storage, secrets: secrets, tallies: tallies, pages: pages, csrf: csrf).addRoutes(to: group, language: language)
        CycleSettingsController(storage: storage, pages: pages, csrf: csrf).addRoutes(to: group, language: language)
        let forms = CycleForms(storage: storage, secrets: secrets, pages: pages, csrf: csrf)
        RegistryImportController(forms: forms).addRoutes(to: group, language: language)
        VotingCodesController(forms: forms).addRoutes(to: group, language: language)
        ExportDownloadController(forms: forms).addRoutes(to: group, language: language)
        PetitionController(storage: storage, pages: pages, csrf: csrf, secrets: secrets).addRoutes(to: group, language: language)
        SupportController(storage: storage, pages: pages, csrf: csrf, secrets: secrets).addRoutes(to: group, language: language)
    }
    router.get("/") { request, _ in LanguageRouting.redirect(request) }
    for legacy in ["search", "regions/:code", "provinces/:code", "communes/:code", "cycles/:id"] {
        router.get(RouterPath(legacy)) { request, _ in LanguageRouting.redirect(request) }
    }

    let headerTimeout = Int64(configuration.headerTimeoutSeconds * 1e9)
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestHeadTimeout(timeout: .nanoseconds(headerTimeout))],
                idleTimeout: .nanoseconds(Int64(configuration.idleTimeoutSeconds * 1e9)))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Mizan"),
        services: backend.services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
}

import Foundation
import Hummingbird
import MizanCore

/// Every page address of the site, defined once: the router registers `pattern`, and every link,
/// in Swift and (through page models) in templates, is built by `SiteURL`, which fills the same
/// pattern. A link therefore cannot point where no route answers.
///
/// Patterns are relative to the language prefix (`/ar/`, `/fr/`, `/en/`, `/zgh/`).
enum SiteRoute: String, CaseIterable, Sendable {
    case home = "/"
    case search = "search"
    case region = "regions/:code"
    case regionOverview = "regions/:code/overview"
    case regionOverviewCSV = "regions/:code/overview.csv"
    case province = "provinces/:code"
    case provinceOverview = "provinces/:code/overview"
    case provinceOverviewCSV = "provinces/:code/overview.csv"
    case commune = "communes/:code"
    case cycle = "cycles/:id"
    case cycleResults = "cycles/:id/results"
    case cycleParticipation = "cycles/:id/participation"
    case cycleParticipationFile = "cycles/:id/participation/:file"
    case propose = "cycles/:id/propose"
    case cycleProposals = "cycles/:id/proposals"
    case proposal = "proposals/:id"
    case tracking = "track/:token"
    case eligibility = "cycles/:id/vote"
    case ballot = "cycles/:id/ballot"
    case receiptLookup = "receipts"
    case receipt = "receipts/:code"
    case staffLogin = "staff/login"
    case staffLogout = "staff/logout"
    case staffHome = "staff"
    case staffKiosk = "staff/kiosk"
    case staffParticipation = "staff/cycles/:id/participation"
    case staffParticipationFile = "staff/cycles/:id/participation/:file"
    case staffAnalysis = "staff/cycles/:id/analysis"
    case staffAnalysisFile = "staff/cycles/:id/analysis/:file"
    case staffReview = "staff/cycles/:id/review"
    case staffProposalReview = "staff/proposals/:id/review"
    case staffPaper = "staff/cycles/:id/paper"
    case staffCycle = "staff/cycles/:id"
    case staffCycleNew = "staff/cycles/new"
    case staffCycleSettings = "staff/cycles/:id/settings"
    case staffCycleDistrict = "staff/cycles/:id/districts"
    case staffCycleAdvance = "staff/cycles/:id/advance"
    case staffCycleTally = "staff/cycles/:id/tally"
    case staffCyclePublish = "staff/cycles/:id/publish"
    case staffImplementation = "staff/proposals/:id/implementation"
    case staffCycleEnvelope = "staff/cycles/:id/envelope"
    case staffPaperCounts = "staff/cycles/:id/paper/counts"
    case staffPaperOne = "staff/cycles/:id/paper/one"
    // Uploads and downloads: the registry, printed codes, a count sheet as a file, the export.
    case staffCycleRegistry = "staff/cycles/:id/registry"
    case staffCycleCodes = "staff/cycles/:id/codes"
    case staffPaperFile = "staff/cycles/:id/paper/file"
    case staffCycleExport = "staff/cycles/:id/export"

    /// The pattern the router matches.
    var pattern: RouterPath { RouterPath(rawValue) }

    /// The names of the pattern's parameters, in order.
    var parameterNames: [String] {
        rawValue.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The pattern with each parameter replaced by the next value, percent-encoded.
    func path(_ values: [String]) -> String {
        if self == .home { return "" }
        precondition(values.count == parameterNames.count, "\(rawValue) takes \(parameterNames.count) value(s)")
        var remaining = values[...]
        return rawValue.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            return SiteURL.encodeSegment(remaining.removeFirst())
        }.joined(separator: "/")
    }
}

/// A page address with its values: `SiteURL.cycle(id).href(.fr)` is `/fr/cycles/12`.
enum SiteURL: Hashable, Sendable {
    case home
    case search
    case region(code: String)
    case regionOverview(code: String)
    case regionOverviewCSV(code: String)
    case province(code: String)
    case provinceOverview(code: String)
    case provinceOverviewCSV(code: String)
    case commune(code: String)
    case cycle(CycleID)
    case cycleResults(CycleID)
    case cycleParticipation(CycleID)
    case cycleParticipationFile(CycleID, file: String)
    case propose(CycleID)
    case cycleProposals(CycleID)
    case proposal(ProposalID)
    case tracking(token: String)
    case eligibility(CycleID)
    case ballot(CycleID)
    case receiptLookup
    case receipt(code: String)
    case staffLogin
    case staffLogout
    case staffHome
    case staffKiosk
    case staffParticipation(CycleID)
    case staffParticipationFile(CycleID, file: String)
    case staffAnalysis(CycleID)
    case staffAnalysisFile(CycleID, file: String)
    case staffReview(CycleID)
    case staffProposalReview(ProposalID)
    case staffPaper(CycleID)
    case staffCycleNew
    case staffCycleSettings(CycleID)
    case staffCycleDistrict(CycleID)
    case staffPaperCounts(CycleID)
    case staffPaperOne(CycleID)
    case staffCycle(CycleID)
    case staffCycleAdvance(CycleID)
    case staffCycleTally(CycleID)
    case staffCyclePublish(CycleID)
    case staffImplementation(ProposalID)
    case staffCycleEnvelope(CycleID)
    case staffCycleRegistry(CycleID)
    case staffCycleCodes(CycleID)
    case staffPaperFile(CycleID)
    case staffCycleExport(CycleID)

    var route: SiteRoute {
        switch self {
        case .home: .home
        case .search: .search
        case .region: .region
        case .regionOverview: .regionOverview
        case .regionOverviewCSV: .regionOverviewCSV
        case .province: .province
        case .provinceOverview: .provinceOverview
        case .provinceOverviewCSV: .provinceOverviewCSV
        case .commune: .commune
        case .cycle: .cycle
        case .cycleResults: .cycleResults
        case .cycleParticipation: .cycleParticipation
        case .cycleParticipationFile: .cycleParticipationFile
        case .propose: .propose
        case .cycleProposals: .cycleProposals
        case .proposal: .proposal
        case .tracking: .tracking
        case .eligibility: .eligibility
        case .ballot: .ballot
        case .receiptLookup: .receiptLookup
        case .receipt: .receipt
        case .staffLogin: .staffLogin
        case .staffLogout: .staffLogout
        case .staffHome: .staffHome
        case .staffKiosk: .staffKiosk
        case .staffParticipation: .staffParticipation
        case .staffParticipationFile: .staffParticipationFile
        case .staffAnalysis: .staffAnalysis
        case .staffAnalysisFile: .staffAnalysisFile
        case .staffReview: .staffReview
        case .staffProposalReview: .staffProposalReview
        case .staffPaper: .staffPaper
        case .staffPaperCounts: .staffPaperCounts
        case .staffPaperOne: .staffPaperOne
        case .staffCycle: .staffCycle
        case .staffCycleNew: .staffCycleNew
        case .staffCycleSettings: .staffCycleSettings
        case .staffCycleDistrict: .staffCycleDistrict
        case .staffCycleAdvance: .staffCycleAdvance
        case .staffCycleTally: .staffCycleTally
        case .staffCyclePublish: .staffCyclePublish
        case .staffImplementation: .staffImplementation
        case .staffCycleEnvelope: .staffCycleEnvelope
        case .staffCycleRegistry: .staffCycleRegistry
        case .staffCycleCodes: .staffCycleCodes
        case .staffPaperFile: .staffPaperFile
        case .staffCycleExport: .staffCycleExport
        }
    }

    private var values: [String] {
        switch self {
        case .home, .search, .receiptLookup, .staffLogin, .staffLogout, .staffHome, .staffKiosk, .staffCycleNew: []
        case .region(let code), .regionOverview(let code), .regionOverviewCSV(let code), .province(let code),
            .provinceOverview(let code), .provinceOverviewCSV(let code), .commune(let code), .receipt(let code):
            [code]
        case .tracking(let token): [token]
        case .cycle(let id), .cycleResults(let id), .cycleParticipation(let id), .propose(let id), .cycleProposals(let id),
            .eligibility(let id), .ballot(let id), .staffParticipation(let id), .staffAnalysis(let id), .staffReview(let id), .staffPaper(let id),
            .staffPaperCounts(let id), .staffPaperOne(let id), .staffCycle(let id), .staffCycleAdvance(let id), .staffCycleSettings(let id), .staffCycleDistrict(let id),
            .staffCycleTally(let id), .staffCyclePublish(let id), .staffCycleEnvelope(let id):
            [id.description]
        case .staffCycleRegistry(let id), .staffCycleCodes(let id), .staffPaperFile(let id), .staffCycleExport(let id):
            [id.description]
        case .cycleParticipationFile(let id, let file), .staffParticipationFile(let id, let file), .staffAnalysisFile(let id, let file):
            [id.description, file]
        case .proposal(let id), .staffProposalReview(let id), .staffImplementation(let id): [id.description]
        }
    }

    /// The address without the language prefix, starting with `/` (what the language menu adds a
    /// prefix to).
    var path: String { "/" + route.path(values) }

    /// The address in `language`, with an optional query (names and values percent-encoded).
    func href(_ language: Language, query: [(String, String)] = []) -> String {
        var text = "/\(language.rawValue)\(path)"
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.encodeQuery($0.0))=\(Self.encodeQuery($0.1))" }.joined(separator: "&")
        }
        return text
    }

    static func encodeSegment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? value
    }

    static func encodeQuery(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value
    }

    private static let segmentAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~")
        return set
    }()

    private static let queryAllowed = segmentAllowed
}

extension RouterGroup {
    /// Registers a GET handler for one of the site's routes.
    @discardableResult
    func get(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(route.pattern, use: handler)
    }

    /// Registers a POST handler for one of the site's routes.
    @discardableResult
    func post(
        _ route: SiteRoute, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        post(route.pattern, use: handler)
    }
}

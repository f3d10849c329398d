import Foundation
import Hummingbird
import MizanCore

/// What the staff pages for one cycle's files (registry, codes, export) share: the storage and
/// secret their use cases run on, and rendering their page with a fresh CSRF token (its cookie
/// set when the browser has none yet).
struct CycleForms: Sendable {
    let storage: any Storage
    let secrets: ServerSecrets
    let pages: PageRenderer
    let csrf: CSRF
    var catalogs: Catalogs { pages.catalogs }

    /// The page `model` makes from the cycle and the form's CSRF field; 404 for no such cycle.
    func page<Page: PageModel>(
        _ request: Request, cycle id: CycleID, url: SiteURL, language: Language, status: HTTPResponse.Status = .ok,
        _ model: (Cycle, String) -> Page
    ) async throws -> Response {
        guard let cycle = try await storage.transaction({ try $0.cycles.find(id) }) else { throw HTTPError(.notFound) }
        let token = csrf.prepare(request)
        var response = try pages.render(model(cycle, token.field), language: language, url: url, status: status)
        response.setCookies([token.cookie])
        return response
    }
}

/// The head every such page shows (crumbs back to the staff home and the cycle, the title) and
/// what its form posts with (`staff_cycle_form_head`).
struct CycleFormFrame {
    let heading: String
    let cycleTitle: String
    let staffHomeHref: String
    let staffCycleHref: String
    let action: String
    let csrf: String
    /// Lists of zero or one item: templates see an absent optional as a value, not as nothing.
    let message: [String]

    init(cycle: Cycle, heading: String, action: SiteURL, csrf: String, message: String?, language: Language) {
        self.heading = heading
        cycleTitle = cycle.title
        staffHomeHref = StaffController.homeHref(language)
        staffCycleHref = SiteURL.staffCycle(CycleID(cycle.id)).href(language)
        self.action = action.href(language)
        self.csrf = csrf
        self.message = message.map { [$0] } ?? []
    }
}

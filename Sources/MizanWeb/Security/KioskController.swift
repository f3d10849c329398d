import Foundation
import Hummingbird
import MizanCore

/// The staff page that makes this browser a kiosk, or stops it being one. It lives under
/// `/{lang}/staff/`, so only a signed-in staff member reaches it. Opening a kiosk also signs the
/// staff member out on this browser: citizens will use it, and must not find staff pages open.
struct KioskController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    let passes: KioskPass.Issuer

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffKiosk) { request, context in
            try render(request, active: context.kiosk != nil, opened: false, language)
        }
        group.post(.staffKiosk) { request, context in try await change(request, context: context, language) }
    }

    func render(_ request: Request, active: Bool, opened: Bool, _ language: Language, extra cookies: [Cookie] = []) throws -> Response {
        let token = csrf.prepare(request)
        var response = try pages.render(
            KioskPage(active: active, opened: opened, hours: Int(passes.lifetime / 3600), csrf: token.field, catalogs: pages.catalogs, language: language),
            language: language, url: .staffKiosk)
        response.setCookies([token.cookie] + cookies)
        return response
    }

    /// `action=open` or `action=close`.
    func change(_ request: Request, context: WebContext, _ language: Language) async throws -> Response {
        let fields = try await FormFields.read(request, limit: .staff)
        if let problem = fields.problem { throw HTTPError(problem.status) }
        guard csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        guard let member = context.staff else { throw HTTPError(.forbidden) }
        switch fields["action"] {
        case "open":
            if let token = request.cookies[StaffSessionCookie.name]?.value {
                try await StaffLogout(storage: storage).execute(token: token, member: member)
            }
            return try render(
                request, active: true, opened: true, language, extra: [passes.openCookie(), StaffSessionCookie.ending(secure: passes.secure)])
        case "close":
            return try render(request, active: false, opened: false, language, extra: [KioskPass.ending(secure: passes.secure)])
        default:
            throw HTTPError(.badRequest)
        }
    }
}

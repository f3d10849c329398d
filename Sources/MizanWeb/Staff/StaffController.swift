import Foundation
import HTTPTypes
import Hummingbird
import MizanCore

/// The staff login, logout and home page. Everything under `/{lang}/staff/` but the login page is
/// guarded by `StaffAccessMiddleware`, so these handlers may rely on `context.staff`.
struct StaffController {
    let storage: any Storage
    let pages: PageRenderer
    let csrf: CSRF
    let secureCookies: Bool
    let policy: StaffAccessPolicy
    var catalogs: Catalogs { pages.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffLogin) { request, _ in try loginForm(request, language) }
        group.post(.staffLogin) { request, context in try await login(request, context: context, language) }
        group.post(.staffLogout) { request, context in try await logout(request, context: context, language) }
        group.get(.staffHome) { request, context in try await home(request, context: context, language) }
    }

    struct LoginForm: Decodable {
        var csrf: String?
        var username: String?
        var password: String?
        var next: String?
    }

    struct LogoutForm: Decodable {
        var csrf: String?
    }

    func loginForm(_ request: Request, _ language: Language) throws -> Response {
        let next = request.uri.queryParameters["next"].map(String.init).flatMap(Self.localTarget)
        return try renderLogin(request, username: "", next: next, message: nil, language: language, status: .ok)
    }

    func renderLogin(
        _ request: Request, username: String, next: String?, message: String?, language: Language, status: HTTPResponse.Status
    ) throws -> Response {
        let token = csrf.prepare(request)
        var response = try pages.render(
            StaffLoginPage(username: username, next: next, message: message, csrf: token.field, language: language),
            language: language, url: .staffLogin, status: status)
        response.setCookies([token.cookie])
        return response
    }

    func login(_ request: Request, context: WebContext, _ language: Language) async throws -> Response {
        let form = try await request.decode(as: LoginForm.self, context: context)
        guard csrf.isValid(request, field: form.csrf) else { throw CSRFRejected() }
        let username = String((form.username ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let password = String((form.password ?? "").prefix(1024))
        let next = form.next.flatMap(Self.localTarget)
        let attempt = StaffLogin.Request(
            username: username, password: password, clientAddress: context.remoteAddress,
            previousToken: request.cookies[StaffSessionCookie.name]?.value)
        let outcome = try await StaffLogin(storage: storage, policy: policy).execute(attempt)
        switch outcome {
        case .signedIn(_, let token):
            var response = Response.redirect(to: next ?? Self.homeHref(language), type: .normal)
            response.setCookie(StaffSessionCookie.make(token, policy: policy, secure: secureCookies))
            return response
        case .rejected:
            return try renderLogin(
                request, username: username, next: next, message: catalogs.text("staff_login_failed", language), language: language,
                status: .unauthorized)
        case .locked(let seconds):
            let minutes = String(max(1, (seconds + 59) / 60))
            var response = try renderLogin(
                request, username: username, next: next, message: catalogs.text("staff_login_locked", language, ["minutes": minutes]),
                language: language, status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    func logout(_ request: Request, context: WebContext, _ language: Language) async throws -> Response {
        let form = try await request.decode(as: LogoutForm.self, context: context)
        guard csrf.isValid(request, field: form.csrf) else { throw CSRFRejected() }
        if let token = request.cookies[StaffSessionCookie.name]?.value, let member = context.staff {
            try await StaffLogout(storage: storage).execute(token: token, member: member)
        }
        var response = Response.redirect(to: SiteURL.staffLogin.href(language), type: .normal)
        response.setCookie(StaffSessionCookie.ending(secure: secureCookies))
        return response
    }

    func home(_ request: Request, context: WebContext, _ language: Language) async throws -> Response {
        guard let member = context.staff else { throw HTTPError(.forbidden) }
        let cycles = try await storage.transaction { stores in try stores.cycles.list(communeCode: nil) }
        let token = csrf.prepare(request)
        var response = try pages.render(
            StaffHomePage(member: member, cycles: cycles, csrf: token.field, catalogs: catalogs, language: language), language: language,
            url: .staffHome)
        response.setCookies([token.cookie])
        return response
    }

    /// The staff home with the trailing slash the staff area has always been linked with.
    static func homeHref(_ language: Language) -> String { SiteURL.staffHome.href(language) + "/" }

    /// `target` when it is an address on this site (`/…`, not `//host` or `/\host`, no control
    /// characters); nothing otherwise, so the login cannot be used to send someone elsewhere.
    static func localTarget(_ target: String) -> String? {
        guard target.hasPrefix("/"), target.count <= 2000, !target.hasPrefix("//"), !target.contains("\\"),
            !target.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f })
        else { return nil }
        return target
    }

    static func percentEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import MizanCore

/// Guards every address under `/{lang}/staff/` except the login page, whichever controller serves
/// it (or none: an anonymous visitor cannot learn which staff pages exist). Without a valid session
/// a GET is sent to the login page with the address to come back to, anything else is refused;
/// auditors may only read (and log out). With a session, `context.staff` is set for the handlers.
/// Every staff response, the login page included, is marked `no-store`.
struct StaffAccessMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let storage: any Storage
    let pages: PageRenderer
    let policy: StaffAccessPolicy

    /// Where a request falls: outside the staff area, on its login page, or inside it.
    enum Area: Equatable {
        case outside
        case login(Language)
        case inside(Language, rest: [String])
    }

    /// Decides from the path as the router will see it: empty and `.` segments dropped and
    /// percent-escapes decoded, so `//fr/./st%61ff/` cannot slip past the guard.
    static func area(of path: String) -> Area {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).removingPercentEncoding ?? String($0) }.filter { $0 != "." }
        guard segments.count >= 2, let language = Language(rawValue: segments[0]), segments[1] == SiteRoute.staffHome.rawValue else {
            return .outside
        }
        let route = segments.dropFirst().joined(separator: "/")
        return route == SiteRoute.staffLogin.rawValue ? .login(language) : .inside(language, rest: Array(segments.dropFirst(2)))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        switch Self.area(of: request.uri.path) {
        case .outside:
            return try await next(request, context)
        case .login:
            response = try await next(request, context)
        case .inside(let language, let rest):
            let isRead = request.method == .get || request.method == .head
            let token = request.cookies[StaffSessionCookie.name]?.value
            let member: StaffMember?
            if let token, !token.isEmpty, token.count <= 100 {
                member = try await storage.transaction { [policy] stores in try stores.staffSessions.resume(token: token, policy: policy) }
            } else {
                member = nil
            }
            if let member {
                let isLogout = ([SiteRoute.staffHome.rawValue] + rest).joined(separator: "/") == SiteRoute.staffLogout.rawValue
                if !isRead && !member.role.canWrite && !isLogout && !Self.isReadersPost(rest) {
                    response = try forbidden(language, path: request.uri.path, kind: "role")
                } else {
                    var context = context
                    context.staff = member
                    do {
                        response = try await next(request, context)
                    } catch let error as HTTPError where error.status == .forbidden {
                        response = try forbidden(language, path: request.uri.path, kind: "role")
                    }
                }
            } else if isRead {
                var target = request.uri.path
                if let query = request.uri.query, !query.isEmpty { target += "?\(query)" }
                response = Response.redirect(
                    to: "\(SiteURL.staffLogin.href(language))?next=\(StaffController.percentEncoded(target))", type: .normal)
                if token != nil { response.setCookie(StaffSessionCookie.ending()) }
            } else {
                response = try forbidden(language, path: request.uri.path, kind: "signin")
            }
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// POSTs that only read, which auditors may send: an export (it writes nothing but its own
    /// audit entry, and is a POST for its CSRF token).
    static func isReadersPost(_ rest: [String]) -> Bool {
        rest.count == 3 && rest[0] == "cycles" && Int(rest[1]) != nil && rest[2] == "export"
    }

    func forbidden(_ language: Language, path: String, kind: String) throws -> Response {
        try pages.render(
            StaffNoticePage(kind: kind, catalogs: pages.catalogs, language: language), language: language, url: .staffHome,
            status: .forbidden)
    }
}

/// The staff session cookie: a random token, readable only by the server, sent only to this site.
enum StaffSessionCookie {
    static let name = "mz_staff"

    static func make(_ token: String, policy: StaffAccessPolicy, secure: Bool) -> Cookie {
        Cookie(
            name: name, value: token, maxAge: Int(policy.absoluteLifetime), path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func ending(secure: Bool = false) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}

extension WebContext {
    /// The signed-in staff member when their role is one of `roles`; otherwise the request ends
    /// with 403 (rendered as a staff page under `/{lang}/staff/`). Call it first in a handler that
    /// changes something, e.g. `try context.requireRole(.admin, .reviewer)`.
    @discardableResult
    public func requireRole(_ roles: StaffRole...) throws -> StaffMember {
        try Self.require(staff, in: roles)
    }

    static func require(_ staff: StaffMember?, in roles: [StaffRole]) throws -> StaffMember {
        guard let staff, roles.contains(staff.role) else { throw HTTPError(.forbidden) }
        return staff
    }
}

import Hummingbird

/// Picks the page language: the URL prefix when there is one; otherwise the `mz_lang` cookie; on a
/// first visit the browser's Accept-Language; French failing all else.
enum LanguageRouting {
    static let cookieName = "mz_lang"

    /// The language named by the first path segment, if any.
    static func prefix(of path: String) -> Language? {
        let first = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return Language(rawValue: first)
    }

    static func preferred(for request: Request) -> Language {
        if let prefixed = prefix(of: request.uri.path) { return prefixed }
        if let cookie = request.cookies[cookieName].flatMap({ Language(rawValue: $0.value) }) { return cookie }
        return Language.preferred(acceptLanguage: request.headers[.acceptLanguage]) ?? .fr
    }

    /// `/regions/01` → `/ar/regions/01` for a visitor who reads Arabic; old links keep working.
    static func redirect(_ request: Request) -> Response {
        let language = preferred(for: request)
        var target = "/\(language.rawValue)\(request.uri.path == "/" ? "/" : request.uri.path)"
        if let query = request.uri.query, !query.isEmpty { target += "?\(query)" }
        var response = Response.redirect(to: target, type: .found)
        response.headers[.vary] = "Accept-Language, Cookie"
        return response
    }
}

/// Remembers the language of the last prefixed page in a cookie, so the next unprefixed visit and
/// the language menu agree.
struct LanguageCookieMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let language = LanguageRouting.prefix(of: request.uri.path),
            request.cookies[LanguageRouting.cookieName]?.value != language.rawValue
        {
            response.setCookie(Cookie(
                name: LanguageRouting.cookieName, value: language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

import Hummingbird
import MizanCore

/// Cross-site request forgery protection without server state: a random token in an HttpOnly
/// cookie, and in every form a signature of it that only this server can compute. A POST whose
/// field does not match its cookie is refused before anything else runs.
struct CSRF {
    static let cookieName = "mz_csrf"
    static let fieldName = "csrf"
    let secrets: ServerSecrets
    let secureCookies: Bool

    /// The value for the form's hidden field, and the cookie to set if the visitor has none yet.
    func prepare(_ request: Request) -> (field: String, cookie: Cookie?) {
        if let existing = request.cookies[Self.cookieName]?.value, existing.count >= 16 {
            return (secrets.sign("csrf:\(existing)"), nil)
        }
        let token = RandomToken.make()
        let cookie = Cookie(
            name: Self.cookieName, value: token, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
        return (secrets.sign("csrf:\(token)"), cookie)
    }

    func isValid(_ request: Request, field: String?) -> Bool {
        guard let field, let token = request.cookies[Self.cookieName]?.value else { return false }
        return secrets.isValidSignature(field, for: "csrf:\(token)")
    }
}

extension Response {
    mutating func setCookies(_ cookies: [Cookie?]) {
        for cookie in cookies.compactMap({ $0 }) { setCookie(cookie) }
    }
}

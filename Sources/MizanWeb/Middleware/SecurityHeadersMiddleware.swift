import HTTPTypes
import Hummingbird

/// Headers every response carries: no framing, no MIME sniffing, no referrer leaking paths, and a
/// content security policy that allows only our own styles and scripts (files the site serves, never
/// inline code: the ballot's live total is the only script, and the site works without it); HSTS
/// over HTTPS.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
    /// With secure cookies the site is served over HTTPS: browsers are told to never use plain
    /// HTTP for it again (two years), so a network attacker cannot strip TLS on a later visit.
    let strictTransport: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "same-origin"
        response.headers[Self.frameOptions] = "DENY"
        if strictTransport { response.headers[Self.strictTransportSecurity] = "max-age=63072000" }
        return response
    }
}

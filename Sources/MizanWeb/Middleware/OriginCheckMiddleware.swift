import Foundation
import HTTPTypes
import Hummingbird

/// A second guard against cross-site forms, beside the CSRF token: a POST (or any method that
/// changes something) whose `Origin`, or failing that `Referer`, names another site is refused
/// with the CSRF page (403) before any handler runs. A request carrying neither header is let
/// through — some browsers and privacy tools drop both — and is still held to its CSRF token.
struct OriginCheckMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ![.get, .head, .options].contains(request.method), !Self.isSameOrigin(request) { throw CSRFRejected() }
        return try await next(request, context)
    }

    static func isSameOrigin(_ request: Request) -> Bool {
        let source = request.headers[.origin] ?? request.headers[.referer]
        guard let source else { return true }
        guard let authority = request.head.authority else { return false }
        return matches(source, authority: authority)
    }

    /// Whether the URL `source` (an Origin or a Referer) is on the host this request was sent to.
    /// When the `Host` names no port (as behind a proxy), the host alone decides.
    static func matches(_ source: String, authority: String) -> Bool {
        guard source != "null", let url = URL(string: source), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host?.lowercased(), !host.isEmpty
        else { return false }
        let (ownHost, ownPort) = split(authority.lowercased())
        guard host == ownHost else { return false }
        guard let ownPort else { return true }
        return (url.port ?? (scheme == "https" ? 443 : 80)) == ownPort
    }

    /// `host:port` (or `[v6]:port`) into its parts, without the IPv6 brackets.
    static func split(_ authority: String) -> (String, Int?) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil)
        }
        let parts = authority.split(separator: ":", maxSplits: 1)
        return (parts.first.map(String.init) ?? "", parts.count == 2 ? Int(parts[1]) : nil)
    }
}

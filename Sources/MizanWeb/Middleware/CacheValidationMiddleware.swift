import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Lets a cache in front of the site (nginx, a browser) serve the public pages that are the same for
/// every visitor — a cycle's page, its results, the regional overviews and the published outcome in
/// the API — and revalidate them cheaply: each answer carries an `ETag` (a digest of its body) and
/// `Cache-Control: public, max-age=…`, and a request whose `If-None-Match` names the current tag is
/// answered `304 Not Modified` with no body.
///
/// These answers depend only on the address (the language is in the path) and on the database, and
/// no cookie changes them; the language cookie some of them set is the same for every visitor of
/// that address. Everything else keeps its own `Cache-Control` (`no-store` on staff, ballot and
/// receipt pages) or none.
struct CacheValidationMiddleware: RouterMiddleware {
    typealias Context = WebContext
    /// Routes as the router names them, without the language prefix.
    static let cacheableRoutes: Set<String> = [
        "/cycles/{id}", "/cycles/{id}/results", "/regions/{code}/overview", "/provinces/{code}/overview",
        "/api/v1/cycles/{id}/outcome",
    ]
    /// How long a cache may serve an answer without asking again: long enough to absorb a peak,
    /// short enough that a phase change or a publication shows within the minute.
    let maxAge: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        var response = try await next(request, context)
        guard response.status == .ok, let route = context.endpointPath, Self.isCacheable(route),
            response.headers[.cacheControl] == nil, Self.setsOnlySharedCookies(response)
        else { return response }
        let body = try await Self.collect(response.body)
        let tag = Self.entityTag(of: body)
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = "public, max-age=\(maxAge)"
        if let condition = request.headers[.ifNoneMatch], Self.matches(condition, tag: tag) {
            var headers = response.headers
            headers[.contentLength] = nil
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers, body: ResponseBody())
        }
        response.body = ResponseBody(byteBuffer: body)
        return response
    }

    /// `/fr/cycles/{id}` and `/api/v1/cycles/{id}/outcome` are cacheable; `/fr/cycles/{id}/ballot` is not.
    static func isCacheable(_ route: String) -> Bool {
        if cacheableRoutes.contains(route) { return true }
        guard let prefix = LanguageRouting.prefix(of: route) else { return false }
        return cacheableRoutes.contains(String(route.dropFirst(prefix.rawValue.count + 1)))
    }

    /// A cache replays the cookies of what it stores to everyone: only the language cookie, the same
    /// for every visitor of a language's address, may come with a cacheable answer.
    static func setsOnlySharedCookies(_ response: Response) -> Bool {
        response.headers[values: .setCookie].allSatisfy { $0.hasPrefix(LanguageRouting.cookieName + "=") }
    }

    /// A strong tag: 128 bits of the body's SHA-256, quoted.
    static func entityTag(of body: ByteBuffer) -> String {
        let digest = SHA256.hash(data: body.readableBytesView)
        return "\"" + digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined() + "\""
    }

    /// `If-None-Match`: `*`, or a list of tags, weak ones (`W/"…"`) compared weakly as RFC 9110 asks.
    static func matches(_ condition: String, tag: String) -> Bool {
        condition.split(separator: ",").contains { candidate in
            var candidate = candidate.trimmingCharacters(in: .whitespaces)
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
            return candidate == tag
        }
    }

    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = Sink()
        try await body.write(BufferingWriter(sink: sink))
        return sink.buffer
    }

    /// Where `BufferingWriter` puts what the body writes (the writer itself is consumed).
    final class Sink: @unchecked Sendable {
        var buffer = ByteBuffer()
    }

    struct BufferingWriter: ResponseBodyWriter {
        let sink: Sink
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            sink.buffer.writeBuffer(&buffer)
        }
        mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
            for buffer in buffers { try await write(buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

import HTTPTypes
import Hummingbird
import MizanCore
import Synchronization

/// Keeps the rendered results pages and outcome answers of published cycles, so a national peak of
/// readers costs one short query each instead of reading the whole outcome and rendering it.
///
/// A kept answer is served only while the audit log's newest entry is the one read before it was
/// rendered.
/// Everything these answers show — the published outcome, implementation progress, the signed
/// audit head itself — changes only with an audit entry (publication, `implementation.update`, and
/// every other act appends one), so a grown log means "render again". The head is read from the
/// database on every request, so two web nodes never disagree for longer than a request, and an
/// answer rendered from a later state than its key is only ever replaced, never served late.
struct PublishedAnswerMiddleware: RouterMiddleware {
    typealias Context = WebContext
    /// Routes as the router names them, without the language prefix.
    static let routes: Set<String> = ["/cycles/{id}/results", "/api/v1/cycles/{id}/outcome"]
    let storage: any Storage
    let cache: PublishedAnswerCache
    let metrics: SiteMetrics?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, request.uri.query == nil, let route = context.endpointPath,
            Self.applies(to: route)
        else { return try await next(request, context) }
        let head = try await storage.transaction { try $0.audit.newestHash() }
        let key = request.uri.path
        if let kept = cache.answer(for: key, head: head) {
            metrics?.countPageCache(hit: true)
            return Response(status: .ok, headers: kept.headers, body: ResponseBody(byteBuffer: kept.body))
        }
        metrics?.countPageCache(hit: false)
        let response = try await next(request, context)
        guard response.status == .ok, response.headers[values: .setCookie].isEmpty else { return response }
        let body = try await CacheValidationMiddleware.collect(response.body)
        cache.keep(PublishedAnswerCache.Answer(head: head, headers: response.headers, body: body), for: key)
        return Response(status: .ok, headers: response.headers, body: ResponseBody(byteBuffer: body))
    }

    static func applies(to route: String) -> Bool {
        if routes.contains(route) { return true }
        guard let prefix = LanguageRouting.prefix(of: route) else { return false }
        return routes.contains(String(route.dropFirst(prefix.rawValue.count + 1)))
    }
}

/// The kept answers, by address; at most `capacity` (all are dropped when it is reached, which a
/// peak on a few hundred published cycles never does).
final class PublishedAnswerCache: Sendable {
    struct Answer: Sendable {
        /// The audit log's newest hash when the answer was rendered.
        let head: String
        let headers: HTTPFields
        let body: ByteBuffer
    }

    private let answers = Mutex<[String: Answer]>([:])
    let capacity: Int

    init(capacity: Int = 2_048) {
        self.capacity = capacity
    }

    func answer(for key: String, head: String) -> Answer? {
        answers.withLock { $0[key] }.flatMap { $0.head == head ? $0 : nil }
    }

    func keep(_ answer: Answer, for key: String) {
        answers.withLock { answers in
            if answers.count >= capacity, answers[key] == nil { answers.removeAll() }
            answers[key] = answer
        }
    }
}

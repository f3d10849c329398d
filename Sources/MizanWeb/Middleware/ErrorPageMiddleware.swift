import Hummingbird
import Logging
import MizanCore

/// Turns failures into pages a citizen can read, in their language: 404 for what does not exist,
/// 503 with Retry-After when the database is unreachable, saturated or refuses writes (read-only,
/// disk full), 4xx for what the client sent, and a plain 500 otherwise.
/// Details (SQL, stack) go to the log only.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let pages: PageRenderer
    let retryAfterSeconds: Int
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let language = LanguageRouting.preferred(for: request)
        let path = String(request.uri.path.drop { $0 == "/" }.drop { $0 != "/" })
        do {
            return try await next(request, context)
        } catch let error as any StorageFailure where error.isUnavailable {
            logger.warning("database unavailable: \(error)", metadata: ["path": "\(request.uri.path)"])
            var response = try pages.render(ErrorPage(kind: "unavailable", catalogs: pages.catalogs, language: language), language: language, path: path, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(retryAfterSeconds)
            return response
        } catch is CSRFRejected {
            return try pages.render(ErrorPage(kind: "csrf", catalogs: pages.catalogs, language: language), language: language, path: path, status: .forbidden)
        } catch let error as HTTPError where error.status == .notFound {
            return try pages.render(ErrorPage(kind: "not_found", catalogs: pages.catalogs, language: language), language: language, path: path, status: .notFound)
        } catch CycleError.notFound, CycleError.communeNotFound, ProposalError.notFound {
            // A number or code in the address that names nothing.
            return try pages.render(ErrorPage(kind: "not_found", catalogs: pages.catalogs, language: language), language: language, path: path, status: .notFound)
        } catch is GeographyError {
            return try pages.render(ErrorPage(kind: "not_found", catalogs: pages.catalogs, language: language), language: language, path: path, status: .notFound)
        } catch let error as any HTTPResponseError where (400..<500).contains(error.status.code) {
            // HTTPError, and Hummingbird's own refusals such as a body over the size limit (413),
            // which would otherwise end as a 500.
            let kind = error.status == .contentTooLarge ? "too_large" : "bad_request"
            return try pages.render(ErrorPage(kind: kind, catalogs: pages.catalogs, language: language), language: language, path: path, status: error.status)
        } catch {
            logger.error("request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            return try pages.render(ErrorPage(kind: "failure", catalogs: pages.catalogs, language: language), language: language, path: path, status: .internalServerError)
        }
    }
}

struct ErrorPage: PageModel {
    let template = "error"
    let heading: String
    let message: String
    let homeHref: String

    /// From the catalog keys `error_<kind>_title` and `error_<kind>`.
    init(kind: String, catalogs: Catalogs, language: Language) {
        heading = catalogs.text("error_\(kind)_title", language)
        message = catalogs.text("error_\(kind)", language)
        homeHref = SiteURL.home.href(language)
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { heading }
}

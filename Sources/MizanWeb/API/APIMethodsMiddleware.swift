import HTTPTypes
import Hummingbird

/// The open-data API is read-only: under `/api/v1` every path answers GET and HEAD, OPTIONS says
/// so (for browsers' CORS preflight and for curious callers), and any other method gets a JSON
/// 405 with `Allow` — not the site's HTML 404, which a client of a JSON API cannot read. Runs
/// before routing, since a method no route has never reaches the API's own middleware.
struct APIMethodsMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let allowed = "GET, HEAD, OPTIONS"
    static let allow = HTTPField.Name("Allow")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = "/" + request.uri.path.drop { $0 == "/" }
        guard path == "/\(APIRoute.prefix)" || path.hasPrefix("/\(APIRoute.prefix)/") else {
            return try await next(request, context)
        }
        switch request.method {
        case .get, .head:
            return try await next(request, context)
        case .options:
            return Response(
                status: .noContent,
                headers: [Self.allow: Self.allowed, OpenDataMiddleware.allowOrigin: "*", Self.allowMethods: Self.allowed, Self.maxAge: "86400"])
        default:
            var response = try APIError(
                status: .methodNotAllowed, code: "method_not_allowed", message: "The API is read-only: use GET (or HEAD, OPTIONS).")
                .json.response(status: .methodNotAllowed)
            response.headers[Self.allow] = Self.allowed
            response.headers[OpenDataMiddleware.allowOrigin] = "*"
            return response
        }
    }
}

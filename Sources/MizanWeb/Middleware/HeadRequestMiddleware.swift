import Hummingbird

/// HEAD answers as GET does, without the body — on every path, error pages included. The routes
/// answer HEAD themselves (the router generates it from each GET route); this, the outermost
/// middleware, drops the body of the pages no route renders (404, errors), so a monitor using
/// HEAD sees what a browser would.
struct HeadRequestMiddleware: RouterMiddleware {
    typealias Context = WebContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        return request.method == .head ? response.createHeadResponse() : response
    }
}

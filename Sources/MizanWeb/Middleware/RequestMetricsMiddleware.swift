import Foundation
import HTTPTypes
import Hummingbird

/// Counts every answered request into the site's metrics, by route, method and status, and every
/// identification by its result (the eligibility form answers 303 to the ballot when the voter is
/// identified, 422 when the details match nobody, 429 when identification is limited). Added first,
/// so it sees the status the client gets, error pages included.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let metrics: SiteMetrics
    /// `SiteRoute.eligibility` as the router names it in every language.
    static let eligibilityRoute = "/" + SiteRoute.eligibility.rawValue.replacingOccurrences(of: ":id", with: "{id}")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, started: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        metrics.countRequest(route: route, method: request.method.rawValue, status: status, seconds: ContinuousClock.now - started)
        guard request.method == .post, route.hasSuffix(Self.eligibilityRoute) else { return }
        switch status {
        case 303: metrics.countIdentification(result: "identified")
        case 422: metrics.countIdentification(result: "failed")
        case 429: metrics.countIdentification(result: "limited")
        default: break
        }
    }
}

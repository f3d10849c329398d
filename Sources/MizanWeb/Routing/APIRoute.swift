import Hummingbird

/// Every address of the open-data API, defined once: the API's router registers `pattern` under
/// `APIRoute.prefix`, and every address the API writes into its answers is built by `href`, which
/// fills the same pattern. `openapi.json` describes the same paths.
enum APIRoute: String, CaseIterable, Sendable {
    case openAPI = "openapi.json"
    case communes = "communes"
    case commune = "communes/:code"
    case cycles = "cycles"
    case cycle = "cycles/:id"
    case cycleProjects = "cycles/:id/projects"
    case cycleOutcome = "cycles/:id/outcome"
    case cycleImplementationUpdates = "cycles/:id/implementation-updates"
    case cycleStatistics = "cycles/:id/statistics"

    /// Where the API lives; a new version would get a prefix (and routes) of its own.
    static let prefix = "api/v1"

    /// The pattern the API's router group matches.
    var pattern: RouterPath { RouterPath(rawValue) }

    /// The absolute address, each parameter replaced by the next value (percent-encoded):
    /// `APIRoute.cycle.href("12")` is `/api/v1/cycles/12`.
    func href(_ values: String...) -> String {
        var remaining = values[...]
        let path = rawValue.split(separator: "/").map { segment -> String in
            guard segment.hasPrefix(":") else { return String(segment) }
            precondition(!remaining.isEmpty, "\(rawValue) takes more values")
            return SiteURL.encodeSegment(remaining.removeFirst())
        }.joined(separator: "/")
        precondition(remaining.isEmpty, "\(rawValue) takes fewer values")
        return "/\(Self.prefix)/\(path)"
    }
}

extension RouterGroup {
    /// Registers a GET handler for one of the API's routes (on the group under `APIRoute.prefix`);
    /// labelled, since the site's `SiteRoute` has cases of the same names.
    @discardableResult
    func get(
        api route: APIRoute, use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(route.pattern, use: handler)
    }
}

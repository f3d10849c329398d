import Foundation
import Hummingbird
import Logging
import MizanCore

/// The read-only open-data API under `/api/v1`, described by `/api/v1/openapi.json`.
///
/// It publishes what the public pages publish and nothing a running vote could reveal: see
/// `OpenDataRepository` for the filters. Lists are paged with `?limit=` (1–200, default 50) and the
/// opaque `next_cursor` of the previous page passed back as `?cursor=`.
struct OpenDataController {
    let storage: any Storage
    /// Signs the audit-log head the outcome carries.
    let secrets: ServerSecrets
    let openAPIDocument: ByteBuffer
    let logger: Logger

    static let defaultLimit = 50
    static let maximumLimit = 200

    init(storage: any Storage, secrets: ServerSecrets, logger: Logger) throws {
        guard let url = Bundle.module.url(forResource: "OpenAPI/openapi", withExtension: "json") else { throw PageError.missingResources }
        self.storage = storage
        self.secrets = secrets
        self.openAPIDocument = ByteBuffer(bytes: try Data(contentsOf: url))
        self.logger = logger
    }

    func addRoutes(to router: Router<WebContext>) {
        let group = router.group(RouterPath(APIRoute.prefix)).add(middleware: OpenDataMiddleware(logger: logger))
        group.get(api: .openAPI) { _, _ in
            Response(status: .ok, headers: [.contentType: OpenDataMiddleware.contentType], body: .init(byteBuffer: openAPIDocument))
        }
        group.get(api: .communes) { request, _ in try await communes(request) }
        group.get(api: .commune) { _, context in try await commune(context.parameters.require("code")) }
        group.get(api: .cycles) { request, _ in try await cycles(request) }
        group.get(api: .cycle) { _, context in try await cycle(context.parameters.require("id")) }
        group.get(api: .cycleProjects) { request, context in try await projects(request, context.parameters.require("id")) }
        group.get(api: .cycleOutcome) { _, context in try await outcome(context.parameters.require("id")) }
        group.get(api: .cycleImplementationUpdates) { request, context in
            try await implementationUpdates(request, context.parameters.require("id"))
        }
        group.get(api: .cycleStatistics) { _, context in try await statistics(context.parameters.require("id")) }
        // Anything else under /api/v1 answers in JSON too, not with the site's HTML 404 page.
        for unknown in ["**", "communes/:code/**", "cycles/:id/**"] {
            group.get(RouterPath(unknown)) { _, _ -> Response in
                throw APIError.nothingHere
            }
        }
    }

    // MARK: Parameters

    /// `limit` and `cursor` of a list request.
    struct Paging {
        let limit: Int
        let cursor: String?
    }

    func paging(_ request: Request) throws -> Paging {
        var limit = Self.defaultLimit
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(String(text)), (1...Self.maximumLimit).contains(value) else {
                throw APIError.badRequest("invalid_limit", "limit must be a whole number from 1 to \(Self.maximumLimit).")
            }
            limit = value
        }
        let cursor = request.uri.queryParameters["cursor"].map(String.init)
        return Paging(limit: limit, cursor: cursor?.isEmpty == true ? nil : cursor)
    }

    /// Cursors of id-ordered lists are the last id seen, written as text.
    func idCursor(_ paging: Paging) throws -> Int? {
        guard let cursor = paging.cursor else { return nil }
        guard let id = Int(cursor), id >= 0 else {
            throw APIError.badRequest("invalid_cursor", "cursor must be the next_cursor value of a previous page.")
        }
        return id
    }

    func cycleID(_ text: String) throws -> CycleID {
        guard let id = Int(text), id > 0, id <= Int(Int32.max) else {
            throw APIError.badRequest("invalid_id", "a cycle id is a positive whole number, such as \(APIRoute.cycle.href("12")).")
        }
        return CycleID(id)
    }

    func geoCode(_ text: String?, name: String) throws -> String? {
        // An empty value (`?province=`, as an HTML form sends an empty field) is no filter.
        guard let text, !text.isEmpty else { return nil }
        do {
            return try GeoCode(parsing: text).value
        } catch {
            throw APIError.badRequest("invalid_\(name)", "\(name) must be an HCP code such as 01, 01.511 or 01.511.01.0.")
        }
    }

    /// `{"data": [...], "next_cursor": ...}` from a page fetched with one row more than asked.
    func list<Record>(_ records: [Record], limit: Int, key: (Record) -> String, json: (Record) -> JSONValue) throws -> Response {
        let page = Array(records.prefix(limit))
        let next: JSONValue = records.count > limit ? page.last.map { .string(key($0)) } ?? .null : .null
        return try JSONValue.object(["data": .array(page.map(json)), "next_cursor": next]).response()
    }

    /// The cycle, or a 404 naming it.
    static func requireCycle(_ id: CycleID, in stores: any Stores) throws -> OpenData.CycleRecord {
        guard let cycle = try stores.openData.cycle(id: id) else { throw APIError.notFound("No cycle has the id \(id).") }
        return cycle
    }

    // MARK: Endpoints

    func communes(_ request: Request) async throws -> Response {
        let paging = try paging(request)
        let region = try geoCode(request.uri.queryParameters["region"].map(String.init), name: "region")
        let province = try geoCode(request.uri.queryParameters["province"].map(String.init), name: "province")
        let after = try geoCode(paging.cursor, name: "cursor")
        let records = try await storage.transaction { stores in
            try stores.openData.communes(region: region, province: province, after: after, limit: paging.limit)
        }
        return try list(records, limit: paging.limit, key: \.code, json: \.json)
    }

    func commune(_ code: String) async throws -> Response {
        let valid = try geoCode(code, name: "code")!
        guard let record = try await storage.transaction({ stores in try stores.openData.commune(code: valid) }) else {
            throw APIError.notFound("No commune has the code \(valid).")
        }
        return try record.json.response()
    }

    func cycles(_ request: Request) async throws -> Response {
        let paging = try paging(request)
        let commune = try geoCode(request.uri.queryParameters["commune"].map(String.init), name: "commune")
        let after = try idCursor(paging)
        let records = try await storage.transaction { stores in
            try stores.openData.cycles(commune: commune, after: after, limit: paging.limit)
        }
        return try list(records, limit: paging.limit, key: { String($0.id) }, json: \.json)
    }

    func cycle(_ text: String) async throws -> Response {
        let id = try cycleID(text)
        return try await storage.transaction { stores in try Self.requireCycle(id, in: stores) }.json.response()
    }

    func projects(_ request: Request, _ text: String) async throws -> Response {
        let id = try cycleID(text)
        let paging = try paging(request)
        let after = try idCursor(paging)
        let records = try await storage.transaction { stores in
            _ = try Self.requireCycle(id, in: stores)
            return try stores.openData.projects(cycle: id, after: after, limit: paging.limit)
        }
        return try list(records, limit: paging.limit, key: { String($0.id) }, json: \.json)
    }

    /// The published outcome with the signed head of the audit log, read in the same transaction.
    func outcome(_ text: String) async throws -> Response {
        let id = try cycleID(text)
        let (scopes, head) = try await storage.transaction { stores in
            _ = try Self.requireCycle(id, in: stores)
            return (try stores.openData.publishedOutcome(cycle: id), try stores.audit.head())
        }
        guard !scopes.isEmpty else { throw Self.notPublished(id) }
        return try JSONValue.object([
            "cycle_id": .int(id.rawValue), "scopes": .array(scopes.map(\.json)), "audit_head": StableAuditHeadSigner.sign(head, with: secrets).json,
        ]).response()
    }

    func implementationUpdates(_ request: Request, _ text: String) async throws -> Response {
        let id = try cycleID(text)
        let paging = try paging(request)
        let after = try idCursor(paging)
        let records = try await storage.transaction { stores in
            _ = try Self.requireCycle(id, in: stores)
            return try stores.openData.implementationUpdates(cycle: id, after: after, limit: paging.limit)
        }
        return try list(records, limit: paging.limit, key: { String($0.id) }, json: \.json)
    }

    /// Turnout and participation breakdowns, once the outcome is published (the counts are final
    /// then); read in one snapshot so every breakdown adds up to the same total.
    func statistics(_ text: String) async throws -> Response {
        let id = try cycleID(text)
        let loaded = try await storage.transaction { stores -> ([OpenData.TurnoutRecord], ParticipationStatistics?)? in
            try stores.participation.beginSnapshot()
            guard let cycle = try stores.cycles.find(id) else { return nil }
            let scopes = try stores.openData.publishedTurnout(cycle: id)
            guard cycle.phase >= .published, !scopes.isEmpty else { return ([], nil) }
            return (scopes, try stores.participation.statistics(cycle: cycle))
        }
        guard let (scopes, statistics) = loaded else { throw APIError.notFound("No cycle has the id \(id).") }
        guard let statistics else { throw Self.notPublished(id) }
        return try statistics.json(scopes: scopes.map(\.json)).response()
    }

    static func notPublished(_ id: CycleID) -> APIError {
        APIError(status: .notFound, code: "not_published", message: "The outcome of cycle \(id) is not published yet.")
    }
}

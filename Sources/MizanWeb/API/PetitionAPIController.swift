import Foundation
import Hummingbird
import Logging
import MizanCore

/// Petitions in the open-data API: the public register of every commune, in the shape the
/// national portal's export takes too (`PetitionRecord.json`). Paths are in `openapi.json`.
struct PetitionAPIController {
    enum Route: String, CaseIterable {
        case petitions = "petitions"
        case petition = "petitions/:id"

        var pattern: RouterPath { RouterPath(rawValue) }
    }

    let storage: any Storage
    let openData: OpenDataController
    let logger: Logger

    func addRoutes(to router: Router<WebContext>) {
        let group = router.group(RouterPath(APIRoute.prefix)).add(middleware: OpenDataMiddleware(logger: logger))
        group.get(Route.petitions.pattern) { request, _ in try await list(request) }
        group.get(Route.petition.pattern) { _, context in try await petition(context.parameters.require("id")) }
    }

    func list(_ request: Request) async throws -> Response {
        // The same paging and parameters as the rest of the API, read by its controller.
        let paging = try openData.paging(request)
        let after = try openData.idCursor(paging)
        let code = try openData.geoCode(request.uri.queryParameters["commune"].map(String.init), name: "commune")
        let now = Date()
        let records = try await storage.transaction { stores -> [PetitionRecord]? in
            var communeID: Int?
            if let code {
                guard let commune = try stores.petitions.commune(code: try GeoCode(parsing: code)) else { return nil }
                communeID = commune.id
            }
            return try PetitionRecord.records(stores.petitions.page(commune: communeID, after: after, limit: paging.limit), in: stores, now: now)
        }
        guard let records else { throw APIError.notFound("No commune has the code \(code ?? "").") }
        return try openData.list(records, limit: paging.limit, key: { String($0.petition.id) }, json: \.json)
    }

    func petition(_ text: String) async throws -> Response {
        guard let id = Int(text), id > 0, id <= Int(Int32.max) else {
            throw APIError.badRequest("invalid_id", "a petition id is a positive whole number, such as /api/v1/petitions/12.")
        }
        let now = Date()
        let record = try await storage.transaction { stores -> PetitionRecord? in
            guard let petition = try stores.petitions.find(PetitionID(id)) else { return nil }
            return try PetitionRecord.records([petition], in: stores, now: now).first
        }
        guard let record else { throw APIError.notFound("No petition has the id \(id).") }
        return try record.json.response()
    }
}

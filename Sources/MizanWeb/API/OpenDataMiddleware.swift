import HTTPTypes
import Hummingbird
import Logging
import MizanCore

/// A refusal the API explains to its caller: an HTTP status, a stable machine-readable code and a
/// sentence saying what to change.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, code: "not_found", message: message) }
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(status: .badRequest, code: code, message: message) }
    /// An address no route of the API answers.
    static var nothingHere: APIError {
        notFound("There is nothing at this address; see \(APIRoute.openAPI.href()) for the paths.")
    }

    var json: JSONValue { ["error": ["code": .string(code), "message": .string(message)]] }
}

/// Wraps every `/api/v1` route: JSON content type, `Access-Control-Allow-Origin: *` (the data is
/// public and read-only, so any site may fetch it), and failures as JSON error objects instead of
/// HTML pages. Database details go to the log only; callers get a generic message.
struct OpenDataMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let contentType = "application/json; charset=utf-8"
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.json.response(status: error.status)
        } catch let error as any StorageFailure where error.isUnavailable {
            logger.warning("database unavailable: \(error)", metadata: ["path": "\(request.uri.path)"])
            response = try APIError(status: .serviceUnavailable, code: "unavailable", message: "The service is busy; try again shortly.")
                .json.response(status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
        } catch let error as HTTPError where error.status == .notFound {
            response = try APIError.nothingHere.json.response(status: .notFound)
        } catch let error as HTTPError where (400..<500).contains(error.status.code) {
            response = try APIError(status: error.status, code: "bad_request", message: "The request is malformed; see \(APIRoute.openAPI.href()).")
                .json.response(status: error.status)
        } catch {
            logger.error("open data request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            response = try APIError(status: .internalServerError, code: "internal", message: "The request could not be answered.")
                .json.response(status: .internalServerError)
        }
        response.headers[Self.allowOrigin] = "*"
        return response
    }
}

import Hummingbird
import Logging
import MizanCore
import MizanPostgres

/// Turns failures into pages a citizen can read: 404 for what does not exist, 503 with Retry-After
/// when the database is unreachable or saturated, and a plain 500 otherwise. Details (SQL, stack)
/// go to the log only.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let pages: PageRenderer
    let retryAfterSeconds: Int
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PostgresError where error.isUnavailable {
            logger.warning("database unavailable: \(error)", metadata: ["path": "\(request.uri.path)"])
            var response = try pages.render(ErrorPage.unavailable, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(retryAfterSeconds)
            return response
        } catch let error as HTTPError where error.status == .notFound {
            return try pages.render(ErrorPage.notFound, status: .notFound)
        } catch let error as GeographyError {
            _ = error
            return try pages.render(ErrorPage.notFound, status: .notFound)
        } catch let error as HTTPError {
            return try pages.render(ErrorPage.badRequest, status: error.status)
        } catch {
            logger.error("request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            return try pages.render(ErrorPage.failure, status: .internalServerError)
        }
    }
}

struct ErrorPage: PageModel {
    let template = "error"
    let title: String
    let message: String
    let language = PageLanguage.french

    static let unavailable = ErrorPage(
        title: "Service momentanément indisponible",
        message: "Le service est momentanément surchargé ou en maintenance. Rien n'a été perdu : réessayez dans quelques secondes.")
    static let notFound = ErrorPage(title: "Page introuvable", message: "Cette adresse ne correspond à aucune page de Mizan.")
    static let badRequest = ErrorPage(title: "Requête invalide", message: "La requête n'a pas pu être comprise.")
    static let failure = ErrorPage(
        title: "Erreur", message: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.")
}

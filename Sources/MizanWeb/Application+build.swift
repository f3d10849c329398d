import Hummingbird
import Logging
import MizanCore
import MizanPostgres

/// Builds the web application. Used by `mizan serve` and by the tests, which run it on a real
/// socket against a real database.
///
/// The pool is added as a service so that it is shut down after the server stops taking requests.
public func buildApplication(
    configuration: WebConfiguration, pool: ConnectionPool, logger: Logger = Logger(label: "mizan.web")
) throws -> some ApplicationProtocol {
    let pages = try PageRenderer()
    let router = Router(context: WebContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorPageMiddleware(pages: pages, retryAfterSeconds: configuration.retryAfterSeconds, logger: logger))

    router.get("health") { _, _ -> Response in
        _ = try await pool.query("SELECT 1")
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    StaticController(pages: pages).addRoutes(to: router)
    GeographyController(repository: PostgresGeographyRepository(pool: pool), pages: pages).addRoutes(to: router)

    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Mizan"),
        services: [pool],
        logger: logger)
}

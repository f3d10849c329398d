import Hummingbird
import NIOCore
import Logging

/// The metrics listener: `/metrics` in Prometheus text format, with `/health` and `/ready`, on an
/// address of its own (`mizan serve --metrics-port`, 127.0.0.1 unless told otherwise), kept off the
/// public site because live ballot counts are turnout that is published only with the results.
/// It runs as one of the site's services, so it starts and stops with it.
public func buildMetricsApplication(
    host: String, port: Int, metrics: SiteMetrics, readiness: @escaping @Sendable () async throws -> [String],
    retryAfterSeconds: Int = 5,
    logger: Logger = Logger(label: "mizan.metrics"),
    onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
    router.get("metrics") { _, _ -> Response in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
    HealthRoutes(readiness: readiness, retryAfterSeconds: retryAfterSeconds).addRoutes(to: router)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Mizan metrics"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
}

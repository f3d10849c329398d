import Foundation
import Hummingbird

/// What a load balancer and a monitor ask: `/health` says the process answers (it reads nothing, so
/// a database outage does not make every web node look dead and get restarted); `/ready` says this
/// node can serve — the database answers and every migration this binary knows is applied — and
/// answers 503 with the reason and `Retry-After` otherwise, so a balancer sends voters elsewhere.
/// `/metrics` (the Prometheus text) is served only on the metrics listener.
struct HealthRoutes {
    let readiness: @Sendable () async throws -> [String]
    let retryAfterSeconds: Int

    func addRoutes(to router: Router<WebContext>) {
        router.get("health") { _, _ -> Response in
            Self.text(.ok, "ok\n")
        }
        router.get("ready") { _, _ -> Response in
            await ready()
        }
    }

    func ready() async -> Response {
        let pending: [String]
        do {
            pending = try await readiness()
        } catch {
            return notReady("database unreachable or not usable: \(error)")
        }
        guard pending.isEmpty else {
            return notReady("\(pending.count) migration(s) not applied: \(pending.joined(separator: ", ")); run `mizan migrate`")
        }
        return Self.text(.ok, "ready\n")
    }

    private func notReady(_ reason: String) -> Response {
        var response = Self.text(.serviceUnavailable, "not ready: \(reason)\n")
        response.headers[.retryAfter] = String(retryAfterSeconds)
        return response
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

import Dispatch
import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
import Testing
@testable import MizanWeb

/// A site as `mizan serve --metrics-port` runs it: the pool and the ballot committer recording into
/// the site's registry, and the metrics listener beside the public one.
struct MeteredSite {
    let site: Site
    let metrics: SiteMetrics
    let pool: ConnectionPool

    static func with(
        readiness: (@Sendable (ConnectionPool) -> @Sendable () async throws -> [String])? = nil,
        _ body: @Sendable (_ client: any TestClientProtocol, _ metricsClient: any TestClientProtocol, MeteredSite) async throws -> Void
    ) async throws {
        let configuration = try await TestPostgres.database()
        let metrics = SiteMetrics(valueBuckets: [BallotMetrics.batchSizeLabel: [1, 2, 4, 8, 16, 32, 64, 128, 256]])
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4, metrics: PoolMetrics(factory: metrics.factory))
        let committer = BallotCommitter(pool: pool, metrics: BallotMetrics(factory: metrics.factory))
        let migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
        let schema = SchemaReadiness(pool: pool, migrations: migrations)
        let check: @Sendable () async throws -> [String]
        if let readiness {
            check = readiness(pool)
        } else {
            check = { try await schema.pendingMigrations() }
        }
        let backend = SiteBackend(
            storage: PostgresStorage(pool: pool), ballotBox: committer, services: [pool, committer], readiness: check, metrics: metrics)
        let app = try buildApplication(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600),
            backend: backend, secrets: .forTests)
        let metricsApp = buildMetricsApplication(host: "127.0.0.1", port: 0, metrics: metrics, readiness: check)
        let metered = MeteredSite(site: Site(configuration: configuration), metrics: metrics, pool: pool)
        try await metricsApp.test(.live) { metricsClient in
            try await app.test(.live) { client in try await body(client, metricsClient, metered) }
        }
    }

    /// The value of one series in the exposition the metrics listener serves, e.g.
    /// `mizan_identifications_total{result="failed"}`; nil when absent.
    static func value(_ series: String, in client: any TestClientProtocol) async throws -> Double? {
        let response = try await client.execute(uri: "/metrics", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return Self.value(series, in: String(buffer: response.body))
    }

    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            if Self.sameSeries(String(line[..<space]), series) { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }

    /// Series names compared with their labels in any order.
    static func sameSeries(_ a: String, _ b: String) -> Bool {
        func split(_ text: String) -> (String, Set<Substring>) {
            guard let brace = text.firstIndex(of: "{") else { return (text, []) }
            let labels = text[text.index(after: brace)..<(text.lastIndex(of: "}") ?? text.endIndex)]
            return (String(text[..<brace]), Set(labels.split(separator: ",")))
        }
        return split(a) == split(b)
    }
}

@Suite("Metrics, health and readiness")
struct MetricsTests {
    @Test func requestsAreCountedByRouteAndStatus() async throws {
        try await MeteredSite.with { client, metricsClient, _ in
            #expect(try await client.execute(uri: "/fr/", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/fr/cycles/999999", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/fr/cycles/999998", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/no/such/page", method: .get).status == .notFound)
            let text = String(buffer: try await metricsClient.execute(uri: "/metrics", method: .get).body)
            #expect(MeteredSite.value(#"mizan_http_requests_total{route="/fr",method="GET",status="200"}"#, in: text) == 1, "\(text)")
            // The route as registered, never the address asked: two cycles, one series.
            #expect(MeteredSite.value(#"mizan_http_requests_total{route="/fr/cycles/{id}",method="GET",status="404"}"#, in: text) == 2)
            #expect(!text.contains("999999"))
        }
    }

    @Test func identificationsAndBallotsAreCountedAsTheyHappen() async throws {
        try await MeteredSite.with { client, metricsClient, metered in
            let (cycle, projects, _) = try metered.site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            let failed = #"mizan_identifications_total{result="failed"}"#
            let identified = #"mizan_identifications_total{result="identified"}"#
            #expect(try await MeteredSite.value(failed, in: metricsClient) == nil)

            var stranger = Browser()
            let refused = try await stranger.becomeVoter(client, cycle: cycle, birthDate: "1990-01-01")
            #expect(refused.status == .unprocessableContent)
            #expect(try await MeteredSite.value(failed, in: metricsClient) == 1)
            #expect(try await MeteredSite.value(identified, in: metricsClient) == nil)

            var voter = Browser()
            let ballot = try await voter.becomeVoter(client, cycle: cycle)
            #expect(ballot.status == .ok)
            #expect(try await MeteredSite.value(identified, in: metricsClient) == 1)
            #expect(try await MeteredSite.value("mizan_ballots_committed_total", in: metricsClient) == 0)

            let html = String(buffer: ballot.body)
            let cast = try await voter.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": try #require(Browser.field("csrf", in: html)), "submission": try #require(Browser.field("submission", in: html)),
                "project": String(projects[0]),
            ])
            #expect(cast.status == .seeOther)
            let text = String(buffer: try await metricsClient.execute(uri: "/metrics", method: .get).body)
            #expect(MeteredSite.value("mizan_ballots_committed_total", in: text) == 1, "\(text)")
            #expect(MeteredSite.value("mizan_ballot_batch_size_count", in: text) == 1)
            #expect(MeteredSite.value(#"mizan_ballot_batch_size_bucket{le="1.0"}"#, in: text) == 1)
            #expect(MeteredSite.value("mizan_ballot_commit_seconds_count", in: text) == 1)
            #expect(MeteredSite.value("mizan_ballots_refused_total", in: text) == 0)

            // The same voter again, without the receipt: refused by the database, counted apart.
            var again = Browser()
            let second = String(buffer: try await again.becomeVoter(client, cycle: cycle).body)
            let replay = try await again.post(client, "/fr/cycles/\(cycle)/ballot", [
                "csrf": try #require(Browser.field("csrf", in: second)), "submission": try #require(Browser.field("submission", in: second)),
                "project": String(projects[1]),
            ])
            #expect(replay.status != .seeOther)
            #expect(try await MeteredSite.value("mizan_ballots_refused_total", in: metricsClient) == 1)
            #expect(try await MeteredSite.value("mizan_ballots_committed_total", in: metricsClient) == 1)
        }
    }

    @Test func rateLimitedIdentificationsAreCountedAsLimited() async throws {
        try await MeteredSite.with { client, metricsClient, metered in
            let (cycle, _, _) = try metered.site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var attacker = Browser()
            var statuses: [HTTPResponse.Status] = []
            // Guessing one voter's birth date: 5 failures, then limited.
            for day in 1...7 {
                statuses.append(try await attacker.becomeVoter(client, cycle: cycle, birthDate: "1990-05-0\(day)").status)
            }
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 1, "\(statuses)")
            let text = String(buffer: try await metricsClient.execute(uri: "/metrics", method: .get).body)
            let limited = MeteredSite.value(#"mizan_identifications_total{result="limited"}"#, in: text) ?? 0
            let failed = MeteredSite.value(#"mizan_identifications_total{result="failed"}"#, in: text) ?? 0
            #expect(Int(limited) == statuses.filter { $0 == .tooManyRequests }.count)
            #expect(Int(failed) == statuses.filter { $0 == .unprocessableContent }.count)
        }
    }

    @Test func poolWaitsAndTimeoutsAreCounted() async throws {
        let configuration = try await TestPostgres.database()
        let metrics = SiteMetrics()
        let pool = ConnectionPool(
            configuration: configuration, maximumConnections: 1, queueTimeout: .milliseconds(200), metrics: PoolMetrics(factory: metrics.factory))
        // The only connection is held until the second borrower has given up: it must wait, then
        // time out, however fast or slow the machine.
        let release = DispatchSemaphore(value: 0)
        let holder = Task { try await pool.withConnection { _ in release.wait() } }
        while pool.statistics.idle == 1 || pool.statistics.open == 0 { await Task.yield() }
        await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        release.signal()
        try await holder.value
        try await pool.query("SELECT 1")
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(MeteredSite.value("mizan_pool_waits_total", in: text) == 1, "\(text)")
        #expect(MeteredSite.value("mizan_pool_timeouts_total", in: text) == 1)
        #expect(MeteredSite.value("mizan_pool_wait_seconds_count", in: text) == 1)
        await pool.shutdown()
    }

    @Test func metricsAreNotOnThePublicSite() async throws {
        try await MeteredSite.with { client, _, _ in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
            #expect(!String(buffer: response.body).contains("mizan_"))
        }
    }

    @Test func readyWhenMigratedAndHealthWithoutTheDatabase() async throws {
        try await MeteredSite.with { client, metricsClient, _ in
            for answer in [try await client.execute(uri: "/ready", method: .get), try await metricsClient.execute(uri: "/ready", method: .get)] {
                #expect(answer.status == .ok)
                #expect(String(buffer: answer.body) == "ready\n")
                #expect(answer.headers[.cacheControl] == "no-store")
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func notReadyWhileAMigrationIsPending() async throws {
        let future = Migration(version: 9_999, name: "from_a_newer_binary", sql: "SELECT 1;")
        let known = try Migration.load(from: TestPostgres.migrationsDirectory)
        try await MeteredSite.with(readiness: { pool in
            let withFuture = SchemaReadiness(pool: pool, migrations: known + [future])
            return { try await withFuture.pendingMigrations() }
        }) { client, metricsClient, _ in
            for answer in [try await client.execute(uri: "/ready", method: .get), try await metricsClient.execute(uri: "/ready", method: .get)] {
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.headers[.retryAfter] == "5")
                #expect(String(buffer: answer.body).contains("9999_from_a_newer_binary.sql"))
            }
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok, "alive, though not ready")
        }
    }

    @Test func notReadyWhenTheDatabaseIsUnreachable() async throws {
        let port = try FreePort.pick()
        let nowhere = PostgresConfiguration(source: .keywords(["host": "127.0.0.1", "port": String(port), "dbname": "mizan", "user": "mizan"]))
        try await MeteredSite.with(readiness: { _ in
            let pool = ConnectionPool(configuration: nowhere, maximumConnections: 1)
            return { try await pool.query("SELECT 1"); return [] }
        }) { client, _, _ in
            let answer = try await client.execute(uri: "/ready", method: .get)
            #expect(answer.status == .serviceUnavailable)
            #expect(String(buffer: answer.body).hasPrefix("not ready: database unreachable"))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}

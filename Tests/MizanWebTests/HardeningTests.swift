import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanTestSupport
import PostgresDriver
import Testing
@testable import MizanWeb

#if canImport(Glibc)
import Glibc
#endif

/// What the server does for every request whatever the page: HEAD, methods the API does not
/// take, cross-site POSTs, HSTS, caching of private pages, a database that refuses writes, and
/// connections that send their headers slowly.
@Suite("Hardening")
struct HardeningTests {
    @Test func headIsAnsweredLikeGetEverywhere() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            for path in ["/health", "/fr/", "/ar/cycles/\(cycle)", "/fr/cycles/\(cycle)/propose", "/api/v1/communes", "/api/v1/openapi.json", "/fr/nothing-here"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == get.status, "\(path)")
                #expect(head.body.readableBytes == 0, "\(path)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(path)")
            }
            #expect(try await client.execute(uri: "/health", method: .head).status == .ok)
        }
    }

    @Test func theAPIAnswersOtherMethodsWithAJSON405AndOptions() async throws {
        try await Site.with { client, _ in
            for method in [HTTPRequest.Method.post, .delete, .put, .patch, HTTPRequest.Method("TRACE")!] {
                for path in ["/api/v1/communes", "/api/v1/cycles/1", "/api/v1/nothing"] {
                    let answer = try await client.execute(uri: path, method: method)
                    #expect(answer.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(answer.headers[HTTPField.Name("Allow")!] == "GET, HEAD, OPTIONS")
                    #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
                    #expect(String(buffer: answer.body).contains("\"method_not_allowed\""))
                }
            }
            let options = try await client.execute(uri: "/api/v1/communes", method: .options)
            #expect(options.status == .noContent)
            #expect(options.headers[HTTPField.Name("Allow")!] == "GET, HEAD, OPTIONS")
            #expect(options.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*")
            // The site's own pages are not the API: a POST there is not a 405.
            #expect(try await client.execute(uri: "/fr/", method: .delete).status != .methodNotAllowed)
        }
    }

    @Test func emptyQueryParametersAreAbsentAndEvery400IsDocumented() async throws {
        try await Site.with { client, _ in
            for path in ["/api/v1/communes?cursor=", "/api/v1/communes?province=", "/api/v1/communes?region=", "/api/v1/cycles?commune=&cursor="] {
                #expect(try await client.execute(uri: path, method: .get).status == .ok, "\(path)")
            }
            let document = String(buffer: try await client.execute(uri: "/api/v1/openapi.json", method: .get).body)
            for code in ["invalid_limit", "invalid_cursor", "invalid_province", "invalid_region", "invalid_id", "method_not_allowed"] {
                #expect(document.contains(code), "\(code)")
            }
            let bad = try await client.execute(uri: "/api/v1/communes?province=nope", method: .get)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("invalid_province"))
        }
    }

    @Test func aPostFromAnotherSiteIsRefused() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let csrf = try await browser.csrfField(client, from: "/fr/cycles/\(cycle)/propose")
            let fields = ["csrf": csrf, "title": "Terrain de sport", "category": "sport", "cost": "1000"]
            func post(_ extra: HTTPFields) async throws -> TestResponse {
                var headers: HTTPFields = [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"]
                headers.append(contentsOf: extra)
                return try await client.execute(uri: "/fr/cycles/\(cycle)/propose", method: .post, headers: headers, body: Browser.form(fields))
            }
            for foreign: HTTPFields in [
                [.origin: "https://evil.example"], [.origin: "null"], [.referer: "https://evil.example/fr/cycles"],
                [.origin: "http://localhost.evil.example"], [.origin: "https://evil.example", .referer: "http://localhost/fr/"],
            ] {
                let answer = try await post(foreign)
                #expect(answer.status == .forbidden, "\(foreign)")
                #expect(String(buffer: answer.body).contains("expiré") || String(buffer: answer.body).contains("expir"), "the CSRF page")
            }
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 0)
            #expect(try await post([.origin: "http://localhost:8080"]).status == .seeOther, "the same host")
            #expect(try await post([.referer: "https://LOCALHOST/fr/cycles"]).status == .seeOther)
            #expect(try await post([:]).status == .seeOther, "neither header: the CSRF token decides")
        }
    }

    @Test func originsAreComparedByHostAndPort() {
        #expect(OriginCheckMiddleware.matches("https://mizan.ma", authority: "mizan.ma"))
        #expect(OriginCheckMiddleware.matches("https://mizan.ma", authority: "mizan.ma:443"))
        #expect(!OriginCheckMiddleware.matches("http://mizan.ma", authority: "mizan.ma:443"))
        #expect(!OriginCheckMiddleware.matches("https://mizan.ma.evil.example", authority: "mizan.ma"))
        #expect(!OriginCheckMiddleware.matches("https://evil.example/?mizan.ma", authority: "mizan.ma"))
        #expect(!OriginCheckMiddleware.matches("javascript:alert(1)", authority: "mizan.ma"))
        #expect(OriginCheckMiddleware.matches("http://[::1]:8080", authority: "[::1]:8080"))
    }

    @Test func hstsIsSentOnlyWithSecureCookies() async throws {
        try await Site.with { client, _ in
            let answer = try await client.execute(uri: "/health", method: .get)
            #expect(answer.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
        try await Site.with(WebConfiguration(host: "127.0.0.1", port: 0, secureCookies: true, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600)) { client, _ in
            let answer = try await client.execute(uri: "/fr/", method: .get)
            #expect(answer.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=63072000")
        }
    }

    @Test func theTrackingPageIsNotStored() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let csrf = try await browser.csrfField(client, from: "/fr/cycles/\(cycle)/propose")
            let done = try await browser.post(client, "/fr/cycles/\(cycle)/propose", [
                "csrf": csrf, "title": "Terrain de sport", "category": "sport", "cost": "1000",
            ])
            let tracking = try await browser.get(client, try #require(done.headers[.location]))
            #expect(tracking.status == .ok)
            #expect(tracking.headers[.cacheControl] == "no-store")
        }
    }

    @Test func writesRefusedByTheDatabaseAnswer503WithRetryAfter() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            // The administrator stops writes; connections the site already holds are ended so
            // that every new one starts read-only.
            let superuser = try PostgresConnection.connect(TestPostgres.configuration(site.configuration, as: .superuser))
            try superuser.query("""
                DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$
                """)
            try superuser.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            superuser.close()
            var healthy = false
            for _ in 0..<6 where !healthy {
                healthy = try await client.execute(uri: "/health", method: .get).status == .ok
            }
            #expect(healthy, "reads still work")
            var browser = Browser()
            let csrf = try await browser.csrfField(client, from: "/fr/cycles/\(cycle)/propose")
            let answer = try await browser.post(client, "/fr/cycles/\(cycle)/propose", [
                "csrf": csrf, "title": "Terrain de sport", "category": "sport", "cost": "1000",
            ])
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.headers[.retryAfter] != nil)
        }
    }

    @Test func storageFailuresThatMeanTryLaterAreUnavailable() {
        for state in ["25006", "53100", "53200", "53300", "08006", "57P03"] {
            #expect(PostgresError(.query, "refused", sqlState: state).isUnavailable, "\(state)")
        }
        for state in ["23505", "22P02", "42601", "40001"] {
            #expect(!PostgresError(.query, "refused", sqlState: state).isUnavailable, "\(state)")
        }
    }

    @Test func aConnectionThatSendsItsHeadersSlowlyIsClosed() async throws {
        try await Site.with(WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 0.2, idleTimeoutSeconds: 60)) { client, _ in
            let port = try #require(client.port)
            let socket = try #require(LoopbackSocket.connect(port: port))
            defer { close(socket) }
            // A generous receive timeout: the test waits for the close, not for a clock.
            var wait = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            let partial = Array("GET /health HTTP/1.1\r\nHost: localhost\r\n".utf8)
            _ = partial.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            var buffer = [UInt8](repeating: 0, count: 512)
            let read = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            #expect(read == 0, "the server closed the connection without an answer")
        }
    }

    @Test func trustedProxiesAreReadFromTheRight() throws {
        let proxies = try #require(TrustedProxies(["10.0.0.0/8", "192.168.1.1", "::1"]))
        // Not a proxy: the header is the client's own words.
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
        // From a proxy: the right-most hop that is not a proxy.
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 198.51.100.1"]) == "198.51.100.1")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["6.6.6.6, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["6.6.6.6", "198.51.100.1, 192.168.1.1"]) == "198.51.100.1")
        #expect(proxies.client(peer: "::1", forwardedFor: ["2001:db8::7"]) == "2001:db8::7")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["not-an-address"]) == "10.1.2.3")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["10.4.4.4"]) == "10.4.4.4")
        #expect(TrustedProxies(["10.0.0.0/33"]) == nil)
        #expect(TrustedProxies(["proxy.example"]) == nil)
        #expect(TrustedProxies.none.client(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "10.1.2.3")
    }
}

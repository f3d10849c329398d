import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanPostgres
import MizanTestSupport
import MizanWeb
import Testing
import PostgresDriver

/// The site served over a real socket (`.live`) against a real PostgreSQL.
@Suite("Geography pages over HTTP")
struct GeographyPagesTests {
    func withSite(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let pool = ConnectionPool(configuration: try await TestPostgres.database(), maximumConnections: 4)
        let app = try buildApplication(configuration: WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600), backend: .postgres(pool), secrets: .forTests)
        try await app.test(.live, body)
    }

    static func links(_ html: String, prefix: String) -> Set<String> {
        var found: Set<String> = []
        var rest = html[...]
        let marker = "href=\"\(prefix)"
        while let range = rest.range(of: marker) {
            let tail = rest[range.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            found.insert(String(tail[..<end]))
            rest = tail[end...]
        }
        return found
    }

    @Test func homeListsTheTwelveRegionsAndThroughThemEveryCommune() async throws {
        try await withSite { client in
            let home = try await client.execute(uri: "/fr/", method: .get)
            #expect(home.status == .ok)
            #expect(home.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: home.body)
            let regions = Self.links(html, prefix: "/fr/regions/")
            #expect(regions.count == 12)
            #expect(html.contains("الشرق"), "Arabic names are shown")
            #expect(html.contains("1.503 communes"))

            var communes: Set<String> = []
            for region in regions.sorted() {
                let page = try await client.execute(uri: "/fr/regions/\(region)", method: .get)
                #expect(page.status == .ok)
                communes.formUnion(Self.links(String(buffer: page.body), prefix: "/fr/communes/"))
            }
            #expect(communes.count == 1_503)
        }
    }

    @Test func communePageShowsNamesPopulationAndArrondissements() async throws {
        try await withSite { client in
            let casablanca = try await client.execute(uri: "/fr/communes/06.141.01.0", method: .get)
            #expect(casablanca.status == .ok)
            let html = String(buffer: casablanca.body)
            #expect(html.contains("Casablanca"))
            #expect(html.contains("الدار البيضاء"))
            #expect(html.contains("3.215.935 habitants"))
            #expect(html.components(separatedBy: "<li><bdi>").count - 1 == 16, "16 arrondissements")

            let province = try await client.execute(uri: "/fr/provinces/02.113", method: .get)
            #expect(province.status == .ok)
            #expect(String(buffer: province.body).contains("Berkane"))
        }
    }

    @Test func unknownAndMalformedCodesGetAFriendly404() async throws {
        try await withSite { client in
            for uri in ["/fr/communes/99.999.99.9", "/fr/communes/abc", "/fr/regions/1", "/nowhere", "/fr/cycles/999"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                let html = String(buffer: response.body)
                #expect(html.contains("Page introuvable"), "\(uri)")
                #expect(!html.contains("SELECT"))
            }
        }
    }

    @Test func everyResponseCarriesSecurityHeaders() async throws {
        try await withSite { client in
            for uri in ["/fr/", "/static/mizan.css", "/nowhere"] {
                let response = try await client.execute(uri: uri, method: .get)
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(policy.contains("script-src 'self';"), "scripts only from the site itself")
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), "no inline script, no eval")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            }
        }
    }

    @Test func anUnreachableDatabaseGivesATryAgainPage() async throws {
        let unreachable = PostgresConfiguration(
            source: .keywords(["host": "/tmp/mizan-no-such-socket", "port": "1", "user": "postgres", "dbname": "x"]),
            connectTimeoutSeconds: 2)
        let pool = ConnectionPool(configuration: unreachable, maximumConnections: 2)
        // Long connection timeouts, as for every live test site: on a loaded machine the client may
        // connect well before it sends its request.
        let web = WebConfiguration(host: "127.0.0.1", port: 0, retryAfterSeconds: 7, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600)
        let app = try buildApplication(configuration: web, backend: .postgres(pool), secrets: .forTests)
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/fr/", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "7")
            let html = String(buffer: response.body)
            #expect(html.contains("réessayez"))
            #expect(!html.contains("mizan-no-such-socket"), "no internals leak to the page")
        }
    }
}

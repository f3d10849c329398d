import Foundation
import Hummingbird
import HummingbirdTesting
import MizanPostgres
import MizanTestSupport
@testable import MizanWeb
import Testing
import PostgresDriver

@Suite("Languages")
struct LanguageTests {
    @Test func everyCatalogHasEveryKey() throws {
        let catalogs = try Catalogs()
        for language in Language.allCases {
            #expect(catalogs.missingKeys(in: language).isEmpty, "\(language.rawValue) lacks \(catalogs.missingKeys(in: language))")
            #expect(catalogs.table(language).values.allSatisfy { !$0.isEmpty }, "\(language.rawValue) has an empty string")
        }
        // Tamazight is written in Tifinagh.
        let tamazight = catalogs.text("home_title", .zgh)
        #expect(tamazight.unicodeScalars.contains { (0x2D30...0x2D7F).contains($0.value) })
    }

    @Test func acceptLanguagePicksTheBestSupported() {
        #expect(Language.preferred(acceptLanguage: "ar-MA,ar;q=0.9,fr;q=0.8") == .ar)
        #expect(Language.preferred(acceptLanguage: "de-DE, en;q=0.5, fr;q=0.7") == .fr)
        #expect(Language.preferred(acceptLanguage: "zgh, fr;q=0.1") == .zgh)
        #expect(Language.preferred(acceptLanguage: "de") == nil)
        #expect(Language.preferred(acceptLanguage: nil) == nil)
    }

    @Test func moneyAndDatesFollowMoroccanConventions() throws {
        let catalogs = try Catalogs()
        #expect(catalogs.money(.init(centimes: 123_456_789), .fr) == "1.234.567,89\u{00A0}MAD")
        #expect(catalogs.money(.init(centimes: 123_456_789), .ar) == "1.234.567,89\u{00A0}درهم")
        // 23:30 UTC on 31 December is already 1 January in Casablanca (UTC+1).
        let newYear = Date(timeIntervalSince1970: 1_798_759_800)
        #expect(catalogs.date(newYear, .fr, withTime: true) == "1 janvier 2027 00:30")
    }

    func withSite(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let pool = ConnectionPool(configuration: try await TestPostgres.database(), maximumConnections: 4)
        let app = try buildApplication(configuration: WebConfiguration(host: "127.0.0.1", port: 0, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600), backend: .postgres(pool), secrets: .forTests)
        try await app.test(.live, body)
    }

    @Test func everyPageRendersInAllFourLanguagesWithTheRightDirection() async throws {
        try await withSite { client in
            for language in Language.allCases {
                for path in ["/", "/regions/02", "/provinces/02.113", "/communes/02.113.01.09", "/search?q=berk"] {
                    let response = try await client.execute(uri: "/\(language.rawValue)\(path)", method: .get)
                    #expect(response.status == .ok, "\(language) \(path)")
                    let html = String(buffer: response.body)
                    #expect(html.contains("<html lang=\"\(language.rawValue)\" dir=\"\(language.direction)\">"), "\(language) \(path)")
                    #expect(!html.contains("{{"), "no template tag left in \(language) \(path)")
                    #expect(response.headers[.setCookie]?.contains("mz_lang=\(language.rawValue)") == true)
                }
            }
            let arabic = String(buffer: try await client.execute(uri: "/ar/communes/02.113.01.09", method: .get).body)
            #expect(arabic.contains("<h1><bdi>بركان</bdi> <bdi class=\"other\" lang=\"fr\">Berkane</bdi>"))
        }
    }

    @Test func unprefixedAddressesRedirectToTheVisitorsLanguage() async throws {
        try await withSite { client in
            let arabic = try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "ar-MA,fr;q=0.5"])
            #expect(arabic.status == .found)
            #expect(arabic.headers[.location] == "/ar/")
            let cookie = try await client.execute(uri: "/communes/02.113.01.09", method: .get, headers: [.cookie: "mz_lang=zgh", .acceptLanguage: "ar"])
            #expect(cookie.headers[.location] == "/zgh/communes/02.113.01.09")
            let fallback = try await client.execute(uri: "/search?q=fes", method: .get)
            #expect(fallback.headers[.location] == "/fr/search?q=fes")
        }
    }

    @Test func searchFindsCommunesInFrenchOrArabic() async throws {
        try await withSite { client in
            let french = String(buffer: try await client.execute(uri: "/fr/search?q=Berkane", method: .get).body)
            #expect(french.contains("/fr/communes/02.113.01.09"))
            let arabic = String(buffer: try await client.execute(uri: "/ar/search?q=%D8%A8%D8%B1%D9%83%D8%A7%D9%86", method: .get).body)
            #expect(arabic.contains("/ar/communes/02.113.01.09"))
            let injected = try await client.execute(uri: "/fr/search?q=%3Cscript%3Ealert(1)%3C/script%3E", method: .get)
            #expect(!String(buffer: injected.body).contains("<script>"), "templates escape what users type")
        }
    }
}

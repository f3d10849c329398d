import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import PostgresDriver
import Testing
@testable import MizanWeb

/// Identification where many voters share one address — a commune office, a cybercafé, a
/// carrier's NAT: successes never lock an address out, failures still do, a proxy is believed
/// only when configured, and a kiosk opened by staff is limited on its own.
@Suite("Identification from shared addresses")
struct KioskTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Sends the eligibility form with `fields`, from a browser with the CSRF cookie, optionally
    /// through a proxy that says the client is `forwardedFor`.
    static func identify(
        _ client: any TestClientProtocol, _ browser: inout Browser, cycle: Int, _ fields: [String: String], forwardedFor: String? = nil
    ) async throws -> TestResponse {
        let form = try await browser.get(client, "/fr/cycles/\(cycle)/vote")
        var all = fields
        all["csrf"] = Browser.field("csrf", in: String(buffer: form.body)) ?? ""
        var headers: HTTPFields = [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"]
        if let forwardedFor { headers[Self.forwardedFor] = forwardedFor }
        return try await client.execute(uri: "/fr/cycles/\(cycle)/vote", method: .post, headers: headers, body: Browser.form(all))
    }

    static func attemptKeys(_ site: Site) throws -> [String] {
        try site.transaction { connection in
            try connection.query("SELECT key FROM eligibility_attempts WHERE key LIKE 'client:%' ORDER BY key").rows.map { try $0.decode(String.self, 0) }
        }
    }

    @Test func fortySuccessfulIdentificationsFromOneAddressPass() async throws {
        try await Site.with { client, site in
            let (cycle, _, code) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            for round in 0..<40 {
                var browser = Browser()
                let fields = round % 3 == 0 ? ["code": code.printed] : ["national_id": round % 3 == 1 ? "AB123456" : "CD234567", "birth_date": round % 3 == 1 ? "1990-05-12" : "1985-07-12"]
                let answer = try await Self.identify(client, &browser, cycle: cycle, fields)
                #expect(answer.status == .seeOther, "identification \(round + 1)")
            }
            #expect(try Self.attemptKeys(site).isEmpty, "successes are not counted against the address")
        }
    }

    @Test func failuresFromOneAddressAreStillLimited() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            for round in 0..<IdentifyVoter.Limits.standard.perClient {
                let answer = try await Self.identify(client, &browser, cycle: cycle, ["national_id": "ZZ\(100_000 + round)", "birth_date": "1990-01-01"])
                #expect(answer.status == .unprocessableContent)
            }
            let right = try await Self.identify(client, &browser, cycle: cycle, ["national_id": "AB123456", "birth_date": "1990-05-12"])
            #expect(right.status == .tooManyRequests, "right details or not, the address must wait")
        }
    }

    @Test func forwardedForIsIgnoredFromAnUntrustedPeer() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            _ = try await Self.identify(client, &browser, cycle: cycle, ["national_id": "ZZ000001", "birth_date": "1990-01-01"], forwardedFor: "198.51.100.7")
            #expect(try Self.attemptKeys(site) == ["client:127.0.0.1"])
        }
    }

    @Test func forwardedForIsHonouredFromATrustedProxy() async throws {
        let configuration = WebConfiguration(
            host: "127.0.0.1", port: 0, trustedProxies: TrustedProxies(["127.0.0.1"])!, headerTimeoutSeconds: 600, idleTimeoutSeconds: 600)
        try await Site.with(configuration) { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            for round in 0..<IdentifyVoter.Limits.standard.perClient {
                _ = try await Self.identify(
                    client, &browser, cycle: cycle, ["national_id": "ZZ\(100_000 + round)", "birth_date": "1990-01-01"], forwardedFor: "6.6.6.6, 198.51.100.7")
            }
            #expect(Set(try Self.attemptKeys(site)) == ["client:198.51.100.7"], "the right-most hop, not what the client wrote")
            let limited = try await Self.identify(
                client, &browser, cycle: cycle, ["national_id": "AB123456", "birth_date": "1990-05-12"], forwardedFor: "198.51.100.7")
            #expect(limited.status == .tooManyRequests)
            let other = try await Self.identify(
                client, &browser, cycle: cycle, ["national_id": "AB123456", "birth_date": "1990-05-12"], forwardedFor: "198.51.100.8")
            #expect(other.status == .seeOther, "another client behind the same proxy is not locked out")
        }
    }

    @Test func aKioskOpenedByStaffIsLimitedOnItsOwn() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await site.staffAccount()
            var kiosk = Browser()
            #expect(try await kiosk.signIn(client, username: "amina", password: "correct horse battery").status == .seeOther)
            let page = try await kiosk.get(client, "/fr/staff/kiosk")
            #expect(page.status == .ok)
            let csrf = try #require(Browser.field("csrf", in: String(buffer: page.body)))
            let opened = try await kiosk.post(client, "/fr/staff/kiosk", ["csrf": csrf, "action": "open"])
            #expect(opened.status == .ok)
            let pass = try #require(kiosk.cookies[KioskPass.cookieName])
            #expect(!pass.isEmpty)
            #expect(kiosk.cookies[StaffSessionCookie.name] == "", "opening a kiosk signs the staff member out there")
            #expect(try await kiosk.get(client, "/fr/staff").status == .seeOther, "voters at the kiosk find no staff pages open")

            _ = try await Self.identify(client, &kiosk, cycle: cycle, ["national_id": "ZZ000001", "birth_date": "1990-01-01"])
            let keys = try Self.attemptKeys(site)
            #expect(keys.count == 1 && keys[0].hasPrefix("client:kiosk:"), "\(keys)")

            // A pass that was altered, or made up, is ignored: the address counts.
            let parts = pass.split(separator: ".").map(String.init)
            let otherKiosk = "v1.\(parts[1])x.\(parts[2]).\(parts[3])"
            let otherSignature = "v1.\(parts[1]).\(parts[2]).\(parts[3].hasPrefix("A") ? "B" : "A")\(parts[3].dropFirst())"
            for forged in [otherKiosk, otherSignature, "v1.mykiosk.99999999999.abc"] {
                var browser = Browser()
                browser.cookies[KioskPass.cookieName] = forged
                _ = try await Self.identify(client, &browser, cycle: cycle, ["national_id": "ZZ000002", "birth_date": "1990-01-01"])
            }
            #expect(try Self.attemptKeys(site).filter { $0 == "client:127.0.0.1" }.count == 3)
        }
    }

    @Test func aKioskPassCannotBeMadeOrKeptPastItsEnd() throws {
        let secrets = ServerSecrets.forTests
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let pass = KioskPass.open(lifetime: 3600, now: now)
        let cookie = pass.cookie(secrets, secure: true, now: now)
        func request(_ value: String) -> Request {
            Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/", headerFields: [.cookie: "\(KioskPass.cookieName)=\(value)"]),
                body: .init(buffer: ByteBuffer()))
        }
        #expect(KioskPass.read(request(cookie.value), secrets: secrets, now: now) == pass)
        #expect(KioskPass.read(request(cookie.value), secrets: secrets, now: now.addingTimeInterval(3601)) == nil, "expired")
        let other = try ServerSecrets(masterKey: Array(repeating: 0x11, count: 32))
        #expect(KioskPass.read(request(pass.cookie(other, secure: true, now: now).value), secrets: secrets, now: now) == nil, "another server's key")
        let parts = cookie.value.split(separator: ".").map(String.init)
        let longer = "v1.\(parts[1]).\(Int(parts[2])! + 86_400).\(parts[3])"
        #expect(KioskPass.read(request(longer), secrets: secrets, now: now) == nil, "a pass cannot be extended")
    }
}

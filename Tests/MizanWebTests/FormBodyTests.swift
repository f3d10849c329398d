import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import PostgresDriver
import Testing
@testable import MizanWeb

/// Bodies a browser would never send, and the long ones it may: each answers 400 or 413 with the
/// form and what could be read of it, never a 500, and nothing is stored.
@Suite("Form bodies")
struct FormBodyTests {
    // MARK: Reading

    @Test func aWellFormedBodyIsRead() {
        let fields = FormFields(bytes: Array("title=Caf%C3%A9+du+coin&description=&project=1&project=2".utf8), repeatable: ["project"])
        #expect(fields.problem == nil)
        #expect(fields["title"] == "Café du coin")
        #expect(fields["description"] == "")
        #expect(fields.all("project") == ["1", "2"])
    }

    @Test(arguments: [
        "title=a&title=b", "csrf=x&title=a&csrf=y", "title[]=x", "cost[0]=1", "title=%%", "x=50%", "title=%zz", "title=%C3",
        "title=%FF%FE", "title=a%00b", "=value", "title", "title=%E2%82",
    ])
    func aBodyNoFormSendsIsMalformed(_ body: String) {
        let fields = FormFields(bytes: Array(body.utf8))
        #expect(fields.problem == .malformed, "\(body)")
    }

    @Test func whatParsedIsKeptBesideAMalformedField() {
        let fields = FormFields(bytes: Array("title=Terrain&cost=%zz&title=other&location=Hay+Salam".utf8))
        #expect(fields.problem == .malformed)
        #expect(fields["title"] == "Terrain", "the first value is kept, not the repeat")
        #expect(fields["location"] == "Hay Salam")
        #expect(fields["cost"] == nil)
    }

    @Test func emptyAndTruncatedBodies() {
        #expect(FormFields(bytes: [UInt8]()).problem == .empty)
        #expect(FormFields(bytes: Array("&&".utf8)).problem == .empty)
        let cut = FormFields(bytes: Array("title=Terrain&description=abcdef".utf8), truncated: true)
        #expect(cut.problem == .tooLarge)
        #expect(cut["title"] == "Terrain")
        #expect(cut["description"] == nil, "the field cut at the limit is dropped")
    }

    @Test func theProposalLimitHoldsTheLongestTifinaghDescription() {
        // Every Tifinagh letter is 3 bytes of UTF-8 and 9 once percent-encoded.
        #expect(FormLimit.proposal.bytes > 10_000 * 9 + 200 * 9 + 300 * 9)
        #expect(FormLimit.proposal.bytes < 200 * 1024)
    }

    @Test func costsInArabicIndicDigitsAreRead() throws {
        #expect(try Money(parsing: "١٢٠٠٠٠").centimes == 12_000_000)
        #expect(try Money(parsing: "۱۲۰۰۰۰").centimes == 12_000_000)
        #expect(try Money(parsing: "١٢٠٬٠٠٠٫٥٠ د.م.").centimes == 12_000_050)
        #expect(throws: MoneyError.self) { try Money(parsing: "١٢x") }
    }

    // MARK: Over HTTP

    static func send(
        _ client: any TestClientProtocol, _ uri: String, _ body: [UInt8], browser: Browser, contentType: String? = "application/x-www-form-urlencoded"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: browser.cookieHeader]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    @Test func aTenThousandLetterTifinaghDescriptionIsAccepted() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let csrf = try #require(Browser.field("csrf", in: String(buffer: try await browser.get(client, "/zgh/cycles/\(cycle)/propose").body)))
            let description = String(repeating: "ⵜⴰⵙⴷⵍⵉⵙⵜⵏ ", count: 1_000)
            #expect(description.utf16.count == 10_000)
            let done = try await browser.post(client, "/zgh/cycles/\(cycle)/propose", [
                "csrf": csrf, "title": "ⵜⴰⵙⴷⵍⵉⵙⵜ ⵏ ⵜⵎⴰⵣⵉⵔⵜ", "description": description, "category": "culture", "cost": "١٢٠٠٠٠",
            ])
            #expect(done.status == .seeOther)
            let stored = try site.transaction { try $0.query("SELECT description, estimated_cost_centimes FROM proposals").single() }
            #expect(try stored.decode(String.self, 0) == description)
            #expect(try stored.decode(Int64.self, 1) == 12_000_000)
        }
    }

    @Test func aBodyOverTheLimitComesBackAsTheFormWithWhatParsed() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let csrf = try #require(Browser.field("csrf", in: String(buffer: try await browser.get(client, "/zgh/cycles/\(cycle)/propose").body)))
            var body = Array(Browser.form(["csrf": csrf]).readableBytesView) + Array("&title=%E2%B5%9C%E2%B4%B0&category=culture&description=".utf8)
            body += Array(repeating: UInt8(ascii: "a"), count: 300_000)
            let answer = try await Self.send(client, "/zgh/cycles/\(cycle)/propose", body, browser: browser)
            #expect(answer.status == .contentTooLarge)
            let html = String(buffer: answer.body)
            #expect(html.contains("ⵜⴼⵔⵎⵉⵜ ⵜⵖⵣⵣⵉⴼ"), "the message is in the visitor's language")
            #expect(html.contains("value=\"ⵜⴰ\""), "the title typed comes back")
            #expect(html.contains("<option value=\"culture\" selected>"))
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 0)
        }
    }

    @Test func malformedProposalBodiesAnswer400WithTheForm() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            var browser = Browser()
            let csrf = try #require(Browser.field("csrf", in: String(buffer: try await browser.get(client, "/fr/cycles/\(cycle)/propose").body)))
            let valid = "csrf=\(csrf)&title=Terrain+de+sport&category=sport&cost=1000"
            let bodies: [(String, [UInt8], String?)] = [
                ("repeated title", Array((valid + "&title=autre").utf8), nil),
                ("repeated csrf", Array((valid + "&csrf=\(csrf)").utf8), nil),
                ("title[]", Array((valid + "&title[]=x").utf8), nil),
                ("cost[0]", Array((valid + "&cost[0]=1").utf8), nil),
                ("%%", Array((valid + "&location=%%").utf8), nil),
                ("50%", Array((valid + "&x=50%").utf8), nil),
                ("%zz", Array((valid + "&location=%zz").utf8), nil),
                ("invalid UTF-8", Array((valid + "&location=").utf8) + [0xFF, 0xFE], nil),
                ("invalid UTF-8 escaped", Array((valid + "&location=%C3%28").utf8), nil),
                ("JSON", Array("{\"title\":\"Terrain\"}".utf8), "application/json"),
                ("multipart", Array("--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nTerrain\r\n--x--\r\n".utf8), "multipart/form-data; boundary=x"),
                ("empty", [], "application/x-www-form-urlencoded"),
            ]
            for (label, body, type) in bodies {
                let answer = try await Self.send(client, "/fr/cycles/\(cycle)/propose", body, browser: browser, contentType: type ?? "application/x-www-form-urlencoded")
                #expect(answer.status == .badRequest, "\(label)")
                let html = String(buffer: answer.body)
                #expect(html.contains("pas pu être lu tel qu"), "\(label)")
                #expect(html.contains("name=\"title\""), "\(label): the form comes back")
                if type == nil { #expect(html.contains("value=\"Terrain de sport\""), "\(label): what was typed is kept") }
            }
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM proposals").single().decode(Int.self, 0) } == 0)
        }
    }

    @Test func malformedEligibilityBallotAndReceiptBodiesAnswer400() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var browser = Browser()
            let eligibility = try await Self.send(client, "/ar/cycles/\(cycle)/vote", Array("national_id=a&national_id=b".utf8), browser: browser)
            #expect(eligibility.status == .badRequest)
            #expect(String(buffer: eligibility.body).contains("تعذرت قراءة النموذج"))

            let ballot = try await browser.becomeVoter(client, cycle: cycle)
            let csrf = try #require(Browser.field("csrf", in: String(buffer: ballot.body)))
            let cast = try await Self.send(
                client, "/fr/cycles/\(cycle)/ballot", Array("csrf=\(csrf)&project=\(projects[0])&receipt=%zz".utf8), browser: browser)
            #expect(cast.status == .badRequest)
            let html = String(buffer: cast.body)
            #expect(html.contains("pas pu être lu tel qu"))
            #expect(html.contains(" checked"), "the marks come back")

            let receipt = try await Self.send(client, "/fr/receipts", Array("csrf=\(csrf)&code=%%".utf8), browser: browser)
            #expect(receipt.status == .badRequest)
            #expect(try site.transaction { try $0.query("SELECT count(*) FROM participation").single().decode(Int.self, 0) } == 0)
        }
    }

    @Test func aMalformedStaffLoginAnswers400() async throws {
        try await Site.with { client, site in
            try await site.staffAccount()
            var browser = Browser()
            let csrf = try await browser.csrfField(client, from: "/fr/staff/login")
            for body in ["csrf=\(csrf)&username=amina&username=x&password=y", "csrf=\(csrf)&username[]=amina", "csrf=\(csrf)&password=%%"] {
                let answer = try await Self.send(client, "/fr/staff/login", Array(body.utf8), browser: browser)
                #expect(answer.status == .badRequest, "\(body)")
            }
            let large = try await Self.send(
                client, "/fr/staff/login", Array("csrf=\(csrf)&password=".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200_000), browser: browser)
            #expect(large.status == .contentTooLarge)
        }
    }
}

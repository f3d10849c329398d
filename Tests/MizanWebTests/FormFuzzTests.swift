import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import Testing
@testable import MizanWeb

/// A seeded generator of broken bodies, sent to every form a citizen or staff member posts: none
/// may answer 500 or above. The seed is fixed, so a failure names a body that can be sent again.
@Suite("Form body fuzzing")
struct FormFuzzTests {
    /// SplitMix64: small, fast, and the same sequence on every platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// One form: where it posts and a well-formed body to start from.
    struct Target: Sendable, CustomTestStringConvertible {
        let name: String
        var testDescription: String { name }
    }

    static let pieces: [[UInt8]] = [
        Array("%".utf8), Array("%%".utf8), Array("%z".utf8), Array("%zz".utf8), Array("%C3".utf8), Array("%FF".utf8), Array("%00".utf8),
        Array("[]".utf8), Array("[0]".utf8), Array("&".utf8), Array("=".utf8), Array("+".utf8), Array("50%".utf8), [0xFF], [0xC3], [0x00],
        [0xE2, 0xB5], Array("ⵜⴰⵎⴰⵣⵉⵖⵜ".utf8), Array("مكتبة".utf8), Array("١٢٠٠٠٠".utf8), Array("'; DROP TABLE proposals; --".utf8),
        Array("<script>".utf8), Array("\r\n".utf8), Array("%0D%0A".utf8), Array("%E2%B5%9C".utf8),
    ]

    static let contentTypes: [String?] = [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", nil, "application/json",
        "multipart/form-data; boundary=x", "text/plain", "APPLICATION/X-WWW-FORM-URLENCODED",
    ]

    /// A mutation of `fields` (name, value pairs already encoded).
    static func body(_ fields: [(String, String)], limit: Int, using random: inout SeededGenerator) -> [UInt8] {
        var pairs = fields.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            guard !pairs.isEmpty else { break }
            let index = Int.random(in: 0..<pairs.count, using: &random)
            switch Int.random(in: 0..<9, using: &random) {
            case 0: pairs.append(pairs[index])
            case 1: pairs[index].0 += pieces.randomElement(using: &random)!
            case 2: pairs[index].1 += pieces.randomElement(using: &random)!
            case 3: pairs[index].1.insert(contentsOf: pieces.randomElement(using: &random)!, at: Int.random(in: 0...pairs[index].1.count, using: &random))
            case 4: pairs[index].1 = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 5: pairs[index].1 = Array(repeating: UInt8(ascii: "a"), count: Int.random(in: limit / 2...limit + limit / 4, using: &random))
            case 6: pairs.remove(at: index)
            case 7: pairs[index].1 = Array(String(repeating: "%E2%B5%9C", count: Int.random(in: 1...12_000, using: &random)).utf8)
            default: pairs.swapAt(index, Int.random(in: 0..<pairs.count, using: &random))
            }
        }
        var body: [UInt8] = []
        for (offset, pair) in pairs.enumerated() {
            if offset > 0 { body.append(UInt8(ascii: "&")) }
            body += pair.0 + [UInt8(ascii: "=")] + pair.1
        }
        return Int.random(in: 0..<40, using: &random) == 0 ? [] : body
    }

    /// One form at a time: five sites fuzzed at once on a loaded machine would test its patience,
    /// not the forms.
    @Test(.serialized, arguments: ["propose", "eligibility", "ballot", "receipt", "staff login", "staff review", "paper counts", "envelope",
                                         "paper sheet", "paper one", "new cycle", "cycle settings", "district", "advance", "tally", "implementation"])
    func noBrokenBodyEndsInAServerError(_ form: String) async throws {
        try await Site.with(testing: .router) { client, site in
            var browser = Browser()
            let uri: String
            var fields: [(String, String)]
            let limit: Int
            switch form {
            case "propose":
                let cycle = try site.cycleTakingProposals()
                uri = "/fr/cycles/\(cycle)/propose"
                let csrf = try await browser.csrfField(client, from: uri)
                fields = [("csrf", csrf), ("title", "Terrain+de+sport"), ("description", "Un+terrain"), ("category", "sport"), ("cost", "1000"), ("location", "Hay")]
                limit = FormLimit.proposal.bytes
            case "eligibility", "ballot":
                let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
                let ballot = try await browser.becomeVoter(client, cycle: cycle)
                let html = String(buffer: ballot.body)
                let csrf = Browser.field("csrf", in: html) ?? ""
                if form == "eligibility" {
                    uri = "/fr/cycles/\(cycle)/vote"
                    fields = [("csrf", csrf), ("national_id", "AB123456"), ("birth_date", "1990-05-12")]
                    limit = FormLimit.eligibility.bytes
                } else {
                    uri = "/fr/cycles/\(cycle)/ballot"
                    fields = [("csrf", csrf), ("submission", Browser.field("submission", in: html) ?? ""), ("project", "\(projects[0])"), ("project", "\(projects[1])")]
                    limit = FormLimit.ballot.bytes
                }
            case "receipt":
                uri = "/fr/receipts"
                fields = [("csrf", try await browser.csrfField(client, from: uri)), ("code", "ABCD-EFGH-JKLM")]
                limit = FormLimit.receipt.bytes
            case "staff review":
                let cycle = try site.cycleTakingProposals()
                let proposal = try site.submit("Terrain de sport", cycle: cycle)
                try site.advance(cycle)
                try await site.staffAccount("amina", role: .reviewer)
                try await browser.signIn(client, username: "amina", password: "correct horse battery")
                uri = "/fr/staff/proposals/\(proposal)/review"
                let csrf = try await browser.csrfField(client, from: "/fr/staff/cycles/\(cycle)/review")
                fields = [("csrf", csrf), ("action", "accept"), ("cost", "120.000,00"), ("answer", "Retenu"), ("status", "submitted")]
                limit = FormLimit.review.bytes
            case "paper counts":
                let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
                try await site.staffAccount("karim", role: .countOfficer)
                try await browser.signIn(client, username: "karim", password: "correct horse battery")
                uri = "/fr/staff/cycles/\(cycle)/paper/counts"
                let csrf = try await browser.csrfField(client, from: "/fr/staff/cycles/\(cycle)/paper")
                fields = [("csrf", csrf), ("place", "École+A"), ("spoiled", "3"), ("blank", "1")]
                limit = FormLimit.paperCount.bytes
            case "envelope":
                let cycle = try site.cycleTakingProposals()
                try await site.staffAccount("amina", role: .admin)
                try await browser.signIn(client, username: "amina", password: "correct horse battery")
                uri = "/fr/staff/cycles/\(cycle)/envelope"
                let csrf = try await browser.csrfField(client, from: "/fr/staff/cycles/\(cycle)")
                fields = [("csrf", csrf), ("district", "Hay+Al+Massira"), ("budget", "1000000")]
                limit = FormLimit.review.bytes
            case "paper sheet":
                let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
                try await site.staffAccount("karim", role: .countOfficer)
                try await browser.signIn(client, username: "karim", password: "correct horse battery")
                uri = "/fr/staff/cycles/\(cycle)/paper"
                let csrf = try await browser.csrfField(client, from: uri)
                fields = [("csrf", csrf), ("ballots", "code%3AABCD-EFGH-JKLM%2C\(projects[0])+\(projects[1])%0D%0A"), ("mode", "check")]
                limit = FormLimit.paper.bytes
            case "paper one":
                let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
                try await site.staffAccount("karim", role: .countOfficer)
                try await browser.signIn(client, username: "karim", password: "correct horse battery")
                uri = "/fr/staff/cycles/\(cycle)/paper/one"
                let csrf = try await browser.csrfField(client, from: "/fr/staff/cycles/\(cycle)/paper")
                fields = [("csrf", csrf), ("voter", "AB123456"), ("project", "\(projects[0])"), ("project", "\(projects[1])"), ("mark_\(projects[2])", "1")]
                limit = FormLimit.ballot.bytes
            case "new cycle", "cycle settings":
                let cycle = try site.cycleTakingProposals()
                try await site.staffAccount("amina", role: .admin)
                try await browser.signIn(client, username: "amina", password: "correct horse battery")
                uri = form == "new cycle" ? "/fr/staff/cycles/new" : "/fr/staff/cycles/\(cycle)/settings"
                let csrf = try await browser.csrfField(client, from: uri)
                fields = [("csrf", csrf)] + [
                    ("commune", "02.113.01.09"), ("year", "2027"), ("title", "Budget+2027"), ("budget", "1.500.000"), ("ballot", "points"),
                    ("points", "10"), ("points-cap", "4"), ("rule", "equalshares"), ("tie", "equalshares"), ("completion", "add1u"),
                    ("integral", "yes"), ("increment", "2"), ("comparison", "satisfaction"), ("tie-criteria", "minCost%2CmaxVotes"),
                    ("min-votes", "10"), ("min-share", "10%25"), ("share-of", "district"), ("cost-divisor", "3"), ("fund-next-at", "80%25"),
                    ("proposals-open", "2027-03-01"), ("proposals-close", "2027-03-31"), ("voting-open", "2027-05-01"), ("voting-close", "2027-05-15"),
                ]
                limit = FormLimit.cycleSettings.bytes
            case "district":
                let cycle = try site.cycleTakingProposals()
                try await site.staffAccount("amina", role: .admin)
                try await browser.signIn(client, username: "amina", password: "correct horse battery")
                uri = "/fr/staff/cycles/\(cycle)/districts"
                let csrf = try await browser.csrfField(client, from: "/fr/staff/cycles/\(cycle)")
                fields = [("csrf", csrf), ("name_fr", "Hay+Salam"), ("name_ar", "%D8%AD%D9%8A"), ("population", "1200")]
                limit = FormLimit.district.bytes
            case "advance", "tally", "implementation":
                let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
                try await site.staffAccount("amina", role: .admin)
                try await browser.signIn(client, username: "amina", password: "correct horse battery")
                let csrf = try await browser.csrfField(client, from: "/fr/staff")
                switch form {
                case "advance":
                    uri = "/fr/staff/cycles/\(cycle)/advance"
                    fields = [("csrf", csrf), ("from", "draft")]
                case "tally":
                    uri = "/fr/staff/cycles/\(cycle)/tally"
                    fields = [("csrf", csrf), ("confirm_small", "yes")]
                default:
                    uri = "/fr/staff/proposals/\(projects[0])/implementation"
                    fields = [("csrf", csrf), ("status", "in_progress"), ("progress", "30"), ("spent", "5000"), ("note", "Chantier"),
                              ("link", "https%3A%2F%2Fberkane.ma%2Fa.jpg")]
                }
                limit = FormLimit.review.bytes
            default:
                try await site.staffAccount()
                uri = "/fr/staff/login"
                fields = [("csrf", try await browser.csrfField(client, from: uri)), ("username", "amina"), ("password", "wrong"), ("next", "/fr/staff")]
                limit = FormLimit.staff.bytes
            }
            var random = SeededGenerator(state: form.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
            var failures: [String] = []
            for round in 0..<200 {
                let body = Self.body(fields, limit: limit, using: &random)
                let type = Self.contentTypes[Int.random(in: 0..<8, using: &random) % Self.contentTypes.count]
                var headers: HTTPFields = [.cookie: browser.cookieHeader]
                if let type { headers[.contentType] = type }
                let answer = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
                if answer.status.code >= 500 {
                    failures.append("round \(round): \(answer.status.code) for \(String(decoding: body.prefix(200), as: UTF8.self))")
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
        }
    }
}

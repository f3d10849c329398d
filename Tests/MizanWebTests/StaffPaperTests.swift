import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

/// The count table in the browser: a sheet checked without storing, then entered, each line's
/// verdict shown; spoiled and blank ballots per polling place; only admins and count officers.
@Suite("Paper ballots in the browser")
struct StaffPaperTests {
    func paperVotes(_ site: Site) throws -> Int {
        try site.transaction { try $0.query("SELECT count(*) FROM participation WHERE channel = 'paper'").single().decode(Int.self, 0) }
    }

    @Test func aCountSheetIsCheckedThenEnteredLineByLine() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await site.staffAccount("karim", role: .countOfficer, name: "Karim Dépouillement")
            try await site.staffAccount("salma", role: .reviewer)
            let page = "/fr/staff/cycles/\(cycle)/paper"

            // A reviewer may not; a count officer may, and sees nothing else of the staff area.
            var reviewer = Browser()
            try await reviewer.signIn(client, username: "salma", password: "correct horse battery")
            #expect(try await reviewer.get(client, page).status == .forbidden)
            var officer = Browser()
            try await officer.signIn(client, username: "karim", password: "correct horse battery")
            #expect(try await officer.get(client, "/fr/staff/cycles/\(cycle)/review").status == .forbidden)
            #expect(try await officer.get(client, "/fr/staff/cycles/\(cycle)/analysis").status == .forbidden)
            var html = String(buffer: try await officer.get(client, page).body)
            #expect(html.contains("Saisir une feuille de dépouillement"))

            let sheet = "voter,choices\nAB123456,\(projects[0]) \(projects[1])\nZZ,1\nCD234567,999999\n"
            // Without the CSRF field: refused, nothing stored.
            #expect(try await officer.post(client, page, ["ballots": sheet, "mode": "enter"]).status == .forbidden)

            var csrf = Browser.field("csrf", in: html) ?? ""
            let check = try await officer.post(client, page, ["csrf": csrf, "ballots": sheet, "mode": "check"])
            #expect(check.status == .ok)
            html = String(buffer: check.body)
            #expect(html.contains("Vérification : 1 bulletin(s) seraient enregistrés, 2 refusé(s). Rien n&#39;a été enregistré.")
                || html.contains("Vérification : 1 bulletin(s) seraient enregistrés, 2 refusé(s). Rien n'a été enregistré."), "\(html)")
            #expect(html.contains("<th scope=\"row\">2</th><td>serait enregistré</td>"))
            #expect(html.contains("<th scope=\"row\">3</th><td>refusé (électeur)"))
            #expect(html.contains("<th scope=\"row\">4</th><td>refusé (bulletin)"))
            // Each refusal in the reader's words, as the ballot page would say it.
            #expect(html.contains("« ZZ » n&#39;est ni un numéro de carte nationale") || html.contains("« ZZ » n'est ni un numéro de carte nationale"), "\(html)")
            #expect(!html.contains("is not on this ballot") && !html.contains("is not a"), "no English reason on a French page")
            let arabic = try await officer.post(client, "/ar/staff/cycles/\(cycle)/paper", [
                "csrf": Browser.field("csrf", in: html) ?? "", "ballots": sheet, "mode": "check"])
            let arabicHTML = String(buffer: arabic.body)
            #expect(arabicHTML.contains("«ZZ» ليس رقم بطاقة وطنية"), "\(arabicHTML)")
            html = arabicHTML
            #expect(html.contains("AB123456,\(projects[0]) \(projects[1])"), "the sheet stays in the form")
            #expect(try paperVotes(site) == 0, "a check stores nothing")

            csrf = Browser.field("csrf", in: html) ?? ""
            let entered = String(buffer: try await officer.post(client, page, ["csrf": csrf, "ballots": sheet, "mode": "enter"]).body)
            #expect(entered.contains("1 bulletin(s) enregistré(s), 2 refusé(s)."))
            let receipt = try #require(entered.range(of: "enregistré — reçu ").map { String(entered[$0.upperBound...].prefix(19)) })
            #expect(try paperVotes(site) == 1)
            let audit = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'ballots.enter-paper'").single()
            }
            #expect(try audit.decode(String.self, 0) == "karim")
            #expect(try audit.decode(String.self, 1).contains("stored=1 refused=2"))

            // The same sheet again: the same receipt, nothing stored twice.
            csrf = Browser.field("csrf", in: entered) ?? ""
            let again = String(buffer: try await officer.post(client, page, ["csrf": csrf, "ballots": sheet, "mode": "enter"]).body)
            #expect(again.contains("enregistré — reçu \(receipt)"))
            #expect(try paperVotes(site) == 1)

            // Spoiled and blank ballots of a polling place: a bad number comes back as typed.
            csrf = Browser.field("csrf", in: again) ?? ""
            let bad = try await officer.post(client, "/fr/staff/cycles/\(cycle)/paper/counts", ["csrf": csrf, "place": "École Al Massira", "spoiled": "douze", "blank": "3"])
            #expect(bad.status == .badRequest)
            html = String(buffer: bad.body)
            #expect(html.contains("value=\"douze\"") && html.contains("value=\"École Al Massira\""))
            csrf = Browser.field("csrf", in: html) ?? ""
            let counted = String(buffer: try await officer.post(
                client, "/fr/staff/cycles/\(cycle)/paper/counts", ["csrf": csrf, "place": "École Al Massira", "spoiled": "12", "blank": "3"]).body)
            #expect(counted.contains("<tr><th scope=\"row\"><bdi>École Al Massira</bdi></th><td>12</td><td>3</td></tr>"))

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = String(buffer: try await officer.get(client, "/\(language)/staff/cycles/\(cycle)/paper").body)
                #expect(other.contains("dir=\"\(direction)\""), "\(language)")
                #expect(!other.contains("paper_") && !other.contains("results_paper"), "\(language): a catalog key shows")
            }
        }
    }

    /// A form body with repeated fields, as a browser sends a group of ticked boxes.
    static func post(_ browser: inout Browser, _ client: any TestClientProtocol, _ uri: String, _ pairs: [(String, String)]) async throws -> TestResponse {
        let body = pairs.map { "\(FormFields.encode($0.0))=\(FormFields.encode($0.1))" }.joined(separator: "&")
        let response = try await client.execute(
            uri: uri, method: .post, headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body))
        browser.remember(response)
        return response
    }

    @Test func oneBallotIsTypedAsItIsRead() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await site.staffAccount("karim", role: .countOfficer)
            var officer = Browser()
            try await officer.signIn(client, username: "karim", password: "correct horse battery")
            let page = "/fr/staff/cycles/\(cycle)/paper"
            var html = String(buffer: try await officer.get(client, page).body)
            #expect(html.contains("Saisir un bulletin"))
            #expect(html.contains("name=\"project\" value=\"\(projects[0])\""))
            var csrf = Browser.field("csrf", in: html) ?? ""

            // No voter: refused before anything is read, the ticked boxes kept.
            let noVoter = try await Self.post(&officer, client, page + "/one", [("csrf", csrf), ("voter", " "), ("project", "\(projects[0])")])
            #expect(noVoter.status == .badRequest)
            html = String(buffer: noVoter.body)
            #expect(html.contains("Indiquez le votant"))
            #expect(html.contains("value=\"\(projects[0])\" checked"))
            // Three boxes on a ballot of at most two: refused as the ballot page would say it.
            csrf = Browser.field("csrf", in: html) ?? ""
            let tooMany = try await Self.post(&officer, client, page + "/one", [
                ("csrf", csrf), ("voter", "AB123456"), ("project", "\(projects[0])"), ("project", "\(projects[1])"), ("project", "\(projects[2])"),
            ])
            html = String(buffer: tooMany.body)
            #expect(html.contains("Choisissez au plus 2 projet(s)"), "\(html)")
            #expect(try paperVotes(site) == 0)
            // Two boxes: stored, with its receipt, and in the audit log under the officer's name.
            csrf = Browser.field("csrf", in: html) ?? ""
            let stored = try await Self.post(&officer, client, page + "/one", [
                ("csrf", csrf), ("voter", "AB123456"), ("project", "\(projects[0])"), ("project", "\(projects[1])"),
            ])
            #expect(stored.status == .ok)
            #expect(String(buffer: stored.body).contains("enregistré — reçu "))
            #expect(try paperVotes(site) == 1)
            let actor = try site.transaction {
                try $0.query("SELECT actor FROM audit_log WHERE action = 'ballots.enter-paper' ORDER BY id DESC LIMIT 1").single().decode(String.self, 0)
            }
            #expect(actor == "karim")
            #expect(try await officer.post(client, page + "/one", ["voter": "CD234567", "project": "\(projects[0])"]).status == .forbidden, "no CSRF")
            #expect(try paperVotes(site) == 1)
        }
    }

    @Test func theTypedMarksBecomeTheSheetsLine() {
        #expect(PaperBallotController.line(voter: " AB123456 ", marks: ["12": "yes", "3": "yes"], ballot: .approval(minimum: 0, maximum: nil)) == "AB123456,3 12")
        #expect(PaperBallotController.line(voter: "AB123456", marks: ["12": "4", "3": "", "5": "1"], ballot: .points(total: 5, cap: nil)) == "AB123456,5:1 12:4")
        #expect(PaperBallotController.line(voter: "AB123456", marks: ["12": "2", "3": "1", "7": ""], ballot: .ranked(depth: 3)) == "AB123456,3 12")
        #expect(PaperBallotController.line(voter: "AB123456", marks: ["12": "deux"], ballot: .ranked(depth: 3)) == nil)
        #expect(PaperBallotController.line(voter: "AB,123", marks: [:], ballot: .knapsack) == nil, "a separator in the voter would change the line")
        #expect(PaperBallotController.line(voter: "AB123456", marks: ["x": "yes"], ballot: .knapsack) == nil)
    }
}

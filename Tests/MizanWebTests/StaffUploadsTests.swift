import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import PostgresDriver
import Testing
@testable import MizanWeb

extension Browser {
    /// Sends a multipart form as a browser does, with the cookies kept so far.
    mutating func postMultipart(
        _ client: any TestClientProtocol, _ uri: String, _ body: MultipartBody, contentType: String = MultipartBody.contentType
    ) async throws -> TestResponse {
        try await postRaw(client, uri, body.bytes, contentType: contentType)
    }

    mutating func postRaw(_ client: any TestClientProtocol, _ uri: String, _ bytes: [UInt8], contentType: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: cookieHeader]
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        remember(response)
        return response
    }
}

/// The staff uploads and downloads over real HTTP: the registry (checked, then imported), printed
/// codes as a download, a count sheet as a file, and the export as an archive. Each for its roles
/// only, each behind CSRF, each audited under the staff member's name.
@Suite("Staff uploads and downloads")
struct StaffUploadsTests {
    static let password = "correct horse battery"

    func count(_ site: Site, _ sql: SQL) throws -> Int {
        try site.transaction { try $0.query(sql).single().decode(Int.self, 0) }
    }

    func signedIn(_ client: any TestClientProtocol, _ username: String) async throws -> Browser {
        var browser = Browser()
        try await browser.signIn(client, username: username, password: Self.password)
        return browser
    }

    func staff(_ site: Site) async throws {
        try await site.staffAccount("amina", role: .admin)
        try await site.staffAccount("salma", role: .reviewer)
        try await site.staffAccount("karim", role: .countOfficer)
        try await site.staffAccount("odile", role: .auditor)
    }

    static func form(csrf: String?, file: (String, String, [UInt8])?, fields: [(String, String)] = []) -> MultipartBody {
        var body = MultipartBody()
        if let csrf { body.field("csrf", csrf) }
        if let (name, filename, bytes) = file { body.file(name, filename: filename, bytes) }
        for (name, value) in fields { body.field(name, value) }
        return body
    }

    @Test func theCyclePageAndTheStaffHomeLinkToWhatEachRoleMayUse() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try await staff(site)
            let registry = "href=\"/fr/staff/cycles/\(cycle)/registry\""
            let codes = "href=\"/fr/staff/cycles/\(cycle)/codes\""
            let export = "href=\"/fr/staff/cycles/\(cycle)/export\""
            for (username, expected) in [("amina", [true, true, true]), ("odile", [false, false, true]), ("salma", [false, false, false])] {
                var browser = try await signedIn(client, username)
                for uri in ["/fr/staff/cycles/\(cycle)", "/fr/staff"] {
                    let html = String(buffer: try await browser.get(client, uri).body)
                    #expect([html.contains(registry), html.contains(codes), html.contains(export)] == expected, "\(username) \(uri)")
                }
            }
            var admin = try await signedIn(client, "amina")
            for language in ["ar", "en", "zgh"] {
                let html = String(buffer: try await admin.get(client, "/\(language)/staff/cycles/\(cycle)").body)
                #expect(html.contains("/\(language)/staff/cycles/\(cycle)/registry") && !html.contains("uploads_"), "\(language)")
            }
        }
    }

    @Test func theRegistryIsCheckedThenImported() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            try await staff(site)
            let page = "/fr/staff/cycles/\(cycle)/registry"
            let registry = Array("""
                national_id,birth_date,district
                EF345678,1991-02-03,Hay Al Massira
                bad!,1990-01-01,
                GH456789,31/02/1990,
                IJ567890,1980-12-01,
                OP890123,1970-01-01,Hay Inconnu

                """.utf8)
            let voters: SQL = "SELECT count(*) FROM registry_entries WHERE cycle_id = \(cycle)"

            // Only admins: the others may neither see nor send the form.
            for username in ["salma", "karim", "odile"] {
                var other = try await signedIn(client, username)
                #expect(try await other.get(client, page).status == .forbidden, "\(username)")
                let csrf = try await other.csrfField(client, from: "/fr/staff")
                let sent = try await other.postMultipart(client, page, Self.form(csrf: csrf, file: ("registry", "r.csv", registry), fields: [("mode", "import")]))
                #expect(sent.status == .forbidden, "\(username)")
            }
            var admin = try await signedIn(client, "amina")
            var html = String(buffer: try await admin.get(client, page).body)
            #expect(html.contains("enctype=\"multipart/form-data\""))
            var csrf = Browser.field("csrf", in: html) ?? ""

            // Without the CSRF field, or with a forged one: refused, nothing stored.
            #expect(try await admin.postMultipart(client, page, Self.form(csrf: nil, file: ("registry", "r.csv", registry), fields: [("mode", "import")])).status == .forbidden)
            #expect(try await admin.postMultipart(client, page, Self.form(csrf: csrf + "x", file: ("registry", "r.csv", registry), fields: [("mode", "import")])).status == .forbidden)
            #expect(try count(site, voters) == 0)

            // No file chosen: the form again, with a message and the box as ticked.
            let none = try await admin.postMultipart(client, page, Self.form(csrf: csrf, file: nil, fields: [("skip_invalid", "yes"), ("mode", "check")]))
            #expect(none.status == .badRequest)
            html = String(buffer: none.body)
            #expect(html.contains("Choisissez un fichier à envoyer."))
            #expect(html.contains("value=\"yes\" checked"))

            // The check: every bad line with its field and the reason the command gives; nothing stored.
            csrf = Browser.field("csrf", in: html) ?? ""
            let check = try await admin.postMultipart(
                client, page, Self.form(csrf: csrf, file: ("registry", "../../etc/<b>registre.csv", registry), fields: [("mode", "check")]))
            #expect(check.status == .ok)
            html = String(buffer: check.body)
            #expect(html.contains("Vérification de &lt;b&gt;registre.csv : l&#39;import ajouterait 2 électeur(s) et en mettrait 0 à jour ; 3 ligne(s) erronée(s). Rien n")
                || html.contains("Vérification de &lt;b&gt;registre.csv : l'import ajouterait 2 électeur(s) et en mettrait 0 à jour ; 3 ligne(s) erronée(s). Rien n"), "\(html)")
            // The database's own check, on the district, is part of the check.
            // Each reason in the page's language.
            #expect(html.contains("<th scope=\"row\">6</th><td>quartier</td><td>« Hay Inconnu » n&#39;est pas un quartier de la commune.")
                || html.contains("<th scope=\"row\">6</th><td>quartier</td><td>« Hay Inconnu » n'est pas un quartier de la commune."), "\(html)")
            #expect(html.contains("<th scope=\"row\">3</th><td>n° CIN</td><td>« bad! » n&#39;est pas un numéro de carte nationale.")
                || html.contains("<th scope=\"row\">3</th><td>n° CIN</td><td>« bad! » n'est pas un numéro de carte nationale."))
            #expect(html.contains("<th scope=\"row\">4</th><td>date de naissance</td><td>« 31/02/1990 » n&#39;est pas une date")
                || html.contains("<th scope=\"row\">4</th><td>date de naissance</td><td>« 31/02/1990 » n'est pas une date"))
            #expect(!html.contains("is not a"), "no English reason on a French page")
            #expect(!html.contains("etc/"), "a path in the file name is never shown")
            #expect(try count(site, voters) == 0, "a check stores nothing")
            #expect(try count(site, "SELECT count(*) FROM audit_log WHERE action = 'registry.import'") == 0)

            // Importing without skipping: refused for its bad lines, nothing stored.
            csrf = Browser.field("csrf", in: html) ?? ""
            let refused = try await admin.postMultipart(client, page, Self.form(csrf: csrf, file: ("registry", "registre.csv", registry), fields: [("mode", "import")]))
            #expect(refused.status == .unprocessableContent)
            html = String(buffer: refused.body)
            #expect(html.contains("registre.csv : 3 ligne(s) erronée(s) ; rien n"))
            #expect(try count(site, voters) == 0)

            // Skipping them: the valid voters are imported and the summary says what happened.
            csrf = Browser.field("csrf", in: html) ?? ""
            let imported = try await admin.postMultipart(
                client, page, Self.form(csrf: csrf, file: ("registry", "registre.csv", registry), fields: [("skip_invalid", "yes"), ("mode", "import")]))
            #expect(imported.status == .ok)
            html = String(buffer: imported.body)
            #expect(html.contains("Import de registre.csv : 2 nouvel(s) électeur(s), 0 mis à jour, 3 ligne(s) ignorée(s)."), "\(html)")
            #expect(try count(site, voters) == 2)
            let audit = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'registry.import'").single()
            }
            #expect(try audit.decode(String.self, 0) == "amina")
            #expect(try audit.decode(String.self, 1) == "source=upload:registre.csv inserted=2 updated=0 rejected=3")

            // No national ID number in clear anywhere in the database.
            let everything = try site.transaction {
                try $0.query("SELECT coalesce(string_agg(t::text, ' '), '') FROM (SELECT row_to_json(r)::text AS t FROM registry_entries r UNION ALL SELECT row_to_json(a)::text FROM audit_log a) x")
                    .single().decode(String.self, 0)
            }
            #expect(!everything.contains("EF345678") && !everything.contains("IJ567890"))

            // The same file again updates the voters instead of duplicating them.
            csrf = Browser.field("csrf", in: html) ?? ""
            html = String(buffer: try await admin.postMultipart(
                client, page, Self.form(csrf: csrf, file: ("registry", "registre.csv", registry), fields: [("skip_invalid", "yes"), ("mode", "import")])).body)
            #expect(html.contains("0 nouvel(s) électeur(s), 2 mis à jour"))
            #expect(try count(site, voters) == 2)

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = try await admin.get(client, "/\(language)/staff/cycles/\(cycle)/registry")
                let text = String(buffer: other.body)
                #expect(other.status == .ok && text.contains("dir=\"\(direction)\""), "\(language)")
                #expect(!text.contains("uploads_"), "\(language): a catalog key shows")
                csrf = Browser.field("csrf", in: text) ?? ""
                let checked = String(buffer: try await admin.postMultipart(
                    client, "/\(language)/staff/cycles/\(cycle)/registry", Self.form(csrf: csrf, file: ("registry", "r.csv", registry), fields: [("mode", "check")])).body)
                #expect(checked.contains("<th scope=\"row\">3</th>") && !checked.contains("uploads_"), "\(language)")
            }
        }
    }

    @Test func printedCodesAreADownloadAndWork() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await staff(site)
            let page = "/fr/staff/cycles/\(cycle)/codes"
            let codes: SQL = "SELECT count(*) FROM voting_codes WHERE cycle_id = \(cycle)"
            let before = try count(site, codes)

            for username in ["salma", "karim", "odile"] {
                var other = try await signedIn(client, username)
                #expect(try await other.get(client, page).status == .forbidden, "\(username)")
                let csrf = try await other.csrfField(client, from: "/fr/staff")
                #expect(try await other.post(client, page, ["csrf": csrf, "count": "5"]).status == .forbidden, "\(username)")
            }
            var admin = try await signedIn(client, "amina")
            var csrf = try await admin.csrfField(client, from: page)
            #expect(try await admin.post(client, page, ["count": "5"]).status == .forbidden, "no CSRF field")
            #expect(try await admin.post(client, page, ["csrf": "forged", "count": "5"]).status == .forbidden)

            // Out of bounds or not a number: the form again, with what was typed.
            for typed in ["douze", "0", "-3", "20001", "1e3"] {
                let bad = try await admin.post(client, page, ["csrf": csrf, "count": typed])
                #expect(bad.status == .badRequest, "\(typed)")
                let html = String(buffer: bad.body)
                #expect(html.contains("value=\"\(typed)\"") && html.contains("Indiquez un nombre entier de 1 à 20.000."), "\(typed)")
                csrf = Browser.field("csrf", in: html) ?? ""
            }
            #expect(try count(site, codes) == before)

            let issued = try await admin.post(client, page, ["csrf": csrf, "count": " 5 "])
            #expect(issued.status == .ok)
            #expect(issued.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(issued.headers[.contentDisposition] == "attachment; filename=\"cycle-\(cycle)-codes-5.csv\"")
            #expect(issued.headers[.cacheControl] == "no-store")
            let lines = String(buffer: issued.body).split(separator: "\n").map(String.init)
            #expect(lines.first == "code,cycle,commune" && lines.count == 6)
            #expect(try count(site, codes) == before + 5)
            let audit = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'codes.issue' ORDER BY id DESC LIMIT 1").single()
            }
            #expect(try audit.decode(String.self, 0) == "amina")
            #expect(try audit.decode(String.self, 1) == "count=5")

            // A downloaded code lets a citizen vote.
            let code = try #require(lines.dropFirst().first?.split(separator: ",").first.map(String.init))
            var citizen = Browser()
            let ballot = try await citizen.becomeVoter(client, cycle: cycle, code: code)
            #expect(ballot.status == .ok)
            #expect(String(buffer: ballot.body).contains("name=\"submission\""), "the ballot page")

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = String(buffer: try await admin.get(client, "/\(language)/staff/cycles/\(cycle)/codes").body)
                #expect(other.contains("dir=\"\(direction)\"") && !other.contains("uploads_"), "\(language)")
                csrf = Browser.field("csrf", in: other) ?? ""
                let bad = String(buffer: try await admin.post(client, "/\(language)/staff/cycles/\(cycle)/codes", ["csrf": csrf, "count": "0"]).body)
                #expect(bad.contains("20.000") && !bad.contains("uploads_"), "\(language)")
            }
        }
    }

    /// Entries of a ustar archive, each header's checksum checked.
    static func untar(_ bytes: [UInt8]) -> [(name: String, contents: [UInt8])]? {
        var entries: [(String, [UInt8])] = []
        var offset = 0
        while offset + 512 <= bytes.count {
            let header = Array(bytes[offset..<(offset + 512)])
            if header.allSatisfy({ $0 == 0 }) { return bytes.count - offset == 1024 ? entries : nil }
            let stored = Int(String(decoding: header[148..<154], as: UTF8.self), radix: 8)
            let sum = header.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
            guard stored == sum, String(decoding: header[257..<262], as: UTF8.self) == "ustar",
                let size = Int(String(decoding: header[124..<135], as: UTF8.self), radix: 8)
            else { return nil }
            let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let start = offset + 512
            guard start + size <= bytes.count else { return nil }
            entries.append((name, Array(bytes[start..<(start + size)])))
            offset = start + (size + 511) / 512 * 512
        }
        return nil
    }

    static func exportFolders() -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? [])
            .filter { $0.hasPrefix(PrivateFolder.prefix) })
    }

    @Test func theExportIsOneArchiveOnceVotingHasClosed() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try site.cast(12, for: [projects[0], projects[1]], cycle: cycle, first: 1)
            try await staff(site)
            let page = "/fr/staff/cycles/\(cycle)/export"

            // Before voting has closed: said in words, nothing exported.
            var auditor = try await signedIn(client, "odile")
            var html = String(buffer: try await auditor.get(client, page).body)
            #expect(html.contains("L&#39;export est possible une fois le vote clos") || html.contains("L'export est possible une fois le vote clos"))
            var csrf = try await auditor.csrfField(client, from: "/fr/staff")
            let early = try await auditor.post(client, page, ["csrf": csrf, "format": "pb"])
            #expect(early.status == .conflict)
            #expect(try count(site, "SELECT count(*) FROM audit_log WHERE action = 'cycle.export'") == 0)

            _ = try await site.withStorage { try await AdvanceCycle(storage: $0, secrets: .forTests).execute(CycleID(cycle), actor: "test") }

            for username in ["salma", "karim"] {
                var other = try await signedIn(client, username)
                #expect(try await other.get(client, page).status == .forbidden, "\(username)")
                let token = try await other.csrfField(client, from: "/fr/staff")
                #expect(try await other.post(client, page, ["csrf": token, "format": "pb"]).status == .forbidden, "\(username)")
            }
            #expect(try await auditor.post(client, page, ["format": "pb"]).status == .forbidden, "no CSRF field")
            html = String(buffer: try await auditor.get(client, page).body)
            csrf = Browser.field("csrf", in: html) ?? ""
            let badFormat = try await auditor.post(client, page, ["csrf": csrf, "format": "zip"])
            #expect(badFormat.status == .badRequest)
            #expect(String(buffer: badFormat.body).contains("Choisissez un format de la liste."))
            csrf = Browser.field("csrf", in: String(buffer: badFormat.body)) ?? ""

            let folders = Self.exportFolders()
            let download = try await auditor.post(client, page, ["csrf": csrf, "format": "pb"])
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/x-tar")
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"cycle-\(cycle)-pb.tar\"")
            #expect(download.headers[.cacheControl] == "no-store")
            let entries = try #require(Self.untar(Array(buffer: download.body)))
            let names = entries.map(\.name)
            #expect(names.contains("cycle-\(cycle)-pb/SHA256SUMS") && names.contains("cycle-\(cycle)-pb/audit_head.json"), "\(names)")
            #expect(names.allSatisfy { $0.hasPrefix("cycle-\(cycle)-pb/") })
            // Every file listed in SHA256SUMS is in the archive with that digest.
            let sums = String(decoding: try #require(entries.first { $0.name.hasSuffix("/SHA256SUMS") }).contents, as: UTF8.self)
            let listed = sums.split(separator: "\n")
            #expect(listed.count == entries.count - 1)
            for line in listed {
                let parts = line.split(separator: " ", maxSplits: 1)
                let file = String(parts[1].drop { $0 == " " || $0 == "*" })
                let entry = try #require(entries.first { $0.name == "cycle-\(cycle)-pb/\(file)" }, "\(file)")
                #expect(SHA256.hash(data: Data(entry.contents)).map { String(format: "%02x", $0) }.joined() == String(parts[0]), "\(file)")
            }
            #expect(Self.exportFolders().isSubset(of: folders), "the temporary folder is gone")
            let audit = try site.transaction { try $0.query("SELECT actor FROM audit_log WHERE action = 'cycle.export'").single().decode(String.self, 0) }
            #expect(audit == "odile")

            // Admins too; the system's tar reads the archive.
            var admin = try await signedIn(client, "amina")
            csrf = try await admin.csrfField(client, from: page)
            let csv = try await admin.post(client, page, ["csrf": csrf, "format": "csv"])
            #expect(csv.status == .ok)
            if let tar = ["/usr/bin/tar", "/bin/tar"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("mizan-test-\(UUID().uuidString).tar")
                try Data(buffer: csv.body).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tar)
                process.arguments = ["-tf", file.path]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let listing = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                #expect(listing.contains("cycle-\(cycle)-csv/SHA256SUMS"))
            }

            // The registry and codes are closed once voting has.
            csrf = try await admin.csrfField(client, from: "/fr/staff")
            let late = try await admin.post(client, "/fr/staff/cycles/\(cycle)/codes", ["csrf": csrf, "count": "3"])
            #expect(late.status == .conflict)
            #expect(String(buffer: late.body).contains("Plus aucun code ne peut être émis"))
            let closed = try await admin.postMultipart(
                client, "/fr/staff/cycles/\(cycle)/registry",
                Self.form(csrf: csrf, file: ("registry", "r.csv", Array("national_id,birth_date\nKL678901,1990-01-01\n".utf8)), fields: [("mode", "import")]))
            #expect(closed.status == .conflict)

            for (language, direction) in [("ar", "rtl"), ("en", "ltr"), ("zgh", "ltr")] {
                let other = String(buffer: try await auditor.get(client, "/\(language)/staff/cycles/\(cycle)/export").body)
                #expect(other.contains("dir=\"\(direction)\"") && !other.contains("uploads_"), "\(language)")
            }
        }
    }

    @Test func aCountSheetCanBeAFile() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await staff(site)
            let page = "/fr/staff/cycles/\(cycle)/paper"
            let upload = page + "/file"
            let sheet: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("voter,choices\r\nAB123456,\(projects[0]) \(projects[1])\r\n".utf8) + [0x43, 0x44, 0xFF, 0x2C, 0x31]
                + Array("\r\nCD234567,999999\r\n".utf8)
            let paper: SQL = "SELECT count(*) FROM participation WHERE channel = 'paper'"

            var reviewer = try await signedIn(client, "salma")
            let reviewerCSRF = try await reviewer.csrfField(client, from: "/fr/staff")
            #expect(try await reviewer.postMultipart(client, upload, Self.form(csrf: reviewerCSRF, file: ("sheet", "f.csv", sheet), fields: [("mode", "enter")])).status == .forbidden)
            var officer = try await signedIn(client, "karim")
            var html = String(buffer: try await officer.get(client, page).body)
            #expect(html.contains("action=\"\(upload)\" enctype=\"multipart/form-data\""))
            var csrf = Browser.field("csrf", in: html) ?? ""
            #expect(try await officer.postMultipart(client, upload, Self.form(csrf: nil, file: ("sheet", "f.csv", sheet), fields: [("mode", "enter")])).status == .forbidden)

            let check = try await officer.postMultipart(client, upload, Self.form(csrf: csrf, file: ("sheet", "feuille 1.csv", sheet), fields: [("mode", "check")]))
            #expect(check.status == .ok)
            html = String(buffer: check.body)
            #expect(html.contains("Fichier : feuille 1.csv"))
            #expect(html.contains("1 bulletin(s) seraient enregistrés, 2 refusé(s)."), "\(html)")
            #expect(html.contains("<th scope=\"row\">2</th><td>serait enregistré</td>"))
            #expect(html.contains("<th scope=\"row\">3</th><td>refusé (ligne) : is not UTF-8 text") || html.contains("<th scope=\"row\">3</th><td>refusé"), "\(html)")
            #expect(html.contains("<th scope=\"row\">4</th><td>refusé (bulletin)"))
            #expect(try count(site, paper) == 0, "a check stores nothing")

            csrf = Browser.field("csrf", in: html) ?? ""
            let entered = String(buffer: try await officer.postMultipart(
                client, upload, Self.form(csrf: csrf, file: ("sheet", "feuille 1.csv", sheet), fields: [("mode", "enter")])).body)
            #expect(entered.contains("1 bulletin(s) enregistré(s), 2 refusé(s)."))
            #expect(try count(site, paper) == 1)
            let audit = try site.transaction {
                try $0.query("SELECT actor, details FROM audit_log WHERE action = 'ballots.enter-paper'").single()
            }
            #expect(try audit.decode(String.self, 0) == "karim")
            #expect(try audit.decode(String.self, 1).contains("source=staff page file:feuille_1.csv stored=1 refused=2"))

            // No file: said above the file form.
            csrf = Browser.field("csrf", in: entered) ?? ""
            let none = try await officer.postMultipart(client, upload, Self.form(csrf: csrf, file: nil, fields: [("mode", "enter")]))
            #expect(none.status == .badRequest)
            #expect(String(buffer: none.body).contains("Choisissez un fichier à envoyer."))

            for language in ["ar", "en", "zgh"] {
                let other = String(buffer: try await officer.get(client, "/\(language)/staff/cycles/\(cycle)/paper").body)
                #expect(other.contains("enctype=\"multipart/form-data\"") && !other.contains("uploads_"), "\(language)")
            }
        }
    }

    /// Broken multipart bodies sent to both upload forms with a valid CSRF cookie and field: each
    /// gets a 4xx page in the visitor's language, never a 500, and nothing is stored.
    @Test func brokenUploadsAreRefusedInWords() async throws {
        try await Site.with { client, site in
            let (cycle, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            try await staff(site)
            var admin = try await signedIn(client, "amina")
            let csrf = try await admin.csrfField(client, from: "/fr/staff/cycles/\(cycle)/registry")
            let boundary = MultipartBody.boundary
            let registry = Array("national_id,birth_date\nMN789012,1990-01-01\n".utf8)
            let sheet = Array("AB123456,\(projects[0])\n".utf8)
            func good(_ file: String, _ contents: [UInt8]) -> [UInt8] {
                Self.form(csrf: csrf, file: (file, "f.csv", contents), fields: [("mode", "import"), ("skip_invalid", "yes")]).bytes
            }
            for (uri, file, contents) in [
                ("/fr/staff/cycles/\(cycle)/registry", "registry", registry), ("/fr/staff/cycles/\(cycle)/paper/file", "sheet", sheet),
            ] {
                let whole = good(file, contents)
                let csrfPart = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8)
                let bodies: [(String, [UInt8], String?)] = [
                    ("truncated", Array(whole.prefix(whole.count - 60)), MultipartBody.contentType),
                    ("missing boundary", whole, "multipart/form-data"),
                    ("other boundary", whole, "multipart/form-data; boundary=elsewhere"),
                    ("no content type", whole, nil),
                    ("empty", [], MultipartBody.contentType),
                    ("huge header", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"; filename=\"\(String(repeating: "a", count: 5000)).csv\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("nested", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n\r\nx\r\n--in--\r\n--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("duplicate file", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"; filename=\"a.csv\"\r\n\r\nx\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"; filename=\"b.csv\"\r\n\r\ny\r\n--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("non-UTF-8 name", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"".utf8) + [0xC3, 0x28] + Array("\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("CRLF in filename", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"; filename=\"a.csv\r\nX-Evil: 1\"\r\n\r\nx\r\n--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("too many parts", csrfPart + (0..<20).flatMap { Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nv\r\n".utf8) } + Array("--\(boundary)--\r\n".utf8), MultipartBody.contentType),
                    ("too large", csrfPart + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file)\"; filename=\"a.csv\"\r\n\r\n".utf8) + [UInt8](repeating: 0x41, count: (file == "sheet" ? MultipartLimit.paperSheet : .registry).bytes + 10), MultipartBody.contentType),
                ]
                for (name, body, type) in bodies {
                    let answer = try await admin.postRaw(client, uri, body, contentType: type)
                    #expect((400..<500).contains(answer.status.code), "\(file) \(name): \(answer.status)")
                    let html = String(buffer: answer.body)
                    #expect(html.contains("lang=\"fr\""), "\(file) \(name): a page in the visitor's language")
                    if name == "too large" { #expect(answer.status == .contentTooLarge, "\(file)") }
                }
            }
            #expect(try count(site, "SELECT count(*) FROM registry_entries WHERE cycle_id = \(cycle)") == 2, "only the cycle's own two voters")
            #expect(try count(site, "SELECT count(*) FROM participation WHERE channel = 'paper'") == 0)
            #expect(try count(site, "SELECT count(*) FROM audit_log WHERE action IN ('registry.import', 'ballots.enter-paper') AND actor = 'amina'") == 0)
        }
    }
}

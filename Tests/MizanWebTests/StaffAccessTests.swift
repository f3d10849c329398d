import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver
@testable import MizanWeb

@Suite("Staff login, sessions and roles over HTTP")
struct StaffAccessTests {
    static let password = "correct horse battery"

    func count(_ site: Site, _ sql: SQL) throws -> Int {
        try site.transaction { try $0.query(sql).single().decode(Int.self, 0) }
    }

    func auditActions(_ site: Site) throws -> [(action: String, object: String, details: String)] {
        try site.transaction { try AuditLogStore.entries(on: $0) }.map { ($0.action, $0.object, $0.details) }
    }

    @Test func anonymousVisitorsAreSentToTheLoginPageAndWritesAreRefused() async throws {
        try await Site.with { client, site in
            var browser = Browser()
            let home = try await browser.get(client, "/fr/staff/")
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/fr/staff/login?next=/fr/staff/")
            #expect(home.headers[.cacheControl] == "no-store")

            // Pages that other parts of the site add later, and pages that do not exist, are guarded alike.
            let deep = try await browser.get(client, "/ar/staff/cycles/7/compare?rule=mes")
            #expect(deep.status == .seeOther)
            #expect(deep.headers[.location] == "/ar/staff/login?next=/ar/staff/cycles/7/compare%3Frule%3Dmes")
            for path in ["/fr/st%61ff/", "//fr//staff/", "/fr/./staff/", "/fr/staff"] {
                let sneaky = try await browser.get(client, path)
                #expect(sneaky.status != .ok, "\(path)")
                #expect(!String(buffer: sneaky.body).contains("staff/logout"), "\(path)")
            }

            let write = try await browser.post(client, "/fr/staff/cycles/7/compare", ["csrf": "x"])
            #expect(write.status == .forbidden)
            #expect(String(buffer: write.body).contains("Connexion requise"))
            let logout = try await browser.post(client, "/fr/staff/logout", [:])
            #expect(logout.status == .forbidden)

            let login = try await browser.get(client, "/fr/staff/login?next=/fr/staff/cycles/7/compare")
            #expect(login.status == .ok)
            #expect(login.headers[.cacheControl] == "no-store")
            let html = String(buffer: login.body)
            #expect(html.contains("<label for=\"username\">"))
            #expect(html.contains("name=\"next\" value=\"/fr/staff/cycles/7/compare\""))
            #expect(Browser.field("csrf", in: html) != nil)

            // Only local addresses are kept as the place to return to.
            for outside in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                let page = try await browser.get(client, "/fr/staff/login?next=\(StaffController.percentEncoded(outside))")
                #expect(!String(buffer: page.body).contains("name=\"next\""), "\(outside)")
            }
        }
    }

    @Test func aWrongPasswordShowsOneMessageAndKeepsTheUsername() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            var browser = Browser()
            let wrong = try await browser.signIn(client, username: "Amina", password: "not the password")
            #expect(wrong.status == .unauthorized)
            let html = String(buffer: wrong.body)
            #expect(html.contains("mot de passe incorrect"))
            #expect(html.contains("name=\"username\" value=\"Amina\""))
            #expect(!html.contains("not the password"))
            #expect(browser.cookies["mz_staff"] == nil)

            // An unknown account gets exactly the same answer, in the visitor's language.
            let unknown = try await browser.signIn(client, username: "nobody", password: "whatever it is", language: "ar")
            #expect(unknown.status == .unauthorized)
            #expect(String(buffer: unknown.body).contains("اسم المستخدم أو كلمة المرور غير صحيحة."))
            #expect(String(buffer: unknown.body).contains("value=\"nobody\""))

            let failures = try auditActions(site).filter { $0.action == "staff.login_failed" }
            #expect(failures.map(\.object) == ["amina", "nobody"])
            #expect(failures.allSatisfy { $0.details == "address=127.0.0.1" })
            #expect(try count(site, "SELECT count(*) FROM staff_sessions") == 0)
        }
    }

    @Test func theLoginFormNeedsItsCSRFField() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            var browser = Browser()
            _ = try await browser.get(client, "/fr/staff/login")
            for csrf in ["", "forged"] {
                let response = try await browser.post(
                    client, "/fr/staff/login", ["csrf": csrf, "username": "amina", "password": Self.password])
                #expect(response.status == .forbidden)
                #expect(browser.cookies["mz_staff"] == nil)
            }
            #expect(try count(site, "SELECT count(*) FROM staff_sessions") == 0)
            #expect(try count(site, "SELECT count(*) FROM audit_log WHERE action LIKE 'staff.login%'") == 0)
        }
    }

    @Test func signingInOpensTheStaffHomeWithAHashedSession() async throws {
        try await Site.with { client, site in
            _ = try site.cycleTakingProposals(title: "Budget participatif de Berkane 2026")
            try await site.staffAccount("amina", name: "Amina <El> Idrissi")
            var browser = Browser()
            let signedIn = try await browser.signIn(client, username: "AMINA", password: Self.password)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/fr/staff/")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("mz_staff=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] { #expect(cookie.contains(attribute), "\(cookie)") }
            #expect(!cookie.contains("Secure"))
            let token = try #require(browser.cookies["mz_staff"])
            #expect(Data(base64URLEncoded: token)?.count == 32)

            // The database keeps only the token's SHA-256.
            let stored = try site.transaction { try $0.query("SELECT token_hash FROM staff_sessions").single().decode(PostgresBytes.self, 0) }
            #expect(stored.bytes == RandomToken.digest(token))

            let home = try await browser.get(client, "/fr/staff/")
            #expect(home.status == .ok)
            #expect(home.headers[.cacheControl] == "no-store")
            let html = String(buffer: home.body)
            #expect(html.contains("Amina &lt;El&gt; Idrissi"))
            #expect(html.contains("administrateur"))
            #expect(html.contains("Budget participatif de Berkane 2026"))
            #expect(html.contains("<caption id=\"staff-cycles-caption\">"))
            #expect(html.contains("action=\"/fr/staff/logout\""))

            let arabic = try await browser.get(client, "/ar/staff/")
            #expect(String(buffer: arabic.body).contains("dir=\"rtl\""))
            #expect(String(buffer: arabic.body).contains("فضاء الموظفين"))

            let logins = try auditActions(site).filter { $0.action == "staff.login" }
            #expect(logins.count == 1 && logins.first?.object == "amina" && logins.first?.details == "address=127.0.0.1")

            // After signing in, the visitor returns where they were going, if it is on this site.
            var other = Browser()
            let back = try await other.signIn(client, username: "amina", password: Self.password, next: "/fr/staff/cycles/1/compare")
            #expect(back.headers[.location] == "/fr/staff/cycles/1/compare")
            var third = Browser()
            let away = try await third.signIn(client, username: "amina", password: Self.password, next: "//evil.example/")
            #expect(away.headers[.location] == "/fr/staff/")
        }
    }

    @Test func expiredAndIdleSessionsSendBackToTheLoginPage() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            for expiry in [
                // Past its absolute lifetime.
                "UPDATE staff_sessions SET created_at = now() - interval '13 hours', last_seen_at = now(), expires_at = now() - interval '1 hour'",
                // Unused for longer than the idle timeout.
                "UPDATE staff_sessions SET created_at = now() - interval '40 minutes', last_seen_at = now() - interval '31 minutes'",
            ] {
                var browser = Browser()
                try await browser.signIn(client, username: "amina", password: Self.password)
                #expect(try await browser.get(client, "/fr/staff/").status == .ok)
                _ = try site.transaction { try $0.query(SQL(unsafeRaw: expiry)) }
                let after = try await browser.get(client, "/fr/staff/")
                #expect(after.status == .seeOther, "\(expiry)")
                #expect(after.headers[.location]?.hasPrefix("/fr/staff/login") == true)
                _ = try site.transaction { try $0.query("DELETE FROM staff_sessions") }
            }
        }
    }

    @Test func loggingOutEndsTheSessionForGood() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            var browser = Browser()
            try await browser.signIn(client, username: "amina", password: Self.password)
            let token = try #require(browser.cookies["mz_staff"])
            let csrf = try await browser.csrfField(client, from: "/fr/staff/")

            // Logging out is a form post with its CSRF field.
            #expect(try await browser.post(client, "/fr/staff/logout", [:]).status == .forbidden)
            #expect(try count(site, "SELECT count(*) FROM staff_sessions") == 1)
            let out = try await browser.post(client, "/fr/staff/logout", ["csrf": csrf])
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/fr/staff/login")
            #expect(browser.cookies["mz_staff"] == "")
            #expect(try count(site, "SELECT count(*) FROM staff_sessions") == 0)

            // The old token, replayed, no longer opens anything.
            var replay = Browser()
            replay.cookies = browser.cookies
            replay.cookies["mz_staff"] = token
            #expect(try await replay.get(client, "/fr/staff/").status == .seeOther)
            #expect(try auditActions(site).contains { $0.action == "staff.logout" && $0.object == "amina" })
        }
    }

    @Test func failedLoginsLockTheUsernameForTheWindowEvenWithTheRightPassword() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            var browser = Browser()
            for attempt in 1...5 {
                #expect(try await browser.signIn(client, username: "amina", password: "guess number \(attempt)").status == .unauthorized)
            }
            let locked = try await browser.signIn(client, username: "Amina", password: Self.password)
            #expect(locked.status == .tooManyRequests)
            #expect(String(buffer: locked.body).contains("Trop de tentatives de connexion ont échoué"))
            let retry = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((840...900).contains(retry))
            #expect(browser.cookies["mz_staff"] == nil)
            #expect(try count(site, "SELECT count(*) FROM staff_sessions") == 0)

            let audit = try auditActions(site)
            #expect(audit.filter { $0.action == "staff.login_failed" && $0.object == "amina" }.count == 5)
            // The lockout is logged once, when it begins; refused attempts do not grow the log.
            #expect(try await browser.signIn(client, username: "amina", password: Self.password).status == .tooManyRequests)
            let lockouts = try auditActions(site).filter { $0.action == "staff.login_locked" }
            #expect(lockouts.count == 1)
            #expect(lockouts.first?.object == "amina")
            #expect(lockouts.first?.details.hasPrefix("address=127.0.0.1 failures_username=5") == true)
            #expect(audit.last?.action == "staff.login_locked")

            // Once the failures are older than the window, the right password works again.
            _ = try site.transaction { try $0.query("UPDATE staff_login_failures SET at = at - interval '16 minutes'") }
            #expect(try await browser.signIn(client, username: "amina", password: Self.password).status == .seeOther)
        }
    }

    /// Attempts are counted before their password is checked, so a burst of parallel guesses gets
    /// no more tries than one at a time would.
    @Test func parallelGuessesStillStopAtTheLimit() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for attempt in 1...10 {
                    group.addTask {
                        var browser = Browser()
                        return try await browser.signIn(client, username: "amina", password: "parallel guess \(attempt)").status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 5, "\(statuses)")
            #expect(try count(site, "SELECT count(*) FROM staff_login_failures") == 5)
        }
    }

    @Test func failedLoginsFromOneAddressLockItAcrossUsernames() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            // Real accounts (cheap hashes) rather than unknown names, which each cost a full-price derivation.
            for attempt in 1...20 { try await site.staffAccount("user\(attempt)") }
            var browser = Browser()
            for attempt in 1...20 {
                #expect(try await browser.signIn(client, username: "user\(attempt)", password: "not their password").status == .unauthorized)
            }
            let locked = try await browser.signIn(client, username: "amina", password: Self.password)
            #expect(locked.status == .tooManyRequests)
            let lockout = try #require(try auditActions(site).last { $0.action == "staff.login_locked" })
            #expect(lockout.details.contains("failures_address=20"))
        }
    }

    @Test func auditorsMayReadButNotWrite() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("yassine", role: .auditor, name: "Yassine Benali")
            var browser = Browser()
            try await browser.signIn(client, username: "yassine", password: Self.password)
            let home = try await browser.get(client, "/fr/staff/")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("auditeur, lecture seule"))
            let csrf = try #require(Browser.field("csrf", in: String(buffer: home.body)))

            let write = try await browser.post(client, "/fr/staff/cycles/1/notes", ["csrf": csrf])
            #expect(write.status == .forbidden)
            #expect(String(buffer: write.body).contains("Votre rôle ne permet pas cette action"))
            #expect(write.headers[.cacheControl] == "no-store")

            // Logging out is the one write an auditor may do.
            #expect(try await browser.post(client, "/fr/staff/logout", ["csrf": csrf]).status == .seeOther)
        }
    }

    @Test func roleChecksAndDisabledAccounts() async throws {
        try await Site.with { client, site in
            try await site.staffAccount("amina")
            try await site.staffAccount("omar", role: .reviewer, name: "Omar")
            let omar = StaffMember(accountID: 2, username: "omar", displayName: "Omar", role: .reviewer)
            #expect(throws: HTTPError.self) { try WebContext.require(nil, in: [.admin]) }
            #expect(throws: HTTPError.self) { try WebContext.require(omar, in: [.admin]) }
            #expect(try WebContext.require(omar, in: [.admin, .reviewer]) == omar)

            var browser = Browser()
            try await browser.signIn(client, username: "amina", password: Self.password)
            #expect(try await browser.get(client, "/fr/staff/").status == .ok)
            _ = try await site.withStorage { try await DisableStaffAccount(storage: $0).execute(StaffUsername(parsing: "amina"), actor: "test") }
            #expect(try await browser.get(client, "/fr/staff/").status == .seeOther)
            var again = Browser()
            #expect(try await again.signIn(client, username: "amina", password: Self.password).status == .unauthorized)
        }
    }
}

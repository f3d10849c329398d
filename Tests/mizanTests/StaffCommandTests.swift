import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing

#if canImport(Glibc)
import Glibc
import PostgresDriver
import MizanDevCluster
#endif

extension AdminSession {
    /// Runs `mizan` with `password` (and a newline) on its standard input.
    func run(_ arguments: [String], input password: String) throws -> ChildProcess.Result {
        var environment = environment
        environment["MIZAN_TEST_INPUT"] = password
        return try ChildProcess.run(
            ["/bin/sh", "-c", "printf '%s\\n' \"$MIZAN_TEST_INPUT\" | \"$0\" \"$@\"", MizanBinary.path] + arguments + ["--actor", "test-clerk"],
            environment: environment, in: MizanBinary.projectFolder)
    }
}

@Suite("mizan staff")
struct StaffCommandTests {
    static let password = "un mot de passe assez long"

    @Test func addsListsAndAuditsAccountsWithoutThePassword() async throws {
        let session = try await AdminSession.make()
        let added = try session.run(["staff", "add", "Amina", "--role", "admin", "--name", "Amina El Idrissi", "--password-stdin"], input: Self.password)
        #expect(added.status == 0, "\(added.output)")
        #expect(added.standardOutput.contains("created staff account Amina (admin): Amina El Idrissi"))
        #expect(try session.run(["staff", "add", "y.benali", "--role", "auditor", "--password-stdin"], input: Self.password).status == 0)

        let stored = try session.query("SELECT password_hash FROM staff_accounts WHERE username = 'Amina'").single().decode(String.self, 0)
        #expect(stored.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(try PasswordHash(parsing: stored).verify(Self.password))

        let listed = try session.run("staff", "list")
        #expect(listed.status == 0)
        #expect(listed.standardOutput.contains("Amina"))
        #expect(listed.standardOutput.contains("auditor"))
        #expect(listed.standardOutput.contains("active"))
        let json = try session.run("staff", "list", "--json")
        #expect(json.standardOutput.contains("\"username\":\"y.benali\",\"name\":\"y.benali\",\"role\":\"auditor\""))

        let audit = try session.query("SELECT actor, action, object, details FROM audit_log WHERE action = 'staff.add' ORDER BY id")
        #expect(audit.count == 2)
        #expect(try audit.first?.decode(String.self, 0) == "test-clerk")
        #expect(try audit.first?.decode(String.self, 2) == "staff:amina")
        let everything = try session.query("SELECT string_agg(actor || action || object || details, ' ') FROM audit_log").single().decode(String.self, 0)
        #expect(!everything.contains(Self.password))
        #expect(!everything.contains("scrypt"))
    }

    @Test func refusesWhatThePolicyForbidsWithAReason() async throws {
        let session = try await AdminSession.make()
        let cases: [([String], String, String)] = [
            (["staff", "add", "amina", "--role", "admin", "--password-stdin"], "short", "at least 12 characters"),
            (["staff", "add", "amina", "--role", "mayor", "--password-stdin"], Self.password, "--role must be admin, reviewer, count-officer or auditor"),
            (["staff", "add", "a b", "--role", "admin", "--password-stdin"], Self.password, "not a valid username"),
            (["staff", "add", "amina", "--role", "admin", "--password-stdin"], "", "at least 12 characters"),
        ]
        for (arguments, input, message) in cases {
            let result = try session.run(arguments, input: input)
            #expect(result.status == 1, "\(arguments): \(result.output)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        // Standard input is no terminal here, so without --password-stdin there is nobody to ask.
        let noTerminal = try session.run("staff", "add", "amina", "--role", "admin")
        #expect(noTerminal.status == 1)
        #expect(noTerminal.standardError.contains("--password-stdin"))
        #expect(try session.count("staff_accounts") == 0)

        #expect(try session.run(["staff", "add", "amina", "--role", "admin", "--password-stdin"], input: Self.password).status == 0)
        let duplicate = try session.run(["staff", "add", "AMINA", "--role", "reviewer", "--password-stdin"], input: Self.password)
        #expect(duplicate.status == 1)
        #expect(duplicate.standardError.contains("already exists"))
        #expect(try session.count("staff_accounts") == 1)
    }

    @Test func disablesAndChangesPasswordsEndingSessions() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run(["staff", "add", "amina", "--role", "admin", "--password-stdin"], input: Self.password).status == 0)
        #expect(try session.run(["staff", "add", "omar", "--role", "reviewer", "--password-stdin"], input: Self.password).status == 0)
        for username in ["amina", "omar"] {
            try session.query("""
                INSERT INTO staff_sessions (token_hash, account_id, expires_at)
                SELECT sha256(convert_to(\(username), 'UTF8')), id, now() + interval '1 hour' FROM staff_accounts WHERE username = \(username)
                """)
        }

        let changed = try session.run(["staff", "password", "Amina", "--password-stdin"], input: "another long password")
        #expect(changed.status == 0, "\(changed.output)")
        let stored = try session.query("SELECT password_hash FROM staff_accounts WHERE username = 'amina'").single().decode(String.self, 0)
        #expect(try PasswordHash(parsing: stored).verify("another long password"))
        #expect(try session.count("staff_sessions") == 1)

        let disabled = try session.run("staff", "disable", "OMAR")
        #expect(disabled.status == 0, "\(disabled.output)")
        #expect(try session.count("staff_sessions") == 0)
        #expect(try session.run("staff", "list").standardOutput.contains("disabled 20"))
        let again = try session.run("staff", "disable", "omar")
        #expect(again.status == 1)
        #expect(again.standardError.contains("already disabled"))
        #expect(try session.run("staff", "disable", "nobody").standardError.contains("no staff account named nobody"))

        let actions = try session.query("SELECT action FROM audit_log WHERE action LIKE 'staff.%' ORDER BY id").map { try $0.decode(String.self, 0) }
        #expect(actions == ["staff.add", "staff.add", "staff.password", "staff.disable"])
    }

    @Test func helpShowsExamples() throws {
        let help = try MizanBinary.run(["staff", "add", "--help"], environment: MizanBinary.environment())
        #expect(help.standardOutput.contains("mizan staff add amina --role admin"))
        #expect(help.standardOutput.contains("--password-stdin"))
    }

    /// The whole path: an account made with the command signs in to the site that `mizan serve` runs.
    @Test func anAccountAddedOnTheCommandLineSignsInOnTheSite() async throws {
        let session = try await AdminSession.make()
        #expect(try session.run(["staff", "add", "amina", "--role", "reviewer", "--name", "Amina", "--password-stdin"], input: Self.password).status == 0)
        let port = try FreePort.pick()
        let server = try ChildProcess.launch(
            [MizanBinary.path, "serve", "--port", String(port)], environment: session.environment, in: MizanBinary.projectFolder)
        defer {
            server.send(signal: SIGINT)
            _ = try? server.wait()
        }
        // Ready when /health answers, however long a busy machine takes to start it; the bound
        // only ends a server that never comes up.
        var ready = false
        let giveUp = ContinuousClock.now + .seconds(600)
        while !ready && ContinuousClock.now < giveUp {
            ready = (try? RawHTTP.send(port: port, "GET", "/health"))?.status == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "\(server.outputSoFar())")

        let form = try RawHTTP.send(port: port, "GET", "/fr/staff/login")
        #expect(form.status == 200)
        let csrfCookie = try #require(form.cookie("mz_csrf"))
        let field = try #require(form.body.range(of: "name=\"csrf\" value=\"").map { form.body[$0.upperBound...].prefix { $0 != "\"" } })
        let body = "csrf=\(field)&username=amina&password=\(Self.password.replacingOccurrences(of: " ", with: "+"))"
        let login = try RawHTTP.send(
            port: port, "POST", "/fr/staff/login",
            headers: ["Cookie": "mz_csrf=\(csrfCookie)", "Content-Type": "application/x-www-form-urlencoded"], body: body)
        #expect(login.status == 303, "\(login.body)")
        let token = try #require(login.cookie("mz_staff"))
        let home = try RawHTTP.send(port: port, "GET", "/fr/staff/", headers: ["Cookie": "mz_staff=\(token)"])
        #expect(home.status == 200)
        #expect(home.body.contains("Connecté en tant que Amina (examinateur)."))
        #expect(try session.query("SELECT count(*) FROM audit_log WHERE action = 'staff.login'").single().decode(Int.self, 0) == 1)
    }
}

/// A minimal HTTP/1.1 client over a plain socket: one request, `Connection: close`, read to the end.
enum RawHTTP {
    struct Reply {
        let status: Int
        let headers: [(String, String)]
        let body: String

        func cookie(_ name: String) -> String? {
            headers.filter { $0.0.lowercased() == "set-cookie" }.compactMap { header -> String? in
                guard header.1.hasPrefix("\(name)=") else { return nil }
                return String(header.1.dropFirst(name.count + 1).prefix { $0 != ";" })
            }.first
        }
    }

    static func send(port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String = "") throws -> Reply {
        guard let socket = LoopbackSocket.connect(port: port) else { throw POSIXError(.ECONNREFUSED) }
        defer { close(socket) }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n\(body)"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            guard written > 0 else { throw POSIXError(.EIO) }
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EBADMSG) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let fields = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: fields, body: String(text[split.upperBound...]))
    }
}

import ArgumentParser
import Foundation
import MizanCore

#if canImport(Glibc)
import Glibc
#endif

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Manage the staff accounts that sign in to the site's staff pages.",
        discussion: """
            Roles: admin (everything), reviewer (reviews and changes cycles' data), auditor (reads \
            only). Usernames ignore case. Passwords are at least 12 characters, are never printed \
            or logged, and are stored as a salted scrypt hash.

            Examples:
              mizan staff add amina --role admin --name "Amina El Idrissi"
              mizan staff list
              mizan staff disable y.benali
              mizan staff password amina
            """,
        subcommands: [Add.self, List.self, Disable.self, Password.self])

    static func json(_ account: StaffAccount) -> JSON {
        let formatter = ISO8601DateFormatter()
        return .object([
            ("username", .string(account.member.username)), ("name", .string(account.member.displayName)),
            ("role", .string(account.member.role.rawValue)), ("created_at", .string(formatter.string(from: account.createdAt))),
            ("disabled_at", account.disabledAt.map { .string(formatter.string(from: $0)) } ?? .null),
        ])
    }

    /// Reads the new password: one line of standard input with `--password-stdin`, otherwise typed
    /// twice at the terminal without echo.
    static func readPassword(fromStandardInput: Bool) throws -> StaffPassword {
        let text: String
        if fromStandardInput {
            guard let line = readLine(strippingNewline: true) else {
                throw CommandFailure.user("--password-stdin: standard input is empty; pipe the password in, e.g. from a password manager")
            }
            text = line.hasSuffix("\r") ? String(line.dropLast()) : line
        } else {
            guard isatty(STDIN_FILENO) == 1 else {
                throw CommandFailure.user("no terminal to ask the password on; pass --password-stdin and pipe the password in")
            }
            let first = try prompt("New password (at least \(StaffPassword.minimumLength) characters): ")
            let second = try prompt("Type it again: ")
            guard first == second else { throw CommandFailure.user(StaffError.passwordsDiffer.description) }
            text = first
        }
        do {
            return try StaffPassword(validating: text)
        } catch {
            throw CommandFailure.user(error.description)
        }
    }

    /// One line typed at the terminal with echo turned off (and back on, whatever happens).
    static func prompt(_ message: String) throws -> String {
        FileHandle.standardError.write(Data(message.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { throw CommandFailure.system("cannot read the terminal's settings") }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CommandFailure.user("no password typed") }
        return line
    }

    static func username(_ text: String) throws -> StaffUsername {
        do { return try StaffUsername(parsing: text) } catch { throw CommandFailure.user(error.description) }
    }

    /// Opens the storage for `body`, turning the account errors users can fix into one-line messages.
    static func withStorage<T>(_ options: AdminOptions, _ body: (any Storage) async throws -> T) async throws -> T {
        do {
            return try await options.withStorage(body)
        } catch let error as StaffError {
            throw CommandFailure.user(error.description)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account.",
            discussion: """
                Asks for the password twice without showing it, or reads one line from standard \
                input with --password-stdin (for scripts; never put a password on the command line).

                Examples:
                  mizan staff add amina --role admin --name "Amina El Idrissi"
                  mizan staff add y.benali --role auditor --password-stdin < /run/secrets/y.benali-password
                """)

        @Argument(help: "Login name: 2 to 64 letters, digits, '.', '_', '-' or '@'.") var username: String
        @Option(help: "admin (everything), reviewer (review and moderation), count-officer (paper ballots only) or auditor (read only).") var role: String
        @Option(help: "Name shown on the staff pages (default: the username).") var name: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let login = try StaffCommand.username(username)
                guard let role = StaffRole(rawValue: role) else {
                    throw CommandFailure.user("--role must be admin, reviewer, count-officer or auditor, not \(role)")
                }
                let displayName: String
                do { displayName = try validatedDisplayName(name ?? login.value) } catch { throw CommandFailure.user("--name: \(error)") }
                let password = try StaffCommand.readPassword(fromStandardInput: passwordStdin)
                let request = AddStaffAccount.Request(
                    username: login, displayName: displayName, role: role, password: password, actor: options.actorName)
                let account = try await StaffCommand.withStorage(options) { storage in
                    try await AddStaffAccount(storage: storage).execute(request)
                }
                Terminal.line(
                    options.json
                        ? StaffCommand.json(account).text
                        : "created staff account \(account.member.username) (\(account.member.role.rawValue)): \(account.member.displayName)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List staff accounts, disabled ones included.", discussion: "Example:\n  mizan staff list --json")
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let accounts = try await options.withStorage { storage in
                    try await storage.transaction { stores in try stores.staff.list() }
                }
                if options.json {
                    Terminal.line(JSON.array(accounts.map(StaffCommand.json)).text)
                    return
                }
                let formatter = ISO8601DateFormatter()
                Terminal.line(Table.render(
                    header: ["username", "name", "role", "created (UTC)", "status"],
                    rows: accounts.map {
                        [$0.member.username, $0.member.displayName, $0.member.role.rawValue, formatter.string(from: $0.createdAt),
                         $0.disabledAt.map { "disabled \(formatter.string(from: $0))" } ?? "active"]
                    }))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a staff account and end its sessions at once.",
            discussion: """
                The account stays (the audit log names it) but can no longer sign in.

                Example:
                  mizan staff disable y.benali
                """)
        @Argument(help: "The account's username (any case).") var username: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let login = try StaffCommand.username(username)
                let account = try await StaffCommand.withStorage(options) { storage in
                    try await DisableStaffAccount(storage: storage).execute(login, actor: options.actorName)
                }
                Terminal.line(options.json ? StaffCommand.json(account).text : "disabled staff account \(account.member.username)")
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password for a staff account and end its sessions.",
            discussion: """
                Examples:
                  mizan staff password amina
                  mizan staff password amina --password-stdin < new-password.txt
                """)
        @Argument(help: "The account's username (any case).") var username: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let login = try StaffCommand.username(username)
                let password = try StaffCommand.readPassword(fromStandardInput: passwordStdin)
                try await StaffCommand.withStorage(options) { storage in
                    try await ChangeStaffPassword(storage: storage).execute(login, password: password, actor: options.actorName)
                }
                Terminal.line("new password set for \(login.value); its sessions were ended")
            }
        }
    }
}

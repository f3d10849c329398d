import ArgumentParser
import Foundation
import MizanCore
import MizanPostgres
import PostgresDriver

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read and check the tamper-evident audit log.", subcommands: [Show.self, Verify.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the latest audit entries.", discussion: "Example:\n  mizan audit show --last 20")
        @Option(help: "How many of the latest entries.") var last = 50
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let entries = try await options.withStorage { storage in
                    try await storage.transaction { [last] stores in try stores.audit.entries(limit: last) }
                }
                if options.json {
                    Terminal.line(JSON.array(entries.map { entry in
                        .object([
                            ("id", .number(entry.id)), ("at_us", .number(entry.atMicroseconds)), ("actor", .string(entry.actor)),
                            ("action", .string(entry.action)), ("object", .string(entry.object)), ("details", .string(entry.details)),
                            ("hash", .string(entry.hash)),
                        ])
                    }).text)
                    return
                }
                let formatter = ISO8601DateFormatter()
                Terminal.line(Table.render(
                    header: ["id", "time (UTC)", "actor", "action", "object", "details"],
                    rows: entries.map {
                        ["\($0.id)", formatter.string(from: Date(timeIntervalSince1970: Double($0.atMicroseconds) / 1_000_000)),
                         $0.actor, $0.action, $0.object, $0.details]
                    }))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and name the first modified, inserted or deleted entry.",
            discussion: """
                Prints the head hash when the chain is intact: publish it, and check later with \
                --expect-head that nothing was removed from the end either.

                Example:
                  mizan audit verify --expect-head 3f1c…
                """)
        @Option(name: .customLong("expect-head"), help: "A head hash published earlier, which must still be in the chain.") var expectHead: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let result = try await options.withStorage { storage in
                    try await VerifyAuditLog(storage: storage).execute(expectedHead: expectHead)
                }
                switch result {
                case .headMissing(let expected):
                    throw CommandFailure.user("the chain is consistent but does not contain the expected head \(expected): entries were removed")
                case .intact(let count, let head):
                    Terminal.line(options.json ? JSON.object([("intact", .bool(true)), ("entries", .number(Int64(count))), ("head", .string(head))]).text
                        : "audit log intact: \(count) entries, head \(head)")
                case .broken(let id, let reason):
                    if options.json {
                        Terminal.line(JSON.object([("intact", .bool(false)), ("first_bad_entry", .number(id)), ("reason", .string(reason))]).text)
                    }
                    throw CommandFailure.user("audit log broken at entry \(id): \(reason)")
                }
            }
        }
    }
}

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

struct ImplementationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "implementation", abstract: "Progress of funded projects.", subcommands: [Update.self])

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the status, progress and spending of a funded project.",
            discussion: "Example:\n  mizan implementation update --project 7 --status in_progress --progress 40 --spent 50000 --note \"Travaux lancés\"")
        @Option(help: "Project (proposal) number.") var project: Int
        @Option(help: "planned, tendering, in_progress, completed, stalled or cancelled.") var status: String
        @Option(help: "Percent done, 0 to 100.") var progress: Int
        @Option(help: "Money spent so far, in dirhams.") var spent: String
        @Option(help: "A dated note for the public.") var note: String?
        @OptionGroup var options: AdminOptions

        static let statuses = ["planned", "tendering", "in_progress", "completed", "stalled", "cancelled"]

        func run() async throws {
            try await reportingFailures {
                guard Self.statuses.contains(status) else { throw CommandFailure.user("--status must be one of \(Self.statuses.joined(separator: ", "))") }
                guard (0...100).contains(progress) else { throw CommandFailure.user("--progress must be between 0 and 100") }
                let money: Money
                do { money = try Money(parsing: spent) } catch { throw CommandFailure.user("--spent: \(error)") }
                try options.transaction { connection in
                    guard let row = try connection.query("""
                        SELECT p.commune_id, y.phase FROM proposals p JOIN cycles y ON y.id = p.cycle_id
                        WHERE p.id = \(project) AND EXISTS (
                            SELECT 1 FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                            WHERE tp.proposal_id = p.id AND tp.funded AND t.published_at IS NOT NULL)
                        """).first
                    else { throw CommandFailure.user("project \(project) is not funded in a published outcome") }
                    try connection.query("""
                        INSERT INTO implementation_updates (commune_id, proposal_id, status, progress_percent, spent_centimes, note, recorded_by)
                        VALUES (\(try row.decode(Int.self, 0)), \(project), \(status), \(progress), \(money.centimes), \(note), \(options.actorName))
                        """)
                    try AuditLogStore.append(
                        actor: options.actorName, action: "implementation.update", object: "proposal:\(project)",
                        details: "status=\(status) progress=\(progress) spent=\(money.centimes)", on: connection)
                }
                Terminal.line("recorded: project \(project) \(status), \(progress) %, \(money) spent")
            }
        }
    }
}

import ArgumentParser
import Foundation
import MizanCore

/// `mizan export`: the anonymised ballots, projects and outcome for auditors and the public.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a cycle's anonymised ballots, projects and outcome with SHA256SUMS.",
        discussion: """
            Writes into a new folder: the ballots (one file per district envelope, if any), \
            projects.csv (projects.json with --format json) with official costs and votes per \
            channel (any count under 10 withheld as <10, a second one as [c] when the first could be \
            worked out from the total), outcome.json (the published outcome, else the newest \
            stored one, with its trace), audit_head.json (the audit log's head after this export's \
            own entry, signed with the server's Ed25519 audit key, with the public key), and \
            SHA256SUMS, which `sha256sum -c SHA256SUMS` checks.

            Ballots carry no voter data: they are numbered 1…N in the order of their receipt codes, \
            with the channel and the receipt code so each voter can find theirs. With --format pb \
            the ballot files are the canonical Pabulib files the tally hashed, byte for byte, and \
            `mizan verify DIR` recomputes the outcome from them. The cycle must have closed voting \
            (tallied or later). Ballots are streamed to disk, never held in memory.

            Examples:
              mizan export --cycle 3 --format pb --out berkane-2026
              mizan export --cycle 3 --format csv --out /srv/open-data/berkane-2026-csv
            """)

    @Option(help: "Cycle number.") var cycle: Int
    @Option(help: "pb (Pabulib, verifiable), csv or json.") var format: String = "pb"
    @Option(help: ArgumentHelp("New folder to write (it must not exist or be empty).", valueName: "dir")) var out: String
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await reportingFailures {
            guard let format = ExportFormat(rawValue: format) else {
                throw CommandFailure.user("--format must be pb, csv or json, not \(format)")
            }
            let directory = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
            let request = ExportCycle.Request(cycle: CycleID(cycle), format: format, directory: directory, actor: options.actorName)
            let secrets = try SecretsLoader.load(options)
            let written = try await options.withStorage { storage in
                try await ExportCycle(storage: storage, secrets: secrets, progress: { Terminal.error("export: \($0)") }).execute(request)
            }
            if options.json {
                Terminal.line(JSON.object([
                    ("cycle", .number(Int64(cycle))), ("folder", .string(directory.path)), ("ballots", .number(Int64(written.ballots))),
                    ("outcome", .bool(written.hasOutcome)),
                    ("files", .array(written.files.map { .object([("name", .string($0.name)), ("sha256", .string($0.sha256))]) })),
                ]).text)
            } else {
                Terminal.line(Table.render(header: ["file", "sha256"], rows: written.files.map { [$0.name, $0.sha256] }))
                Terminal.line("\(written.ballots) ballot(s) exported to \(directory.path)" + (written.hasOutcome ? "" : " (no outcome stored yet)"))
            }
        }
    }
}

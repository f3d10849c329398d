import ArgumentParser
import Foundation
import MizanCore

struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Load the commune's voter registry for a cycle.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import voters from a CSV file (national ID, birth date, district, optional sex and birth year).",
            discussion: """
                The file needs a header with at least national_id and birth_date (district, sex and \
                birth_year are optional; French names such as cin, date_naissance, quartier are accepted), \
                comma or semicolon separated, UTF-8. Dates are YYYY-MM-DD or DD/MM/YYYY. National ID numbers \
                are stored only as an HMAC with the server secret. Nothing is loaded if any line is bad, \
                unless --skip-invalid is given; importing again updates existing voters.

                Examples:
                  mizan registry import --cycle 1 voters.csv
                  mizan registry import --cycle 1 --skip-invalid voters.csv
                """)

        @Option(help: "Cycle number.") var cycle: Int
        @Flag(name: .customLong("skip-invalid"), help: "Load the valid lines and report the others.") var skipInvalid = false
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                    let size = attributes[.size] as? Int
                else { throw CommandFailure.user("cannot read \(file)") }
                let secrets = try SecretsLoader.load(options)
                let year = Calendar(identifier: .gregorian).component(.year, from: Date())
                let name = URL(fileURLWithPath: file).lastPathComponent
                let path = file
                let request = ImportRegistry.Request(
                    cycle: CycleID(cycle), secrets: secrets, skipInvalid: skipInvalid, source: name, actor: options.actorName
                ) { accept in
                    var feeder = RegistryLineFeeder(currentYear: year)
                    var progress = ProgressBar(total: size, label: "reading \(name)")
                    try LineReader(path: path).forEachLine(progress: { progress.update($0) }) { bytes, line in
                        try feeder.take(bytes, line: line, accept: accept)
                    }
                    progress.finish()
                    return try feeder.finish()
                }
                let report: RegistryImportReport
                do {
                    report = try await options.withStorage { try await ImportRegistry(storage: $0).execute(request) }
                } catch let rejected as RegistryRejected {
                    for problem in rejected.problems { Terminal.error(problem.description) }
                    throw CommandFailure.user(
                        "\(Set(rejected.problems.map(\.line)).count) bad line(s); nothing was imported (fix them, or use --skip-invalid to load the rest)")
                } catch let error as ProposalError {
                    throw CommandFailure.user(error.description)
                }
                for problem in report.rejected { Terminal.error("skipped \(problem)") }
                if options.json {
                    Terminal.line(JSON.object([
                        ("inserted", .number(Int64(report.inserted))), ("updated", .number(Int64(report.updated))),
                        ("rejected", .array(report.rejected.map {
                            .object([("line", .number(Int64($0.line))), ("field", .string($0.field)), ("reason", .string($0.reason))])
                        })),
                    ]).text)
                } else {
                    Terminal.line("imported: \(report.inserted) new, \(report.updated) updated, \(Set(report.rejected.map(\.line)).count) line(s) skipped")
                }
            }
        }
    }
}

struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes", abstract: "Printed one-time voting codes.", subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate codes to print and hand out; only their hashes are stored.",
            discussion: """
                The CSV written to --out is the only copy of the codes: print it and keep it safe.

                Example:
                  mizan codes issue --cycle 1 --count 500 --out codes.csv
                """)

        @Option(help: "Cycle number.") var cycle: Int
        @Option(help: "How many codes.") var count: Int
        @Option(help: "CSV file to write (must not exist).") var out: String
        @OptionGroup var options: AdminOptions

        func validate() throws {
            guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 1000000") }
        }

        func run() async throws {
            try await reportingFailures {
                guard !FileManager.default.fileExists(atPath: out) else {
                    throw CommandFailure.user("\(out) already exists; choose another --out so no printed codes are lost")
                }
                let secrets = try SecretsLoader.load(options)
                let destination = out, temporary = out + ".partial"
                let cycleID = cycle
                do {
                    _ = try await options.withStorage { storage in
                        try await IssueVotingCodes(storage: storage).execute(
                            cycle: CycleID(cycleID), count: count, secrets: secrets, actor: options.actorName
                        ) { issued in
                            let body = issued.printSheet
                            // Written before the commit: if the file cannot be written, no code is stored.
                            guard FileManager.default.createFile(atPath: temporary, contents: Data(body.utf8), attributes: [.posixPermissions: 0o600])
                            else { throw CommandFailure.user("cannot write \(destination)") }
                        }
                    }
                } catch let error as ProposalError {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw CommandFailure.user(error.description)
                } catch {
                    try? FileManager.default.removeItem(atPath: temporary)
                    throw error
                }
                try FileManager.default.moveItem(atPath: temporary, toPath: out)
                Terminal.line("issued \(count) code(s) into \(out)")
            }
        }
    }
}

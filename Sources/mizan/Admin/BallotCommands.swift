import ArgumentParser
import Foundation
import MizanCore
import MizanPostgres

struct BallotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballots", abstract: "Paper ballots.", subcommands: [EnterPaper.self, Count.self])

    struct EnterPaper: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enter-paper",
            abstract: "Enter paper ballots from a file, validated like online ones.",
            discussion: """
                One ballot per line after a header `voter,choices`: the voter's national ID number or \
                printed code, then the chosen project numbers separated by spaces — in preference order \
                for ranked ballots, as PROJECT:POINTS for points ballots. Each line is checked and cast \
                like an online ballot: a voter who already voted (online or on paper) is refused, and a \
                paper vote blocks a later online vote. Every refusal is reported with its line.

                Each accepted ballot is stored as its line is read, and its receipt code is printed \
                with its line number, for the clerk to hand to the voter: with it, a paper voter finds \
                their ballot in the published file like anyone else. A run that stopped halfway can \
                be run again on the same file: a line already stored is recognised (same receipt \
                code, not stored twice) and the others are stored.

                The file links each voter to their choices: keep it as you keep the paper ballots, \
                and destroy it with them.

                Examples:
                  mizan ballots enter-paper --cycle 1 paper-ballots.csv
                  mizan ballots enter-paper --cycle 1 --dry-run paper-ballots.csv
                """)

        @Option(help: "Cycle number.") var cycle: Int
        @Flag(name: .customLong("dry-run"), help: "Check every line and store nothing.") var dryRun = false
        @Argument(help: "The file of paper ballots.") var file: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let secrets = try SecretsLoader.load(options)
                let lines = try Self.readLines(file).map { EnterPaperBallots.Line(number: $0.line, text: $0.text) }
                let report = try await options.withStorage { storage -> EnterPaperBallots.Report in
                    guard let postgres = storage as? PostgresStorage else {
                        throw CommandFailure.system("paper ballots need the PostgreSQL storage")
                    }
                    let enter = EnterPaperBallots(
                        storage: storage, secrets: secrets, box: dryRun ? postgres.rehearsalBallotBox() : postgres.directBallotBox, dryRun: dryRun)
                    do {
                        return try await enter.execute(
                            cycle: CycleID(cycle), lines: lines, source: "file=\(URL(fileURLWithPath: file).lastPathComponent)",
                            actor: options.actorName)
                    } catch VoteError.notInVoting(let phase) {
                        throw CommandFailure.user("cycle \(cycle) is in \(phase.rawValue); paper ballots are entered while voting is open")
                    }
                }
                try Self.report(report, cycle: cycle, dryRun: dryRun)
            }
        }

        /// The lines after the header, trimmed, without empty ones; nil for a line that is not UTF-8.
        static func readLines(_ path: String) throws -> [(line: Int, text: String?)] {
            var lines: [(line: Int, text: String?)] = []
            try LineReader(path: path).forEachLine { bytes, line in
                guard line > 1 else { return }
                guard let text = String(validating: bytes, as: UTF8.self)?.trimmingCharacters(in: .whitespacesAndNewlines) else {
                    lines.append((line, nil))
                    return
                }
                if !text.isEmpty { lines.append((line, text)) }
            }
            return lines
        }

        static func report(_ report: EnterPaperBallots.Report, cycle: Int, dryRun: Bool) throws {
            for verdict in report.verdicts {
                switch verdict {
                case .accepted(let line, let receipt): if !dryRun { Terminal.line("line \(line)\treceipt \(receipt)") }
                case .refused(let problem): Terminal.error("refused \(problem)")
                }
            }
            Terminal.line(dryRun ? "\(report.accepted) ballot(s) would be stored, \(report.refusals.count) refused (dry run: nothing stored)"
                : "\(report.accepted) paper ballot(s) stored, \(report.refusals.count) refused")
            if let closed = report.closed {
                throw CommandFailure.user(
                    "cycle \(cycle) moved to \(closed.phase.rawValue) during the run: line \(closed.line) and those after it were not entered")
            }
            if !report.refusals.isEmpty { throw ExitCode(1) }
        }
    }
}

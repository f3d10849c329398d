import ArgumentParser
import Foundation
import MizanCore
import MizanPostgres
import PostgresDriver

struct BallotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballots", abstract: "Paper ballots.", subcommands: [EnterPaper.self])

    struct EnterPaper: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enter-paper",
            abstract: "Enter paper ballots from a file, validated like online ones.",
            discussion: """
                One ballot per line after a header `voter,choices`: the voter's national ID number or \
                printed code, then the chosen project numbers separated by spaces — in preference order \
                for ranked ballots, as PROJECT:POINTS for points ballots. A voter who already voted \
                (online or on paper) is refused, and a paper vote blocks a later online vote. Every \
                refusal is reported with its line; the accepted ballots are stored together.

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
                let secrets = try SecretsLoader.load(home: options.database.homeDirectory)
                let outcome: (Int, [LineProblem])
                do {
                outcome = try options.transaction { connection -> (Int, [LineProblem]) in
                    let cycleInfo = try CycleStore.require(cycle, on: connection)
                    guard cycleInfo.phase == .voting else {
                        throw CommandFailure.user("cycle \(cycle) is in \(cycleInfo.phase.rawValue); paper ballots are entered while voting is open")
                    }
                    let validator = try BallotStore.validator(for: cycleInfo, on: connection)
                    var stored = 0
                    var refusals: [LineProblem] = []
                    try LineReader(path: file).forEachLine { bytes, line in
                        guard line > 1 else { return }
                        guard let text = String(validating: bytes, as: UTF8.self)?.trimmingCharacters(in: .whitespacesAndNewlines) else {
                            refusals.append(LineProblem(line: line, field: "line", reason: "is not UTF-8 text"))
                            return
                        }
                        if text.isEmpty { return }
                        do {
                            let (credential, choices) = try Self.parse(text, rules: cycleInfo.ballot)
                            try connection.execute(script: "SAVEPOINT paper_ballot")
                            do {
                                guard let voter = try BallotStore.voterKey(for: credential, cycleID: cycle, secrets: secrets, on: connection) else {
                                    throw VoteError.notEligible
                                }
                                _ = try BallotStore.cast(
                                    cycle: cycleInfo, voterKey: voter.key, district: voter.district, channel: .paper, choices: choices,
                                    validator: validator, secrets: secrets, on: connection)
                                try connection.execute(script: "RELEASE SAVEPOINT paper_ballot")
                                stored += 1
                            } catch {
                                try connection.execute(script: "ROLLBACK TO SAVEPOINT paper_ballot")
                                throw error
                            }
                        } catch let problem as LineProblem {
                            refusals.append(LineProblem(line: line, field: problem.field, reason: problem.reason))
                        } catch let error as VoteError {
                            refusals.append(LineProblem(line: line, field: "ballot", reason: error.description))
                        }
                    }
                    try AuditLogStore.append(
                        actor: options.actorName, action: "ballots.enter-paper", object: "cycle:\(cycle)",
                        details: "file=\(URL(fileURLWithPath: file).lastPathComponent) stored=\(stored) refused=\(refusals.count)",
                        on: connection)
                    if dryRun { throw DryRun(stored: stored, refusals: refusals) }
                    return (stored, refusals)
                }
                } catch let dry as DryRun {
                    try Self.report(stored: dry.stored, refusals: dry.refusals, dryRun: true)
                    return
                }
                try Self.report(stored: outcome.0, refusals: outcome.1, dryRun: false)
            }
        }

        struct DryRun: Error {
            let stored: Int
            let refusals: [LineProblem]
        }

        static func report(stored: Int, refusals: [LineProblem], dryRun: Bool) throws {
            for refusal in refusals { Terminal.error("refused \(refusal)") }
            Terminal.line(dryRun ? "\(stored) ballot(s) would be stored, \(refusals.count) refused (dry run: nothing stored)"
                : "\(stored) paper ballot(s) stored, \(refusals.count) refused")
            if !refusals.isEmpty { throw ExitCode(1) }
        }

        /// `VOTER,CHOICES` where CHOICES are project numbers separated by spaces (`12:3` for points).
        static func parse(_ text: String, rules: BallotRules) throws -> (VoterCredential, [BallotChoice]) {
            let separator: Character = text.contains(";") && !text.contains(",") ? ";" : ","
            let parts = text.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw LineProblem(line: 0, field: "line", reason: "expected voter\(separator)choices") }
            let credential: VoterCredential
            do { credential = try VoterCredential(parsing: String(parts[0])) } catch {
                throw LineProblem(line: 0, field: "voter", reason: "\"\(parts[0])\" \(error.reason)")
            }
            var choices: [BallotChoice] = []
            for (position, token) in parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).enumerated() {
                let pieces = token.split(separator: ":")
                guard let project = Int(pieces[0]), pieces.count <= 2 else {
                    throw LineProblem(line: 0, field: "choices", reason: "\"\(token)\" is not a project number")
                }
                switch rules {
                case .points:
                    guard pieces.count == 2, let points = Int(pieces[1]) else {
                        throw LineProblem(line: 0, field: "choices", reason: "\"\(token)\" must be PROJECT:POINTS on a points ballot")
                    }
                    choices.append(BallotChoice(proposalID: project, weight: points))
                case .ranked: choices.append(BallotChoice(proposalID: project, weight: position + 1))
                default: choices.append(BallotChoice(proposalID: project))
                }
            }
            return (credential, choices)
        }
    }
}

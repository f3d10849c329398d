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
                let lines = try Self.readLines(file)
                let cycleID = CycleID(cycle)
                let outcome = try await options.withStorage { storage -> Outcome in
                    guard let postgres = storage as? PostgresStorage else {
                        throw CommandFailure.system("paper ballots need the PostgreSQL storage")
                    }
                    let identify = IdentifyVoter(storage: storage, secrets: secrets)
                    let cast = CastBallot(
                        storage: storage, box: dryRun ? postgres.rehearsalBallotBox() : postgres.directBallotBox, secrets: secrets)
                    let rules: BallotRules
                    do {
                        rules = try await cast.blankBallot(cycleID, for: nil).cycle.ballot
                    } catch VoteError.notInVoting(let phase) {
                        throw CommandFailure.user("cycle \(cycle) is in \(phase.rawValue); paper ballots are entered while voting is open")
                    }
                    var outcome = Outcome()
                    lines: for (line, text) in lines {
                        do {
                            guard let text else { throw LineProblem(line: line, field: "line", reason: "is not UTF-8 text") }
                            let (credential, choices) = try Self.parse(text, rules: rules)
                            guard let voter = try await identify.atDesk(credential, cycle: cycleID) else { throw VoteError.notEligible }
                            // The line names its own submission: entered again, it gets the same receipt.
                            let receipt = try await cast(
                                choices, by: voter, in: cycleID, channel: .paper,
                                submission: .derived(from: "paper:\(cycle):\(text)"))
                            outcome.stored += 1
                            if !dryRun { Terminal.line("line \(line)\treceipt \(receipt.code.value)") }
                        } catch let problem as LineProblem {
                            outcome.refusals.append(LineProblem(line: line, field: problem.field, reason: problem.reason))
                        } catch VoteError.notInVoting(let phase) {
                            outcome.closed = (line, phase)
                            break lines
                        } catch let error as VoteError {
                            outcome.refusals.append(LineProblem(line: line, field: "ballot", reason: error.description))
                        }
                    }
                    if !dryRun {
                        let (actor, stored, refused) = (options.actorName, outcome.stored, outcome.refusals.count)
                        _ = try await storage.transaction { [file] stores in
                            try stores.audit.append(
                                actor: actor, action: "ballots.enter-paper", object: "cycle:\(cycleID)",
                                details: "file=\(URL(fileURLWithPath: file).lastPathComponent) stored=\(stored) refused=\(refused)")
                        }
                    }
                    return outcome
                }
                try Self.report(outcome, cycle: cycle, dryRun: dryRun)
            }
        }

        /// What a run did: ballots stored (or that would be), lines refused, and where voting was
        /// found closed if it closed during the run.
        struct Outcome {
            var stored = 0
            var refusals: [LineProblem] = []
            var closed: (line: Int, phase: Phase)?
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

        static func report(_ outcome: Outcome, cycle: Int, dryRun: Bool) throws {
            for refusal in outcome.refusals { Terminal.error("refused \(refusal)") }
            Terminal.line(dryRun ? "\(outcome.stored) ballot(s) would be stored, \(outcome.refusals.count) refused (dry run: nothing stored)"
                : "\(outcome.stored) paper ballot(s) stored, \(outcome.refusals.count) refused")
            if let closed = outcome.closed {
                throw CommandFailure.user(
                    "cycle \(cycle) moved to \(closed.phase.rawValue) during the run: line \(closed.line) and those after it were not entered")
            }
            if !outcome.refusals.isEmpty { throw ExitCode(1) }
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

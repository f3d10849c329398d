import Foundation

/// Enters paper ballots as a count table reads them, one line each: `VOTER,CHOICES`, where VOTER
/// is the national ID number or printed code and CHOICES the project numbers separated by spaces
/// (in preference order for ranked ballots, `PROJECT:POINTS` for points ballots). The one home of
/// paper entry: `mizan ballots enter-paper` and the staff page both call it.
///
/// Each line is checked and cast like an online ballot (a voter who already voted is refused, and
/// a paper vote blocks a later online vote), in its own transaction through the ballot box the
/// caller gives: a direct box stores it, a rehearsal box checks everything and stores nothing (the
/// dry run). A line names its own submission, so entering it again gives the same receipt and
/// stores nothing twice. One audit entry records each run that stored.
public struct EnterPaperBallots: Sendable {
    /// One line of a count sheet; nil text for a line that is not UTF-8.
    public struct Line: Sendable {
        public let number: Int
        public let text: String?

        public init(number: Int, text: String?) {
            self.number = number
            self.text = text
        }
    }

    /// What became of one line.
    public enum Verdict: Sendable, Equatable {
        /// Stored (or, in a dry run, would be) with this receipt code.
        case accepted(line: Int, receipt: String)
        case refused(LineProblem)
    }

    public struct Report: Sendable {
        public var verdicts: [Verdict] = []
        /// Where voting was found closed, if it closed during the run: that line and those after
        /// it were not entered.
        public var closed: (line: Int, phase: Phase)?
        public var accepted: Int { verdicts.filter { if case .accepted = $0 { true } else { false } }.count }
        public var refusals: [LineProblem] { verdicts.compactMap { if case .refused(let problem) = $0 { problem } else { nil } } }
    }

    let storage: any Storage
    let secrets: ServerSecrets
    let box: any BallotBox
    let dryRun: Bool

    /// `box`: a box that stores each ballot in its own transaction, or, with `dryRun`, one that
    /// stores nothing.
    public init(storage: any Storage, secrets: ServerSecrets, box: any BallotBox, dryRun: Bool) {
        self.storage = storage
        self.secrets = secrets
        self.box = box
        self.dryRun = dryRun
    }

    /// Throws `VoteError.notInVoting` when the cycle is not taking ballots at the start.
    public func execute(cycle: CycleID, lines: [Line], source: String, actor: String) async throws -> Report {
        let identify = IdentifyVoter(storage: storage, secrets: secrets)
        let cast = CastBallot(storage: storage, box: box, secrets: secrets)
        let rules = try await cast.blankBallot(cycle, for: nil).cycle.ballot
        var report = Report()
        lines: for line in lines {
            do {
                guard let text = line.text else { throw LineProblem(line: line.number, field: "line", reason: "is not UTF-8 text", kind: "not-utf8") }
                let (credential, choices) = try Self.parse(text, rules: rules)
                guard let voter = try await identify.atDesk(credential, cycle: cycle) else { throw VoteError.notEligible }
                let receipt = try await cast(
                    choices, by: voter, in: cycle, channel: .paper, submission: .derived(from: "paper:\(cycle.rawValue):\(text)"))
                report.verdicts.append(.accepted(line: line.number, receipt: receipt.code.value))
            } catch let problem as LineProblem {
                report.verdicts.append(.refused(problem.on(line: line.number)))
            } catch VoteError.notInVoting(let phase) {
                report.closed = (line.number, phase)
                break lines
            } catch let error as VoteError {
                report.verdicts.append(.refused(LineProblem(line: line.number, field: "ballot", reason: error.description, vote: error)))
            }
        }
        if !dryRun {
            let (stored, refused) = (report.accepted, report.refusals.count)
            _ = try await storage.transaction { stores in
                try stores.audit.append(
                    actor: actor, action: "ballots.enter-paper", object: "cycle:\(cycle)",
                    details: "source=\(source) stored=\(stored) refused=\(refused)")
            }
        }
        return report
    }

    /// `VOTER,CHOICES` (or `VOTER;CHOICES`); the problem names the field, its line is the caller's.
    public static func parse(_ text: String, rules: BallotRules) throws -> (VoterCredential, [BallotChoice]) {
        let separator: Character = text.contains(";") && !text.contains(",") ? ";" : ","
        let parts = text.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw LineProblem(line: 0, field: "line", reason: "expected voter\(separator)choices", kind: "no-separator") }
        let credential: VoterCredential
        do { credential = try VoterCredential(parsing: String(parts[0])) } catch {
            throw LineProblem(line: 0, field: "voter", reason: "\"\(parts[0])\" \(error.reason)", kind: "voter", value: String(parts[0]))
        }
        var choices: [BallotChoice] = []
        for (position, token) in parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).enumerated() {
            let pieces = token.split(separator: ":")
            guard let project = Int(pieces[0]), pieces.count <= 2 else {
                throw LineProblem(line: 0, field: "choices", reason: "\"\(token)\" is not a project number", kind: "not-a-project", value: String(token))
            }
            switch rules {
            case .points:
                guard pieces.count == 2, let points = Int(pieces[1]) else {
                    throw LineProblem(
                        line: 0, field: "choices", reason: "\"\(token)\" must be PROJECT:POINTS on a points ballot", kind: "points-format",
                        value: String(token))
                }
                choices.append(BallotChoice(proposalID: project, weight: points))
            case .ranked: choices.append(BallotChoice(proposalID: project, weight: position + 1))
            default: choices.append(BallotChoice(proposalID: project))
            }
        }
        return (credential, choices)
    }
}

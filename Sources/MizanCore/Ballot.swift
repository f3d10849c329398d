import Foundation

/// One mark on a ballot: a project and its weight (points for cumulative ballots, 1-based rank for
/// ranked ones, 1 otherwise).
public struct BallotChoice: Hashable, Sendable {
    public let proposalID: Int
    public let weight: Int
    public init(proposalID: Int, weight: Int = 1) {
        self.proposalID = proposalID
        self.weight = weight
    }
}

/// Why a ballot is refused, in terms a voter or a clerk can act on.
public enum BallotError: Error, Hashable, CustomStringConvertible {
    case empty
    case unknownProject(Int)
    case duplicateProject(Int)
    case tooFew(minimum: Int, chosen: Int)
    case tooMany(maximum: Int, chosen: Int)
    case overBudget(total: Money, budget: Money)
    case tooManyPoints(total: Int, allowed: Int)
    case overCap(proposalID: Int, points: Int, cap: Int)
    case badWeight(proposalID: Int)
    case badRanking

    public var description: String {
        switch self {
        case .empty: return "the ballot chooses no project"
        case .unknownProject(let id): return "project \(id) is not on this ballot"
        case .duplicateProject(let id): return "project \(id) is chosen twice"
        case .tooFew(let minimum, let chosen): return "choose at least \(minimum) project(s); this ballot chooses \(chosen)"
        case .tooMany(let maximum, let chosen): return "choose at most \(maximum) project(s); this ballot chooses \(chosen)"
        case .overBudget(let total, let budget): return "the chosen projects cost \(total), more than the budget of \(budget)"
        case .tooManyPoints(let total, let allowed): return "\(total) points given; at most \(allowed) may be spread"
        case .overCap(let id, let points, let cap): return "project \(id) gets \(points) points; at most \(cap) per project"
        case .badWeight(let id): return "project \(id) must get a positive whole number"
        case .badRanking: return "ranks must be 1, 2, 3… without gaps or repeats"
        }
    }
}

/// Checks a ballot against the cycle's rules and its accepted projects. The server enforces every
/// rule here, whatever the form or the paper said.
public struct BallotValidator: Sendable {
    public let rules: BallotRules
    /// Accepted projects and their official costs.
    public let projects: [Int: Money]
    public let budget: Money

    public init(rules: BallotRules, projects: [Int: Money], budget: Money) {
        self.rules = rules
        self.projects = projects
        self.budget = budget
    }

    /// The rules of `cycle` over its accepted projects at their official cost.
    public init(cycle: Cycle, acceptedProjects: [Proposal]) {
        var projects: [Int: Money] = [:]
        for project in acceptedProjects where project.status == .accepted {
            projects[project.id] = project.officialCost ?? project.estimatedCost
        }
        self.init(rules: cycle.ballot, projects: projects, budget: cycle.budget)
    }

    public func validate(_ choices: [BallotChoice]) throws(BallotError) -> [BallotChoice] {
        var seen = Set<Int>()
        for choice in choices {
            guard projects[choice.proposalID] != nil else { throw .unknownProject(choice.proposalID) }
            guard seen.insert(choice.proposalID).inserted else { throw .duplicateProject(choice.proposalID) }
            guard choice.weight >= 1 else { throw .badWeight(proposalID: choice.proposalID) }
        }
        switch rules {
        case .approval(let minimum, let maximum):
            if choices.isEmpty && minimum > 0 { throw .tooFew(minimum: minimum, chosen: 0) }
            if choices.count < minimum { throw .tooFew(minimum: minimum, chosen: choices.count) }
            if let maximum, choices.count > maximum { throw .tooMany(maximum: maximum, chosen: choices.count) }
            if choices.isEmpty { throw .empty }
        case .knapsack:
            if choices.isEmpty { throw .empty }
            let total = choices.reduce(Money.zero) { $0 + projects[$1.proposalID]! }
            if total > budget { throw .overBudget(total: total, budget: budget) }
        case .points(let allowed, let cap):
            if choices.isEmpty { throw .empty }
            let total = choices.reduce(0) { $0 + $1.weight }
            if total > allowed { throw .tooManyPoints(total: total, allowed: allowed) }
            if let cap, let over = choices.first(where: { $0.weight > cap }) {
                throw .overCap(proposalID: over.proposalID, points: over.weight, cap: cap)
            }
        case .ranked(let depth):
            if choices.isEmpty { throw .empty }
            if choices.count > depth { throw .tooMany(maximum: depth, chosen: choices.count) }
            if choices.map(\.weight).sorted() != Array(1...choices.count) { throw .badRanking }
        }
        return rules.kind == "approval" || rules.kind == "knapsack" ? choices.map { BallotChoice(proposalID: $0.proposalID) } : choices
    }
}

/// A receipt code handed to the voter once the ballot is stored: 16 characters in four groups.
public struct ReceiptCode: Hashable, Sendable {
    public let value: String

    public init(parsing text: String) throws(BallotError) {
        let compact = text.uppercased().filter { $0 != "-" && $0 != " " }
        guard compact.count == 16, compact.allSatisfy({ VotingCode.alphabet.contains($0) }) else { throw .empty }
        let characters = Array(compact)
        value = stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    public static func random() -> ReceiptCode {
        var generator = SystemRandomNumberGenerator()
        let alphabet = VotingCode.alphabet
        return try! ReceiptCode(parsing: String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }))
    }
}

/// How a vote reached us.
public enum VoteChannel: String, Sendable, CaseIterable {
    case web, paper, code
}

/// What a voter shows to be identified.
public enum VoterCredential: Sendable, Equatable {
    /// A national ID number a clerk has checked against the card: the number alone finds the entry.
    case nationalID(NationalID)
    /// A national ID number and the birth date the registry holds, as a citizen types them on the
    /// web: both must match.
    case registryDetails(NationalID, birthDate: String)
    /// A printed one-time code.
    case code(VotingCode)

    /// Reads a clerk's entry: a voting code (12 characters with dashes) or a national ID number.
    public init(parsing text: String) throws(RegistryFieldError) {
        if text.contains("-"), let code = try? VotingCode(parsing: text) {
            self = .code(code)
        } else {
            self = .nationalID(try NationalID(parsing: text))
        }
    }

    /// Reads what a citizen typed: a code when one is given, else an ID number and a birth date
    /// (`YYYY-MM-DD` or `DD/MM/YYYY`). Nil when it is neither, which still counts as an attempt.
    public static func typed(nationalID: String, birthDate: String, code: String) -> VoterCredential? {
        let code = code.trimmingCharacters(in: .whitespaces)
        if !code.isEmpty { return (try? VotingCode(parsing: code)).map(VoterCredential.code) }
        guard let id = try? NationalID(parsing: nationalID),
            let date = RegistryFileReader.parseDate(birthDate.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return .registryDetails(id, birthDate: String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
    }
}

/// Who a voter is to the database: the HMAC of their national ID number or of their printed code
/// (`ServerSecrets.digest`), never the number or the code itself. One key, one vote per cycle.
public struct VoterKey: Hashable, Sendable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// A voter the cycle knows: their key and, when the registry or the code gives one, their district.
public struct EligibleVoter: Hashable, Sendable {
    public let key: VoterKey
    public let district: DistrictID?
    /// True when the voter was identified by a printed code: their online vote is a `code` vote.
    public let holdsCode: Bool
    public init(key: VoterKey, district: DistrictID?, holdsCode: Bool = false) {
        self.key = key
        self.district = district
        self.holdsCode = holdsCode
    }

    /// The channel of this voter's vote on the web: `code` when identified by a printed code.
    public var onlineChannel: VoteChannel { holdsCode ? .code : .web }
}

/// A validated ballot, sealed and ready to be written: who voted (`voter`, `channel` and
/// `district`, for participation) and, apart, what was voted, sealed (`sealed`) so that only the
/// service can open it when voting closes.
public struct PendingBallot: Sendable, Equatable {
    public let cycle: CycleID
    public let commune: CommuneID
    public let voter: VoterKey
    public let district: DistrictID?
    public let channel: VoteChannel
    /// Handed to the voter once the ballot is stored; derived from the submission token.
    public let receipt: ReceiptCode
    public let choices: [BallotChoice]
    /// The ballot's content, receipt and channel, encrypted (`ServerSecrets.seal`).
    public let sealed: [UInt8]
    public let receiptTag: [UInt8]
    public let submissionTag: [UInt8]
    /// The tag of the receipt code the voter gave for the ballot this one replaces, if any.
    public let proofTag: [UInt8]?

    /// `projectCount` is the number of projects on the cycle's ballot: every sealed ballot of the
    /// cycle is padded to the length of one marking them all.
    public init(
        cycle: Cycle, voter: EligibleVoter, channel: VoteChannel, choices: [BallotChoice], submission: SubmissionToken,
        replacing proof: ReceiptCode? = nil, projectCount: Int, secrets: ServerSecrets
    ) {
        let id = CycleID(cycle.id)
        self.cycle = id
        commune = CommuneID(cycle.communeID)
        self.voter = voter.key
        district = voter.district
        self.channel = channel
        receipt = secrets.receipt(for: submission, in: id)
        self.choices = choices
        sealed = secrets.seal(
            OpenedBallot(receipt: receipt, channel: channel, district: voter.district, choices: choices), cycle: id,
            paddedTo: 64 + 24 * max(projectCount, choices.count))
        receiptTag = secrets.tag(of: receipt)
        submissionTag = secrets.tag(of: submission, in: id)
        proofTag = proof.map(secrets.tag(of:))
    }
}

/// What the voter is told once their ballot is stored.
public struct BallotReceipt: Sendable, Equatable {
    public let code: ReceiptCode
    /// True when an earlier ballot of the same voter on the same channel was replaced.
    public let replaced: Bool
    public init(code: ReceiptCode, replaced: Bool) {
        self.code = code
        self.replaced = replaced
    }
}

public enum VoteError: Error, Hashable, CustomStringConvertible {
    case notEligible
    case alreadyVoted(channel: VoteChannel)
    case notInVoting(Phase)
    case invalid(BallotError)
    /// A ballot is already recorded for this voter on this channel: a new one replaces it only
    /// with the receipt code of the one recorded (missing or not that ballot's).
    case needsReceipt
    /// The form's submission token is missing, malformed, or was used by another voter: a fresh
    /// form is needed.
    case staleForm

    public var description: String {
        switch self {
        case .notEligible: return "this voter is not in the registry and holds no valid code"
        case .alreadyVoted(let channel): return "this voter already voted (\(channel.rawValue)); only one vote per person"
        case .notInVoting(let phase): return "voting is not open (the cycle is in \(phase.rawValue))"
        case .invalid(let error): return error.description
        case .needsReceipt:
            return "a ballot is already recorded for this voter; to replace it, give the receipt code of that ballot"
        case .staleForm: return "this ballot form was already used or is not valid; fill in a fresh one"
        }
    }
}

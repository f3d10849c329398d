import PBEngine
/// A voter checking their ballot by its receipt code: whether it is stored and will be counted,
/// and once the cycle's results are published, where it stands in the published anonymised set.
public struct CheckReceipt: Sendable {
    public enum Finding: Sendable, Equatable {
        /// No ballot has this code (never issued, mistyped, or replaced by a newer ballot).
        case unknown
        /// Stored and to be counted; the cycle's results are not published yet.
        case counted(CycleID)
        /// The cycle's results are published: the ballot's line in the published set, nil when
        /// its scope has no published outcome or it marks none of the scope's projects.
        case published(CycleID, PublishedBallot?)
    }

    let storage: any Storage
    let secrets: ServerSecrets

    public init(storage: any Storage, secrets: ServerSecrets) {
        self.storage = storage
        self.secrets = secrets
    }

    public func callAsFunction(_ code: ReceiptCode) async throws -> Finding {
        try await storage.transaction { [secrets] stores in
            guard let id = try stores.ballots.cycle(ofReceipt: code, tag: secrets.tag(of: code)) else { return .unknown }
            let cycle = try stores.cycles.require(id)
            guard cycle.phase >= .published else { return .counted(id) }
            return .published(id, try stores.ballots.published(receipt: code, in: cycle))
        }
    }
}

/// A ballot as the published anonymised set holds it: its number in the scope's canonical `.pb`
/// file (ballots ordered by receipt code and numbered from 1), the file and its published SHA-256,
/// and its marks on the scope's accepted projects in the file's order (by rank for ranked ballots,
/// else by project number).
public struct PublishedBallot: Sendable, Equatable {
    public struct Mark: Sendable, Equatable {
        public let project: Int
        public let title: String
        /// Points, rank or 1, as `BallotChoice.weight`.
        public let weight: Int
        public let funded: Bool

        public init(project: Int, title: String, weight: Int, funded: Bool) {
            self.project = project
            self.title = title
            self.weight = weight
            self.funded = funded
        }
    }

    public let number: Int
    /// `ballots.pb` for the whole cycle, `ballots-district-N.pb` for a district envelope.
    public let file: String
    public let sha256: String
    public let receipt: ReceiptCode
    public let channel: VoteChannel
    public let rules: BallotRules
    public let marks: [Mark]

    public init(
        number: Int, file: String, sha256: String, receipt: ReceiptCode, channel: VoteChannel, rules: BallotRules, marks: [Mark]
    ) {
        self.number = number
        self.file = file
        self.sha256 = sha256
        self.receipt = receipt
        self.channel = channel
        self.rules = rules
        self.marks = marks
    }

    /// Its VOTES line, byte for byte as the canonical `.pb` holds it
    /// (`number;projects[;points];receipt;channel`), written by PBEngine's one VOTES-line encoder.
    public var votesLine: String {
        let isPoints = if case .points = rules { true } else { false }
        return PabulibVote(
            voterID: String(number), projects: marks.map { String($0.project) },
            points: isPoints ? marks.map(\.weight) : nil, extra: [receipt.value, channel.rawValue]
        ).line
    }
}

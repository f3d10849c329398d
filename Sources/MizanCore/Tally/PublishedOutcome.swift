import Foundation

/// A published outcome as the public pages show it: only outcomes whose publication is recorded,
/// so nothing computed but not yet published can ever reach a page.
public struct PublishedOutcome: Sendable {
    public struct Scope: Sendable {
        public let tallyID: Int
        public let districtName: BilingualName?
        public let budget: Money
        public let spent: Money
        public let ballots: Int
        /// Registry entries of the scope (the whole cycle's, or the district's).
        public let registered: Int
        public let rule: String
        public let tieBreak: String
        /// By supporters, most first, then by number.
        public let projects: [Project]
        /// Effective support, where money went, shares and greedy compared; nil for outcomes
        /// stored before it was kept.
        public let account: TallyAccount?

        public init(
            tallyID: Int, districtName: BilingualName?, budget: Money, spent: Money, ballots: Int, registered: Int, rule: String,
            tieBreak: String, projects: [Project], account: TallyAccount? = nil
        ) {
            self.account = account
            self.tallyID = tallyID
            self.districtName = districtName
            self.budget = budget
            self.spent = spent
            self.ballots = ballots
            self.registered = registered
            self.rule = rule
            self.tieBreak = tieBreak
            self.projects = projects
        }
    }

    public struct Project: Sendable {
        public let id: ProposalID
        public let title: String
        public let cost: Money
        public let supporters: Int
        public let funded: Bool
        public let round: Int?
        public let decision: OutcomeDecision
        /// The latest implementation update of a funded project, if any.
        public let progress: Progress?
        /// Every update of a funded project, oldest first: the timeline of its works.
        public let history: [Progress]

        public init(
            id: ProposalID, title: String, cost: Money, supporters: Int, funded: Bool, round: Int?, decision: OutcomeDecision,
            progress: Progress?, history: [Progress] = []
        ) {
            self.id = id
            self.title = title
            self.cost = cost
            self.supporters = supporters
            self.funded = funded
            self.round = round
            self.decision = decision
            self.progress = progress
            self.history = history
        }
    }

    public struct Progress: Sendable {
        public let status: String
        public let percent: Int
        public let spent: Money
        public let recordedAt: Date
        public let note: String?
        public let link: String?
        /// The day the milestone was reached, when staff gave one.
        public let reachedOn: CalendarDate?

        public init(
            status: String, percent: Int, spent: Money, recordedAt: Date, note: String? = nil, link: String? = nil, reachedOn: CalendarDate? = nil
        ) {
            self.reachedOn = reachedOn
            self.status = status
            self.percent = percent
            self.spent = spent
            self.recordedAt = recordedAt
            self.note = note
            self.link = link
        }
    }

    public let scopes: [Scope]
    /// Spoiled and blank paper ballots by polling place (not part of any scope's count).
    public let paperCounts: [PaperCount]

    public init(scopes: [Scope], paperCounts: [PaperCount] = []) {
        self.scopes = scopes
        self.paperCounts = paperCounts
    }
}

/// When a cycle entered one of its phases, for its public timeline.
public struct PhaseEntry: Sendable, Equatable {
    public let phase: Phase
    public let enteredAt: Date

    public init(phase: Phase, enteredAt: Date) {
        self.phase = phase
        self.enteredAt = enteredAt
    }
}

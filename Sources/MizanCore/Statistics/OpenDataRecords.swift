/// The records the open-data API publishes, as read by `OpenDataRepository`: only what is public
/// (see the repository for the filters).
public enum OpenData {
    /// A name in both official languages, with the code of the place it names.
    public struct Place: Sendable, Hashable {
        public let code: String
        public let name: BilingualName

        public init(code: String, name: BilingualName) {
            self.code = code
            self.name = name
        }
    }

    public struct CommuneRecord: Sendable {
        public let code: String
        public let kind: String
        public let name: BilingualName
        public let population: Int
        public let households: Int?
        public let province: Place
        public let region: Place

        public init(code: String, kind: String, name: BilingualName, population: Int, households: Int?, province: Place, region: Place) {
            self.code = code
            self.kind = kind
            self.name = name
            self.population = population
            self.households = households
            self.province = province
            self.region = region
        }
    }

    public struct CycleRecord: Sendable {
        public let id: Int
        public let commune: Place
        public let year: Int
        public let title: String
        public let budget: Money
        public let phase: String
        /// Each phase entered so far, in order, with its ISO-8601 UTC time.
        public let phases: [(phase: String, enteredAt: String)]
        public let ballotKind: String
        public let minChoices: Int?
        public let maxChoices: Int?
        public let pointsTotal: Int?
        public let pointsCap: Int?
        public let rankDepth: Int?
        public let rule: String
        public let tieBreak: String

        public init(id: Int, commune: Place, year: Int, title: String, budget: Money, phase: String, phases: [(phase: String, enteredAt: String)], ballotKind: String, minChoices: Int?, maxChoices: Int?, pointsTotal: Int?, pointsCap: Int?, rankDepth: Int?, rule: String, tieBreak: String) {
            self.id = id
            self.commune = commune
            self.year = year
            self.title = title
            self.budget = budget
            self.phase = phase
            self.phases = phases
            self.ballotKind = ballotKind
            self.minChoices = minChoices
            self.maxChoices = maxChoices
            self.pointsTotal = pointsTotal
            self.pointsCap = pointsCap
            self.rankDepth = rankDepth
            self.rule = rule
            self.tieBreak = tieBreak
        }
    }

    public struct ProjectRecord: Sendable {
        public let id: Int
        public let cycleID: Int
        public let title: String
        public let description: String
        public let category: String
        public let district: BilingualName?
        public let location: String?
        /// `accepted` or `rejected`.
        public let status: String
        public let estimatedCost: Money
        public let officialCost: Money?
        public let officialAnswer: String?
        /// Whether a published outcome funded it; nil until an outcome is published.
        public let funded: Bool?

        public init(id: Int, cycleID: Int, title: String, description: String, category: String, district: BilingualName?, location: String?, status: String, estimatedCost: Money, officialCost: Money?, officialAnswer: String?, funded: Bool?) {
            self.id = id
            self.cycleID = cycleID
            self.title = title
            self.description = description
            self.category = category
            self.district = district
            self.location = location
            self.status = status
            self.estimatedCost = estimatedCost
            self.officialCost = officialCost
            self.officialAnswer = officialAnswer
            self.funded = funded
        }
    }

    public struct OutcomeScope: Sendable {
        public let tallyID: Int
        public let district: BilingualName?
        public let districtID: Int?
        public let rule: String
        public let tieBreak: String
        public let engineVersion: String
        public let pbSHA256: String
        public let budget: Money
        public let spent: Money
        public let voters: Int
        public let computedAt: String
        public let publishedAt: String
        public let projects: [OutcomeProject]

        public init(tallyID: Int, district: BilingualName?, districtID: Int?, rule: String, tieBreak: String, engineVersion: String, pbSHA256: String, budget: Money, spent: Money, voters: Int, computedAt: String, publishedAt: String, projects: [OutcomeProject]) {
            self.tallyID = tallyID
            self.district = district
            self.districtID = districtID
            self.rule = rule
            self.tieBreak = tieBreak
            self.engineVersion = engineVersion
            self.pbSHA256 = pbSHA256
            self.budget = budget
            self.spent = spent
            self.voters = voters
            self.computedAt = computedAt
            self.publishedAt = publishedAt
            self.projects = projects
        }
    }

    public struct OutcomeProject: Sendable {
        public let projectID: Int
        public let title: String
        public let category: String
        public let cost: Money
        public let supporters: Int
        public let score: Int64
        public let funded: Bool
        public let round: Int?
        public let decision: String

        public init(projectID: Int, title: String, category: String, cost: Money, supporters: Int, score: Int64, funded: Bool, round: Int?, decision: String) {
            self.projectID = projectID
            self.title = title
            self.category = category
            self.cost = cost
            self.supporters = supporters
            self.score = score
            self.funded = funded
            self.round = round
            self.decision = decision
        }
    }

    public struct ImplementationUpdateRecord: Sendable {
        public let id: Int
        public let projectID: Int
        public let projectTitle: String
        public let status: String
        public let progressPercent: Int
        public let spent: Money
        public let note: String?
        public let recordedAt: String
        /// `YYYY-MM-DD`, the day the milestone was reached, when staff gave one.
        public let reachedOn: String?
        /// The milestone's photo or document (`https://`).
        public let link: String?

        public init(
            id: Int, projectID: Int, projectTitle: String, status: String, progressPercent: Int, spent: Money, note: String?, recordedAt: String,
            reachedOn: String? = nil, link: String? = nil
        ) {
            self.reachedOn = reachedOn
            self.link = link
            self.id = id
            self.projectID = projectID
            self.projectTitle = projectTitle
            self.status = status
            self.progressPercent = progressPercent
            self.spent = spent
            self.note = note
            self.recordedAt = recordedAt
        }
    }

    /// Turnout of one published scope: its stored ballot count against the registry entries of
    /// that scope.
    public struct TurnoutRecord: Sendable {
        public let district: BilingualName?
        public let districtID: Int?
        public let ballots: Int
        public let registered: Int

        public init(district: BilingualName?, districtID: Int?, ballots: Int, registered: Int) {
            self.district = district
            self.districtID = districtID
            self.ballots = ballots
            self.registered = registered
        }
    }
}

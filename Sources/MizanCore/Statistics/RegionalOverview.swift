/// What the regional and provincial overviews show: every commune of the area with its cycles and,
/// for cycles whose outcome is published, turnout, funded projects and their implementation.
public enum RegionalOverview {
    public enum Area: Sendable, Hashable {
        case region(String)
        case province(String)
    }

    /// One line per cycle, or one line with no cycle for a commune that has none.
    public struct Line: Sendable {
        public let communeCode: String
        public let communeName: BilingualName
        public let population: Int
        public let provinceCode: String
        public let cycle: CycleFacts?

        public init(communeCode: String, communeName: BilingualName, population: Int, provinceCode: String, cycle: CycleFacts?) {
            self.communeCode = communeCode
            self.communeName = communeName
            self.population = population
            self.provinceCode = provinceCode
            self.cycle = cycle
        }
    }

    public struct CycleFacts: Sendable {
        public let id: Int
        public let year: Int
        public let title: String
        public let phase: String
        public let budget: Money
        /// Nil until an outcome is published.
        public let published: PublishedFacts?

        public init(id: Int, year: Int, title: String, phase: String, budget: Money, published: PublishedFacts?) {
            self.id = id
            self.year = year
            self.title = title
            self.phase = phase
            self.budget = budget
            self.published = published
        }
    }

    public struct PublishedFacts: Sendable {
        /// Ballots counted by the published tallies (all scopes together).
        public let ballots: Int
        /// Registry entries of the cycle.
        public let registered: Int
        public let fundedProjects: Int
        public let fundedCost: Money
        /// Funded projects whose latest update says completed.
        public let completedProjects: Int
        /// Sum over funded projects of the latest progress percentage (0 without any update).
        public let progressPercentSum: Int
        /// Sum over funded projects of the money spent according to their latest update.
        public let spent: Money
        public let categories: [CategoryFacts]

        public init(ballots: Int, registered: Int, fundedProjects: Int, fundedCost: Money, completedProjects: Int, progressPercentSum: Int, spent: Money, categories: [CategoryFacts]) {
            self.ballots = ballots
            self.registered = registered
            self.fundedProjects = fundedProjects
            self.fundedCost = fundedCost
            self.completedProjects = completedProjects
            self.progressPercentSum = progressPercentSum
            self.spent = spent
            self.categories = categories
        }
    }

    public struct CategoryFacts: Sendable {
        public let category: String
        public let projects: Int
        public let cost: Money

        public init(category: String, projects: Int, cost: Money) {
            self.category = category
            self.projects = projects
            self.cost = cost
        }
    }
}

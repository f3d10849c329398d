/// How an outcome treats voters, districts and categories, from integers only.
public struct OutcomeMetrics: Sendable {
    /// A district's part of the funds against its part of the voters and of the population.
    public struct DistrictShare: Sendable, Equatable {
        /// nil: commune-wide projects and voters without a district.
        public let district: Int?
        public let name: String?
        /// Cost of the funded projects located in the district.
        public let funded: Money
        /// `funded` out of all money spent.
        public let funds: Proportion
        /// The district's ballots out of the scope's ballots.
        public let voters: Proportion
        /// The district's population out of all listed districts' population; nil when the census
        /// figure of this district or of any other listed one is unknown (the total is then too).
        public let population: Proportion?
    }

    /// A category's part of the funds.
    public struct CategoryShare: Sendable, Equatable {
        public let category: String
        public let funded: Money
        public let fundedProjects: Int
        public let funds: Proportion
    }

    public let spent: Money
    public let fundedProjects: Int
    /// Voters with at least one funded project among those they marked, out of voters with at
    /// least one mark (empty ballots are never read by the tally).
    public let votersWithFundedProject: Proportion
    /// Over the same voters, the average of (cost of the funded projects they marked ÷ cost of all
    /// projects they marked). Each voter's ratio is truncated to a billionth, so this is the exact
    /// fraction `Σ ⌊10⁹·ratio⌋ / (10⁹·voters)`: the per mille shown is off by at most 10⁻⁶. A voter
    /// who marked only free projects counts 1 if one is funded, 0 otherwise.
    public let averageFundedCostShare: Proportion
    /// In district id order, "no district" first.
    public let districts: [DistrictShare]
    /// Funded categories, most money first, then by name.
    public let categories: [CategoryShare]

    static let ratioScale: Int64 = 1_000_000_000

    /// `funded`: the funded project numbers.
    public init(funded: Set<Int>, scope: AnalysisScope) {
        var cost: [Int: Int64] = [:]
        for project in scope.projects { cost[project.id] = project.cost.centimes }
        let fundedProjects = scope.projects.filter { funded.contains($0.id) }
        let spent = fundedProjects.reduce(Int64(0)) { $0 + $1.cost.centimes }
        self.spent = Money(centimes: spent)
        self.fundedProjects = fundedProjects.count

        var voters: Int64 = 0, satisfied: Int64 = 0, ratios: Int64 = 0
        for group in scope.groups {
            var marked: Int64 = 0, fundedCost: Int64 = 0, any = false, known = false
            for mark in group.marks {
                guard let price = cost[mark.project] else { continue }
                known = true
                marked += price
                if funded.contains(mark.project) {
                    fundedCost += price
                    any = true
                }
            }
            guard known else { continue }
            let count = Int64(group.count)
            voters += count
            if any { satisfied += count }
            let ratio = marked == 0 ? (any ? Self.ratioScale : 0) : Proportion(fundedCost, of: marked).floorScaled(by: Self.ratioScale)
            ratios += ratio * count
        }
        votersWithFundedProject = Proportion(satisfied, of: voters)
        averageFundedCostShare = Proportion(ratios, of: voters * Self.ratioScale)

        let ballots = scope.districts.reduce(Int64(0)) { $0 + Int64($1.voters) }
        let located = scope.districts.filter { $0.id != nil }
        let population: Int64? = located.allSatisfy { $0.population != nil }
            ? located.reduce(Int64(0)) { $0 + Int64($1.population ?? 0) } : nil
        districts = scope.districts.map { district in
            let money = fundedProjects.filter { $0.district == district.id }.reduce(Int64(0)) { $0 + $1.cost.centimes }
            let people: Proportion? = if district.id != nil, let population, let own = district.population {
                Proportion(Int64(own), of: population)
            } else { nil }
            return DistrictShare(
                district: district.id, name: district.name, funded: Money(centimes: money), funds: Proportion(money, of: spent),
                voters: Proportion(Int64(district.voters), of: ballots), population: people)
        }

        var byCategory: [String: (money: Int64, projects: Int)] = [:]
        for project in fundedProjects {
            byCategory[project.category, default: (0, 0)].money += project.cost.centimes
            byCategory[project.category, default: (0, 0)].projects += 1
        }
        categories = byCategory.map { category, total in
            CategoryShare(category: category, funded: Money(centimes: total.money), fundedProjects: total.projects, funds: Proportion(total.money, of: spent))
        }.sorted { $0.funded != $1.funded ? $0.funded > $1.funded : $0.category.unicodeScalars.lexicographicallyPrecedes($1.category.unicodeScalars) }
    }
}

extension Proportion {
    /// `numerator / denominator × scale`, rounded down.
    func floorScaled(by scale: Int64) -> Int64 {
        let quotient = numerator / denominator, remainder = numerator % denominator
        let (high, low) = remainder.multipliedFullWidth(by: scale)
        return quotient * scale + denominator.dividingFullWidth((high, low)).quotient
    }
}

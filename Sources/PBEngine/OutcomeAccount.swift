/// The account of an outcome that equalshares.net and Wieliczka publish beside the winners, in
/// floating point: it is read by people, while the selection itself stays exact.
///
/// - For equal shares with cost utilities (`mes`, `mes_cost…`, `equalshares/…`): each project's
///   *effective support*, what its supporters' shares could put towards it as a share of its
///   cost (a project the method funded is at 100 % or more: the cost it was paid plus what its
///   supporters still held at the end; a project it did not fund is below 100 %: what they held
///   at the end), and for a project it did not fund, the funded projects its supporters' money
///   went to. Payments are replayed from the trace: each supporter of a project funded in a
///   round pays that round's share, or all they have left if less, which is how the method pays.
/// - For every rule: how many voters have at least one funded project they chose, and how many
///   funded projects they chose in all, for this outcome and for greedy by votes, so the two
///   can be compared as equalshares.net's comparison step does.
public struct OutcomeAccount: Sendable {
    /// Voters, and how the funded projects serve them.
    public struct Satisfaction: Sendable, Equatable {
        public let voters: Int
        /// Voters with at least one funded project among those they chose.
        public let withFunded: Int
        /// Funded projects they chose, summed over voters (÷ `voters` is the average).
        public let chosenFunded: Int

        public init(voters: Int, withFunded: Int, chosenFunded: Int) {
            self.voters = voters
            self.withFunded = withFunded
            self.chosenFunded = chosenFunded
        }

        init(_ selection: [Int], _ profile: Profile, projects: Int) {
            var funded = [Bool](repeating: false, count: projects)
            for project in selection { funded[project] = true }
            var with = 0, chosen = 0
            for group in profile.groups {
                let hits = group.ballot.entries.reduce(0) { $0 + (funded[$1.project] ? 1 : 0) }
                if hits > 0 { with += group.count }
                chosen += hits * group.count
            }
            voters = profile.voterCount
            withFunded = with
            chosenFunded = chosen
        }
    }

    /// Money one project's supporters gave to a funded project.
    public struct Transfer: Sendable, Equatable {
        public let project: Int
        /// In the instance's unit.
        public let amount: Double

        public init(project: Int, amount: Double) {
            self.project = project
            self.amount = amount
        }
    }

    /// Each voter's share at the start: the budget ÷ the voters (equal shares only).
    public let shareBefore: Double?
    /// The share the outcome was computed with, after the completion raised it (equal shares only).
    public let shareAfter: Double?
    /// Per project (instance order): effective support as a fraction (1 = 100 %); nil when the
    /// rule is not equal shares with cost utilities, or the project has no supporter.
    public let effectiveSupport: [Double?]
    /// Per project (instance order): for a project equal shares did not fund, where its
    /// supporters' money went, largest first (at most `maximumTransfers`); empty otherwise.
    public let moneyWentTo: [[Transfer]]
    public let satisfaction: Satisfaction
    /// The same for greedy by votes (supporters for approval ballots, points otherwise), and what it funds.
    public let greedySatisfaction: Satisfaction
    public let greedySelection: [Int]

    public static let maximumTransfers = 5

    /// `thresholds`: the election's, so greedy is compared on the same projects.
    public init(
        outcome: Outcome, instance: Instance, profile: Profile, tieBreaking: TieBreaking = .lexicographic, thresholds: Eligibility = .none
    ) {
        let count = instance.projects.count
        let greedy = outcome.comparison?.greedySelection
            ?? Rule.greedy(profile.voteType == .approval ? .cost : .points, skip: true)
                .apply(to: instance, profile: profile, tieBreaking: tieBreaking, eligibility: thresholds)
                .selected
        greedySelection = greedy
        satisfaction = Satisfaction(outcome.selected, profile, projects: count)
        greedySatisfaction = Satisfaction(greedy, profile, projects: count)

        let costShares: Bool
        switch outcome.rule {
        case .equalShares(let utility, _, _): costShares = utility == .cost
        case .equalSharesNet: costShares = true
        default: costShares = false
        }
        guard costShares, let share = outcome.budgetPerVoter, profile.voterCount > 0, outcome.comparison?.keptGreedy != true else {
            shareBefore = nil
            shareAfter = nil
            effectiveSupport = Array(repeating: nil, count: count)
            moneyWentTo = Array(repeating: [], count: count)
            return
        }
        let start = Double(instance.budget) / Double(profile.voterCount)
        shareBefore = start
        shareAfter = share.approximation

        // The rounds equal shares funded, in order, with what each supporter was asked to pay.
        var round = [Int?](repeating: nil, count: count)
        var asked = [Double](repeating: 0, count: count)
        for event in outcome.trace where event.kind == .funded {
            guard let project = event.project, let payment = event.approximateShare else { continue }
            round[project] = event.round
            asked[project] = payment
        }
        var behind = [Double](repeating: 0, count: count)
        var went = [[Int: Double]](repeating: [:], count: count)
        for group in profile.groups {
            let weight = Double(group.count)
            var wallet = shareAfter!
            var paid: [(project: Int, amount: Double)] = []
            for entry in group.ballot.entries.filter({ round[$0.project] != nil }).sorted(by: { round[$0.project]! < round[$1.project]! }) {
                let amount = min(asked[entry.project], wallet)
                wallet -= amount
                paid.append((entry.project, amount))
            }
            for entry in group.ballot.entries {
                behind[entry.project] += wallet * weight
                guard round[entry.project] == nil else { continue }
                for payment in paid where payment.amount > 0 { went[entry.project][payment.project, default: 0] += payment.amount * weight }
            }
        }
        effectiveSupport = instance.projects.indices.map { project in
            let cost = Double(instance.projects[project].cost)
            guard cost > 0, behind[project] > 0 || round[project] != nil else { return nil }
            return (behind[project] + (round[project] != nil ? cost : 0)) / cost
        }
        moneyWentTo = went.map { transfers in
            transfers.map { Transfer(project: $0.key, amount: $0.value) }
                .sorted { $0.amount != $1.amount ? $0.amount > $1.amount : $0.project < $1.project }
                .prefix(Self.maximumTransfers).map { $0 }
        }
    }
}

import BigInt

/// Which projects may be funded at all, decided before a rule runs: the thresholds real cities
/// apply (a minimum of votes or points, a minimum share of voters, Świecie's cost-proportional
/// rule). A project that fails one is left out of the election and its outcome says why; the rule
/// then runs on the others as if they alone were on the ballot.
public struct Eligibility: Sendable, Hashable {
    /// At least this many votes (approval ballots) or points (cumulative, scoring and ranked
    /// ballots, as `Profile.points` counts them): Pabulib's `min_project_score_threshold`.
    public var minimumScore: Int?
    /// At least this share of the voters who could vote on it: of its district's voters when
    /// `shareOfDistrict` and the project has a district, of all voters otherwise.
    public var minimumVoterShare: Rational?
    public var shareOfDistrict: Bool
    /// Świecie 2024: a project whose share of voters is below cost ÷ (divisor × budget) is out (3
    /// there: a project costing a third of the budget needs every voter's support).
    public var costProportionalDivisor: Int?
    /// Several Polish cities: when the money left does not cover the next project but covers at
    /// least this share of its cost, the project is funded anyway (the city tops the budget up);
    /// nothing is funded after it. See `Outcome.fundingNext(atShare:…)` for which project is next.
    public var fundNextAtShare: Rational?

    public init(
        minimumScore: Int? = nil, minimumVoterShare: Rational? = nil, shareOfDistrict: Bool = false, costProportionalDivisor: Int? = nil,
        fundNextAtShare: Rational? = nil
    ) {
        self.minimumScore = minimumScore
        self.minimumVoterShare = minimumVoterShare
        self.shareOfDistrict = shareOfDistrict
        self.costProportionalDivisor = costProportionalDivisor
        self.fundNextAtShare = fundNextAtShare
    }

    public static let none = Eligibility()

    public var isEmpty: Bool { self == .none }

    /// Why a project is out.
    public enum Reason: Sendable, Hashable {
        case belowMinimumScore(score: Int128, minimum: Int)
        case belowVoterShare(share: Rational, minimum: Rational)
        case belowCostShare(share: Rational, minimum: Rational)
    }

    /// Whether any threshold leaves projects out (the funding of the next project does not).
    var hasThresholds: Bool { minimumScore != nil || minimumVoterShare != nil || costProportionalDivisor != nil }

    /// The projects that fail a threshold, with the first reason each fails.
    public func excluded(_ instance: Instance, _ profile: Profile) -> [Int: Reason] {
        guard hasThresholds else { return [:] }
        let tallies = Tallies(instance: instance, profile: profile)
        let voters = profile.voterCount
        var votersOfDistrict: [String: Int] = [:]
        if shareOfDistrict {
            // A voter belongs to the districts of the projects on their ballot.
            for group in profile.groups {
                let districts = Set(group.ballot.entries.compactMap { instance.projects[$0.project].district })
                for district in districts { votersOfDistrict[district, default: 0] += group.count }
            }
        }
        var out: [Int: Reason] = [:]
        for project in instance.projects.indices {
            let supporters = tallies.supporters[project]
            if let minimumScore {
                let score = profile.voteType == .approval ? Int128(supporters) : tallies.points[project]
                if score < Int128(minimumScore) {
                    out[project] = .belowMinimumScore(score: score, minimum: minimumScore)
                    continue
                }
            }
            if let minimumVoterShare {
                let base = instance.projects[project].district.flatMap { shareOfDistrict ? votersOfDistrict[$0] : nil } ?? voters
                let share = base == 0 ? Rational.zero : Rational(supporters, base)
                if share < minimumVoterShare {
                    out[project] = .belowVoterShare(share: share, minimum: minimumVoterShare)
                    continue
                }
            }
            if let divisor = costProportionalDivisor, divisor > 0 {
                let share = voters == 0 ? Rational.zero : Rational(supporters, voters)
                let minimum = Rational(BigInt(instance.projects[project].cost), BigInt(divisor) * BigInt(instance.budget))
                if share < minimum {
                    out[project] = .belowCostShare(share: share, minimum: minimum)
                }
            }
        }
        return out
    }
}

extension Rule {
    /// Runs the rule on the projects `eligibility` lets through, then funds the next project when
    /// `eligibility.fundNextAtShare` says so. The outcome's indices, trace and costs refer to the
    /// whole instance; each project left out has an `ineligible` event first.
    public func apply(
        to instance: Instance, profile: Profile, tieBreaking: TieBreaking = .lexicographic, eligibility: Eligibility
    ) -> Outcome {
        let outcome = applyThresholds(to: instance, profile: profile, tieBreaking: tieBreaking, eligibility: eligibility)
        guard let share = eligibility.fundNextAtShare else { return outcome }
        return outcome.fundingNext(atShare: share, instance: instance, profile: profile, tieBreaking: tieBreaking)
    }

    private func applyThresholds(
        to instance: Instance, profile: Profile, tieBreaking: TieBreaking, eligibility: Eligibility
    ) -> Outcome {
        let excluded = eligibility.excluded(instance, profile)
        guard !excluded.isEmpty else { return apply(to: instance, profile: profile, tieBreaking: tieBreaking) }
        let kept = instance.projects.indices.filter { excluded[$0] == nil }
        var position = Array(repeating: -1, count: instance.projects.count)
        for (index, project) in kept.enumerated() { position[project] = index }
        let narrowed = Instance(projects: kept.map { instance.projects[$0] }, budget: instance.budget, scale: instance.scale, meta: instance.meta)
        var ballots: [(Ballot, Int)] = []
        ballots.reserveCapacity(profile.groups.count)
        for group in profile.groups {
            var entries = group.ballot.entries.filter { position[$0.project] >= 0 }
            if profile.voteType == .ordinal, profile.maxLength == nil {
                // Scored by their own length: the remaining ranking closes up.
                entries = entries.sorted { $0.value < $1.value }.enumerated().map { Ballot.Entry(project: $1.project, value: $0) }
            }
            ballots.append((Ballot(entries: entries.map { Ballot.Entry(project: position[$0.project], value: $0.value) }), group.count))
        }
        let inner = apply(to: narrowed, profile: Profile(voteType: profile.voteType, counted: ballots, maxLength: profile.maxLength), tieBreaking: tieBreaking)
        let tallies = Tallies(instance: instance, profile: profile)
        let ineligible = excluded.keys.sorted().map { project in
            TraceEvent(round: 0, project: project, kind: .ineligible, supporters: tallies.supporters[project], remaining: instance.budget)
        }
        let trace = ineligible + inner.trace.map { $0.moved(to: $0.project.map { kept[$0] }) }
        var outcome = Outcome(
            selected: inner.selected.map { kept[$0] }, cost: inner.cost, rule: inner.rule, tieBreaking: inner.tieBreaking, trace: trace,
            welfare: inner.welfare)
        outcome.budgetPerVoter = inner.budgetPerVoter
        outcome.comparison = inner.comparison.map {
            GreedyComparison(
                measure: $0.measure, prefersEqualShares: $0.prefersEqualShares, prefersGreedy: $0.prefersGreedy,
                equalSharesSelection: $0.equalSharesSelection.map { kept[$0] }, greedySelection: $0.greedySelection.map { kept[$0] })
        }
        outcome.exclusions = excluded
        return outcome
    }
}

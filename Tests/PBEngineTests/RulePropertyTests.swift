import PBEngine
import Testing

extension HeavyEngineSuites {
    /// Properties every outcome must have, over many generated elections.
    @Suite("Rule properties on generated elections")
    struct RulePropertyTests {
        static let seeds = Array(UInt64(1)...UInt64(120))
        static let voteTypes: [VoteType] = [.approval, .cumulative, .ordinal]

        @Test("every outcome is feasible", arguments: voteTypes)
        func feasible(_ voteType: VoteType) {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, voteType: voteType)
                for key in Rule.keys {
                    let rule = Rule(key: key)!
                    if voteType != .approval, case .phragmen = rule { continue }
                    let outcome = rule.apply(to: election.instance, profile: election.profile)
                    let cost = outcome.selected.reduce(0) { $0 + election.instance.projects[$1].cost }
                    #expect(cost == outcome.cost, "seed \(seed) \(key): cost recorded")
                    #expect(cost <= election.instance.budget, "seed \(seed) \(key): over budget")
                    #expect(Set(outcome.selected).count == outcome.selected.count, "seed \(seed) \(key): a project twice")
                }
            }
        }

        @Test("greedy with skipping is exhaustive", arguments: voteTypes)
        func greedyExhaustive(_ voteType: VoteType) {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, voteType: voteType)
                for key in ["greedy_cost", "greedy_card", "greedy_score", "mes_cost_add1_util", "mes_card_add1_util"] {
                    let outcome = Rule(key: key)!.apply(to: election.instance, profile: election.profile)
                    let chosen = Set(outcome.selected)
                    let left = election.instance.budget - outcome.cost
                    let fits = election.instance.projects.indices.filter { !chosen.contains($0) && election.instance.projects[$0].cost <= left }
                    #expect(fits.isEmpty, "seed \(seed) \(key): \(fits) still fit")
                }
            }
        }

        @Test("equal shares never charges a voter more than their budget, and charges exactly the cost", arguments: voteTypes)
        func equalSharesPayments(_ voteType: VoteType) throws {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, voteType: voteType)
                let profile = election.profile
                for key in ["mes_cost", "mes_card", "mes_points", "mes_cost_add1", "mes_card_add1"] {
                    if key.hasPrefix("mes_points"), voteType == .approval { continue }
                    let outcome = Rule(key: key)!.apply(to: election.instance, profile: profile)
                    guard profile.voterCount > 0 else { continue }
                    let perVoter = try #require(outcome.budgetPerVoter)
                    var total = Rational.zero
                    for group in profile.groups.indices {
                        let paid = try #require(outcome.spending(ofGroup: group))
                        #expect(paid >= .zero && paid <= perVoter, "seed \(seed) \(key): group \(group) paid \(paid) of \(perVoter)")
                        total = total + paid * profile.groups[group].count
                    }
                    #expect(total == Rational(outcome.cost), "seed \(seed) \(key): paid \(total) for \(outcome.cost)")
                }
            }
        }

        @Test("equal shares with its shortcuts equals the plain step-by-step computation", arguments: voteTypes)
        func equalSharesMatchesReference(_ voteType: VoteType) {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, voteType: voteType)
                let utilities: [Utility] = voteType == .approval ? [.cost, .cardinality] : [.cost, .cardinality, .points]
                for utility in utilities {
                    for completion in [false, true] {
                        let rule = Rule.equalShares(utility, completion: completion, greedyCompletion: false)
                        let outcome = rule.apply(to: election.instance, profile: election.profile)
                        let ours = Set(outcome.selected.map { election.instance.projects[$0].id })
                        let expected = ReferenceEqualShares.winners(election, utility: utility, completion: completion)
                        #expect(ours == expected, "seed \(seed) \(rule.key): \(ours.sorted()) vs \(expected.sorted())")
                    }
                }
            }
        }

        @Test("outcomes do not depend on the order of ballots", arguments: voteTypes)
        func orderIndependent(_ voteType: VoteType) {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, voteType: voteType)
                var random = SeededGenerator(seed: seed &* 31)
                let shuffled = GeneratedElection(
                    instance: election.instance, ballots: election.ballots.shuffled(using: &random), voteType: voteType)
                for key in Rule.keys {
                    let rule = Rule(key: key)!
                    if voteType != .approval, case .phragmen = rule { continue }
                    if case .maxWelfare = rule { continue }  // several optima may exist; welfare is compared below
                    let a = rule.apply(to: election.instance, profile: election.profile)
                    let b = rule.apply(to: shuffled.instance, profile: shuffled.profile)
                    #expect(a.selected == b.selected, "seed \(seed) \(key)")
                }
                let a = Rule.maxWelfare(.cost).apply(to: election.instance, profile: election.profile)
                let b = Rule.maxWelfare(.cost).apply(to: shuffled.instance, profile: shuffled.profile)
                #expect(a.welfare == b.welfare, "seed \(seed) max welfare")
            }
        }

        @Test("the optimal knapsack is at least as good as every other feasible set")
        func maxWelfareIsOptimal() {
            for seed in Self.seeds {
                let election = GeneratedElection(seed: seed, projects: 2...10)
                let outcome = Rule.maxWelfare(.cost).apply(to: election.instance, profile: election.profile)
                let projects = election.instance.projects
                var supporters = Array(repeating: 0, count: projects.count)
                for ballot in election.ballots { for entry in ballot.entries { supporters[entry.project] += 1 } }
                var best = 0
                for mask in 0..<(1 << projects.count) {
                    var cost = 0, welfare = 0
                    for p in projects.indices where mask & (1 << p) != 0 {
                        cost += projects[p].cost
                        welfare += projects[p].cost * supporters[p]
                    }
                    if cost <= election.instance.budget { best = max(best, welfare) }
                }
                #expect(outcome.welfare == Int128(best), "seed \(seed)")
            }
        }
    }
}

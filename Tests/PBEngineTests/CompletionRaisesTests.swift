import PBEngine
import Testing

extension HeavyEngineSuites {
    /// The add-one completion on elections where it raises the budget per voter many times, one
    /// unit each: with a hundred voters or so every raise changes some price, so each is rerun, and
    /// a run may start from the rounds it shares with the one before (`ApproximateCheckpoint`).
    @Suite("Add-one completion over many raises")
    struct CompletionRaisesTests {
        /// Projects of similar costs, ballots of one to four of them, many alike (voter groups of
        /// several voters), and a budget of about 80 units per voter.
        static func election(seed: UInt64) -> GeneratedElection {
            var random = SeededGenerator(seed: seed)
            let projectCount = Int.random(in: 6...9, using: &random)
            let projects = (0..<projectCount).map { index in
                Project(id: String(index + 1), cost: 10 * Int.random(in: 50...300, using: &random))
            }
            let voters = Int.random(in: 60...120, using: &random)
            var ballots: [Ballot] = []
            while ballots.count < voters {
                let chosen = Array(0..<projectCount).shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random))
                let ballot = Ballot(entries: chosen.map { Ballot.Entry(project: $0, value: 1) })
                for _ in 0..<Int.random(in: 1...5, using: &random) where ballots.count < voters { ballots.append(ballot) }
            }
            let instance = Instance(projects: projects, budget: voters * Int.random(in: 60...100, using: &random))
            return GeneratedElection(instance: instance, ballots: ballots, voteType: .approval)
        }

        @Test("equals the step-by-step computation, every raise rerun", arguments: [Utility.cost, .cardinality])
        func matchesReference(_ utility: Utility) {
            var raised = 0
            for seed in UInt64(1)...UInt64(12) {
                let election = Self.election(seed: seed)
                let rule = Rule.equalShares(utility, completion: true, greedyCompletion: false)
                let outcome = rule.apply(to: election.instance, profile: election.profile)
                let ours = Set(outcome.selected.map { election.instance.projects[$0].id })
                let expected = ReferenceEqualShares.winners(election, utility: utility, completion: true)
                #expect(ours == expected, "seed \(seed) \(rule.key): \(ours.sorted()) vs \(expected.sorted())")
                if outcome.trace.contains(where: { $0.kind == .budgetRaised }) { raised += 1 }
            }
            // The elections are meant to raise the budget: a test of nothing otherwise.
            #expect(raised >= 6)
        }
    }
}

import PBEngine
import Testing

/// Money and counts multiply: a cost near the 64-bit limit times a few dozen supporters does not
/// fit in 64 bits. Every rule must still decide, exactly and without trapping, on every amount a
/// `.pb` file can hold.
@Suite("Large numbers")
struct LargeNumberTests {
    static let voteTypes: [VoteType] = [.approval, .cumulative, .ordinal]

    /// One project costing 3·10¹⁷ with 43 supporters stopped the equal-shares, optimal and
    /// Phragmén rules with an arithmetic-overflow trap.
    @Test("a costly project with a few dozen supporters")
    func costlyProjectWithSupporters() {
        let instance = Instance(
            projects: [Project(id: "1", cost: 300_000_000_000_000_000), Project(id: "2", cost: 5)],
            budget: 400_000_000_000_000_000)
        let ballots = (0..<43).map { voter in
            Ballot(entries: [Ballot.Entry(project: 0, value: 1)] + (voter % 3 == 0 ? [Ballot.Entry(project: 1, value: 1)] : []))
        }
        let profile = Profile(voteType: .approval, ballots: ballots)
        for key in Rule.keys + ["mes", "optimal"] {
            let outcome = Rule(key: key)!.apply(to: instance, profile: profile)
            #expect(Set(outcome.selected) == [0, 1], "\(key)")
            #expect(outcome.cost == 300_000_000_000_000_005, "\(key)")
        }
    }

    /// Random elections whose costs, budgets, points and numbers of identical ballots are drawn
    /// from the whole range a file can hold: every rule returns a feasible outcome whose recorded
    /// cost is the sum of what it selected.
    @Test("amounts up to the 64-bit limit", arguments: voteTypes)
    func fuzzedAmounts(_ voteType: VoteType) {
        let huge = [Int.max, Int.max / 2, Int.max / 3, 300_000_000_000_000_000, 4_611_686_018_427_387_904, 1, 0, 7]
        for seed in UInt64(0)..<100 {
            var random = SeededGenerator(seed: seed &* 7919)
            let projectCount = Int.random(in: 1...6, using: &random)
            let projects = (0..<projectCount).map { index in
                Project(id: String(index), cost: Bool.random(using: &random) ? huge.randomElement(using: &random)! : Int.random(in: 0...Int.max, using: &random))
            }
            let budget = Bool.random(using: &random) ? huge.randomElement(using: &random)! : Int.random(in: 1...Int.max, using: &random)
            var ballots: [Ballot] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let chosen = Array(0..<projectCount).shuffled(using: &random).prefix(Int.random(in: 1...projectCount, using: &random))
                let entries = chosen.enumerated().map { position, project in
                    switch voteType {
                    case .approval: Ballot.Entry(project: project, value: 1)
                    case .cumulative, .scoring:
                        Ballot.Entry(project: project, value: Bool.random(using: &random) ? Int.max : Int.random(in: 1...Int.max, using: &random))
                    case .ordinal: Ballot.Entry(project: project, value: position)
                    }
                }
                // Identical ballots become one group with a count: many voters at little cost.
                let copies = Int.random(in: 1...3_000, using: &random)
                ballots += Array(repeating: Ballot(entries: entries), count: copies)
            }
            let instance = Instance(projects: projects, budget: budget)
            let profile = Profile(voteType: voteType, ballots: ballots)
            for key in Rule.keys + ["mes", "optimal"] {
                let rule = Rule(key: key)!
                if voteType != .approval, case .phragmen = rule { continue }
                let outcome = rule.apply(to: instance, profile: profile)
                let total = outcome.selected.reduce(Int128(0)) { $0 + Int128(projects[$1].cost) }
                #expect(total <= Int128(budget), "seed \(seed) \(key): over budget")
                #expect(total == Int128(outcome.cost), "seed \(seed) \(key): cost recorded")
            }
        }
    }
}

import Foundation
import PBEngine
import Testing

/// equalshares.net's procedure, checked against what real cities funded (the `selected` column
/// of their Pabulib files) and against hand-made elections for each option.
@Suite("Equal shares as equalshares.net runs it")
struct EqualSharesNetTests {
    static func cityElection(_ name: String) throws -> (PabulibDocument, Set<String>) {
        let document = try PabulibReader.read(Data(contentsOf: SharedData.pabulib!.appendingPathComponent("\(name).pb")))
        let column = try #require(document.projectColumns.firstIndex(of: "selected"))
        let funded = document.instance.projects.indices.filter { document.projectValues[$0][column] == "1" }
        return (document, Set(funded.map { document.instance.projects[$0].id }))
    }

    static func funded(_ key: String, _ document: PabulibDocument) throws -> Set<String> {
        let outcome = try #require(Rule(key: key)).apply(to: document.instance, profile: document.profile)
        return Set(outcome.selected.map { document.instance.projects[$0].id })
    }

    /// Wieliczka's Green Budget 2023 kept raising every voter's budget until the next złoty would
    /// overspend (995,079 zł funded); stopping at the first exhaustive outcome, as pabutools'
    /// add-one does, funds 984,579 zł and two different projects.
    @Test("Wieliczka 2023 and Świecie 2023 are funded as the cities funded them",
          .enabled(if: SharedData.pabulib != nil, "../shared/pabulib absent: skipped"))
    func citiesReproduced() throws {
        let (wieliczka, wieliczkaFunded) = try Self.cityElection("Poland_Wieliczka_2023_Green_Budget")
        for key in ["equalshares/add1", "equalshares/add1?integral", "equalshares/add1?comparison=satisfaction",
                    "equalshares/add1?comparison=exclusionRatio", "equalshares/add1u"] {
            #expect(try Self.funded(key, wieliczka) == wieliczkaFunded, "\(key)")
        }
        #expect(try Self.funded("equalshares/add1e", wieliczka) != wieliczkaFunded)
        #expect(try Self.funded("mes_cost_add1", wieliczka) != wieliczkaFunded)

        let (swiecie, swiecieFunded) = try Self.cityElection("Poland_Swiecie_2023")
        for key in ["equalshares/add1", "equalshares/add1e", "equalshares/add1?integral"] {
            #expect(try Self.funded(key, swiecie) == swiecieFunded, "\(key)")
        }
    }

    /// Three voters, budget 30: a costs 20 (voters 1, 2), b 15 (voter 3), c 10 (voters 1, 2, 3).
    /// At 10 each, c is bought for 10/3 each; then a needs 20 from voters 1 and 2 who hold 6⅔
    /// each: unaffordable, and b needs 15 from voter 3 who holds 6⅔: unaffordable.
    static let small = (
        Instance(projects: [Project(id: "a", cost: 20), Project(id: "b", cost: 15), Project(id: "c", cost: 10)], budget: 30),
        Profile(voteType: .approval, ballots: [
            Ballot(entries: [.init(project: 0, value: 1), .init(project: 2, value: 1)]),
            Ballot(entries: [.init(project: 0, value: 1), .init(project: 2, value: 1)]),
            Ballot(entries: [.init(project: 1, value: 1), .init(project: 2, value: 1)]),
        ]))

    @Test("each completion, worked out by hand")
    func completions() throws {
        let (instance, profile) = Self.small
        func run(_ key: String) throws -> Outcome { try #require(Rule(key: key)).apply(to: instance, profile: profile) }
        // No completion: only c.
        #expect(try run("equalshares/none").selected == [2])
        // Utilitarian: then the most supported project that fits: a (2 voters, 20 ≤ 20 left).
        #expect(try run("equalshares/utilitarian").selected == [2, 0])
        // Add1: at 11 per voter (33 in all) c costs 10/3 each, voters 1 and 2 keep 7⅔ each = 15⅓
        // < 20; at 14 (42) they keep 10⅔ each = 21⅓ ≥ 20: a is bought too, 30 ≤ 30. At 15 voter 3
        // keeps 11⅔ < 15 still, and nothing more fits: exhaustive, so add1e stops at 14 while add1
        // goes on until buying b too would overspend (at 19 voter 3 keeps 15⅔ ≥ 15: 45 > 30).
        let add1 = try run("equalshares/add1")
        #expect(Set(add1.selected) == [0, 2])
        #expect(add1.budgetPerVoter == Rational(18))
        let add1e = try run("equalshares/add1e")
        #expect(Set(add1e.selected) == [0, 2])
        #expect(add1e.budgetPerVoter == Rational(14))
    }

    @Test("the comparison keeps greedy only when more voters prefer it")
    func comparison() throws {
        // Budget 10: x costs 10 (voters 1-3), y 5 (voters 4-5), z 5 (voters 6-7).
        let instance = Instance(projects: [Project(id: "x", cost: 10), Project(id: "y", cost: 5), Project(id: "z", cost: 5)], budget: 10)
        var ballots = Array(repeating: Ballot(entries: [.init(project: 0, value: 1)]), count: 3)
        ballots += Array(repeating: Ballot(entries: [.init(project: 1, value: 1)]), count: 2)
        ballots += Array(repeating: Ballot(entries: [.init(project: 2, value: 1)]), count: 2)
        let profile = Profile(voteType: .approval, ballots: ballots)
        // Equal shares, 10/7 each: x needs 10 from 3 voters holding 30/7: no; y and z need 5 from
        // 2 voters holding 20/7: no. Nothing; greedy buys x. By exclusion, 3 voters prefer greedy
        // and none equal shares: greedy is kept.
        let outcome = try #require(Rule(key: "equalshares/none?comparison=exclusionRatio")).apply(to: instance, profile: profile)
        #expect(outcome.selected == [0])
        #expect(outcome.comparison?.prefersGreedy == 3)
        #expect(outcome.comparison?.prefersEqualShares == 0)
        #expect(outcome.comparison?.keptGreedy == true)
        // By satisfaction, a voter with no funded project in one of the two outcomes counts for
        // neither, as the tool counts: nobody is compared and equal shares is kept.
        let bySatisfaction = try #require(Rule(key: "equalshares/none?comparison=satisfaction")).apply(to: instance, profile: profile)
        #expect(bySatisfaction.selected == [])
        #expect(bySatisfaction.comparison?.keptGreedy == false)
    }

    @Test("keys name every option and read back")
    func keys() throws {
        let options = EqualSharesNetOptions(completion: .add1eu, integral: true, increment: 10, comparison: .satisfaction, tieBreaking: [.maxVotes, .minCost])
        #expect(options.key == "equalshares/add1eu?integral&increment=10&comparison=satisfaction&tie=maxVotes,minCost")
        #expect(EqualSharesNetOptions(key: options.key) == options)
        #expect(Rule(key: options.key)?.key == options.key)
        #expect(EqualSharesNetOptions(key: "equalshares/add2") == nil)
        #expect(EqualSharesNetOptions(key: "equalshares/add1?increment=0") == nil)
        #expect(EqualSharesNetOptions(key: "equalshares/add1?tie=maxVotes,maxVotes") == nil)
        #expect(EqualSharesNetOptions(key: "equalshares/add1?colour=red") == nil)
    }

    @Test("ties follow the criteria, then the tool's project order")
    func ties() throws {
        // Two projects alike in every way the rule looks at: "10" and "9" (numeric ids come in
        // numeric order in the tool, so 9 first), then "b" and "a" (file order).
        let instance = Instance(projects: [Project(id: "10", cost: 5), Project(id: "9", cost: 5), Project(id: "b", cost: 5), Project(id: "a", cost: 5)], budget: 5)
        let profile = Profile(voteType: .approval, ballots: [Ballot(entries: (0..<4).map { .init(project: $0, value: 1) })])
        #expect(try #require(Rule(key: "equalshares/none")).apply(to: instance, profile: profile).selected == [1])
        let named = Instance(projects: [Project(id: "b", cost: 5), Project(id: "a", cost: 4)], budget: 5)
        let both = Profile(voteType: .approval, ballots: [Ballot(entries: [.init(project: 0, value: 1), .init(project: 1, value: 1)])])
        #expect(try #require(Rule(key: "equalshares/none?tie=minCost")).apply(to: named, profile: both).selected == [1])
    }
}

import PBEngine
import Testing

/// The account published beside an equal-shares outcome: effective support, where an unfunded
/// project's supporters' money went, shares before and after completion, and greedy compared.
@Suite("The account of an outcome")
struct OutcomeAccountTests {
    /// Budget 120, four voters (30 each). a (60): voters 1, 2, 3; b (30): voter 4; c (45): voters
    /// 1 and 4. Equal shares funds a (20 from each supporter), finds c out of reach (voter 1 holds
    /// 10, voter 4 30: 40 < 45) and funds b (voter 4 pays 30). c's supporters' money went to b (30)
    /// and a (20).
    static let instance = Instance(projects: [Project(id: "a", cost: 60), Project(id: "b", cost: 30), Project(id: "c", cost: 45)], budget: 120)
    static let profile = Profile(voteType: .approval, ballots: [
        Ballot(entries: [.init(project: 0, value: 1), .init(project: 2, value: 1)]),
        Ballot(entries: [.init(project: 0, value: 1)]),
        Ballot(entries: [.init(project: 0, value: 1)]),
        Ballot(entries: [.init(project: 1, value: 1), .init(project: 2, value: 1)]),
    ])

    @Test func equalSharesAccountsForEveryPayment() throws {
        let outcome = Rule(key: "mes_cost")!.apply(to: Self.instance, profile: Self.profile)
        #expect(outcome.selected == [0, 1])
        let account = OutcomeAccount(outcome: outcome, instance: Self.instance, profile: Self.profile)
        #expect(account.shareBefore == 30)
        #expect(account.shareAfter == 30)
        #expect(account.effectiveSupport[0] == 1.5, "a: its cost, plus the 10 each supporter kept")
        #expect(account.effectiveSupport[1] == 1, "b: paid in full, nothing left behind it")
        #expect(try #require(account.effectiveSupport[2]) < 1, "c: 10 of 45 behind it")
        #expect(account.moneyWentTo[2] == [.init(project: 1, amount: 30), .init(project: 0, amount: 20)])
        #expect(account.moneyWentTo[0].isEmpty)
        #expect(account.satisfaction == .init(voters: 4, withFunded: 4, chosenFunded: 4))
        // Greedy by votes funds a (3 votes) and c (2), then b no longer fits.
        #expect(Set(account.greedySelection) == [0, 2])
        #expect(account.greedySatisfaction == .init(voters: 4, withFunded: 4, chosenFunded: 5))
    }

    @Test func leftoverMoneyShowsAsSupportBelowAHundredPercent() throws {
        // Budget 160 (40 each): a, then c (voter 1 gives their last 20, voter 4 gives 25); b is out of
        // reach with 15 behind it: half its cost.
        var instance = Self.instance
        instance.budget = 160
        let outcome = Rule(key: "mes_cost")!.apply(to: instance, profile: Self.profile)
        #expect(outcome.selected == [0, 2])
        let account = OutcomeAccount(outcome: outcome, instance: instance, profile: Self.profile)
        #expect(abs(try #require(account.effectiveSupport[1]) - 0.5) < 1e-9)
        #expect(abs(try #require(account.effectiveSupport[0]) - 100.0 / 60.0) < 1e-9)
        #expect(account.moneyWentTo[1] == [.init(project: 2, amount: 25)])
    }

    @Test func otherRulesHaveNoSharesButAreComparedWithGreedy() {
        let outcome = Rule(key: "phragmen")!.apply(to: Self.instance, profile: Self.profile)
        let account = OutcomeAccount(outcome: outcome, instance: Self.instance, profile: Self.profile)
        #expect(account.shareBefore == nil)
        #expect(account.effectiveSupport.allSatisfy { $0 == nil })
        #expect(account.satisfaction.voters == 4)
    }
}

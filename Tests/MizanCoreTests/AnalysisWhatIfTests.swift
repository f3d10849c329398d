import MizanCore
import Testing

@Suite("Analysis: what-if budgets")
struct AnalysisWhatIfTests {
    @Test func budgetsChangeByWholePercentRoundedDownToTheCentime() {
        #expect(WhatIfAnalysis.budget(.dirhams(100), changedBy: -10) == .dirhams(90))
        #expect(WhatIfAnalysis.budget(.dirhams(100), changedBy: 20) == .dirhams(120))
        #expect(WhatIfAnalysis.budget(Money(centimes: 999), changedBy: -10) == Money(centimes: 899), "899.1 rounds down")
    }

    @Test func greedyWithOtherBudgetsAsWorkedOutByHand() throws {
        // Greedy's order is #1, #2 (6 supporters), #4 (5), #3 (4); see `AnalysisElections.threeWay`.
        // 100: #1, #2 → 80. 70: #1, then #2 (40 > 30) and the rest no → {1}. 90, 110: {1, 2}
        // (30 left at 110, #4 100 and #3 40 do not fit). 120: #1, #2, then #3 fits the 40 left.
        // 140 (as an envelope amount): the same {1, 2, 3}.
        let (election, scope) = AnalysisElections.threeWay(rule: .greedy)
        let whatIf = WhatIfAnalysis.budgets(election: election, scope: scope, percents: [-30, -10, 10, 20], budgets: [.dirhams(140)])
        #expect(whatIf.actual.fundedNumbers == [1, 2])
        #expect(whatIf.actual.spentCentimes == 8_000)
        #expect(whatIf.variants.map(\.budget) == [.dirhams(70), .dirhams(90), .dirhams(110), .dirhams(120), .dirhams(140)])
        #expect(whatIf.variants.map(\.funded) == [[1], [1, 2], [1, 2], [1, 2, 3], [1, 2, 3]])
        #expect(whatIf.variants.map(\.gained) == [[], [], [], [3], [3]])
        #expect(whatIf.variants.map(\.lost) == [[2], [], [], [], []])
        #expect(whatIf.variants.map(\.spent) == [.dirhams(40), .dirhams(80), .dirhams(80), .dirhams(120), .dirhams(120)])
        #expect(whatIf.variants.map(\.label) == ["−30 %", "−10 %", "+10 %", "+20 %", "140,00 MAD"])
        #expect(whatIf.variants.map(\.percent) == [-30, -10, 10, 20, nil])
    }

    @Test func theActualOutcomeIsTheCyclesOwnRule() {
        let (election, scope) = AnalysisElections.threeWay(rule: .mes)
        let whatIf = WhatIfAnalysis.budgets(election: election, scope: scope)
        #expect(whatIf.actual.ruleKey == "mes_cost_add1_util")
        #expect(whatIf.actual.fundedNumbers == [1, 3])
        #expect(whatIf.variants.map(\.percent) == [-20, -10, 10, 20])
        // More money never makes the rule spend less than the actual outcome here, nor less money more.
        for variant in whatIf.variants { #expect(variant.spent <= variant.budget) }
    }
}

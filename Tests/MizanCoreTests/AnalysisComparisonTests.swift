import MizanCore
import Testing

@Suite("Analysis: rule comparison")
struct AnalysisComparisonTests {
    @Test func greedyEqualSharesAndOptimalDifferAsWorkedOutByHand() throws {
        let (election, scope) = AnalysisElections.threeWay(rule: .mes)
        let comparison = RuleComparisonAnalysis.compare(election: election, scope: scope)
        let funded = comparison.runs.map { $0.result?.fundedNumbers.sorted() }
        #expect(comparison.runs.map(\.rule) == [.greedy, .mes, .phragmen, .optimal])
        #expect(funded == [[1, 2], [1, 3], [1, 3], [4]])
        #expect(comparison.runs.map(\.isCycleRule) == [false, true, false, false])
        #expect(comparison.runs.map(\.engineKey) == ["greedy_cost", "mes_cost_add1_util", "phragmen", "maxwelfare_cost"])

        let greedy = try #require(comparison.run(.greedy)?.metrics)
        let mes = try #require(comparison.run(.mes)?.metrics)
        let optimal = try #require(comparison.run(.optimal)?.metrics)
        #expect(greedy.spent == .dirhams(80) && mes.spent == .dirhams(80) && optimal.spent == .dirhams(100))

        // Voters with a funded project: greedy the 6 of {1,2} and {1,2,4}; equal shares all 10;
        // optimal the 1 of {1,2,4} and the 4 of {3,4}.
        #expect(greedy.votersWithFundedProject == Proportion(6, of: 10))
        #expect(mes.votersWithFundedProject == Proportion(10, of: 10))
        #expect(optimal.votersWithFundedProject == Proportion(5, of: 10))

        // Average funded share of each voter's projects' cost:
        // greedy  (5·80/80 + 1·80/180 + 4·0)/10 = (5 + 4/9)/10 = 0.5444… → 544 ‰
        // mes     (5·40/80 + 1·40/180 + 4·40/140)/10 = (2.5 + 2/9 + 8/7)/10 = 0.38650… → 387 ‰
        // optimal (5·0 + 1·100/180 + 4·100/140)/10 = (5/9 + 20/7)/10 = 0.34126… → 341 ‰
        #expect(greedy.averageFundedCostShare.perMille == 544)
        #expect(mes.averageFundedCostShare.perMille == 387)
        #expect(optimal.averageFundedCostShare.perMille == 341)
        // Each voter's ratio truncated to a billionth: 5·10⁹ + ⌊10⁹·4/9⌋.
        #expect(greedy.averageFundedCostShare == Proportion(5_444_444_444, of: 10_000_000_000))

        // Districts: voters 6 and 4 of 10, population 3000 and 1000 of 4000 (the "no district"
        // line has no population).
        #expect(greedy.districts.map(\.district) == [nil, 1, 2])
        #expect(greedy.districts.map(\.voters.perMille) == [0, 600, 400])
        #expect(greedy.districts.map(\.population?.perMille) == [nil, 750, 250])
        #expect(greedy.districts.map(\.funds.perMille) == [0, 1000, 0])
        #expect(mes.districts.map(\.funds.perMille) == [0, 500, 500])
        #expect(optimal.districts.map(\.funds.perMille) == [1000, 0, 0])
        #expect(optimal.districts.map(\.funded) == [.dirhams(100), .zero, .zero])

        #expect(greedy.categories.map(\.category) == ["Voirie"])
        #expect(greedy.categories.map(\.funds.perMille) == [1000])
        #expect(mes.categories.map(\.category) == ["Sport", "Voirie"], "equal money: by name")
        #expect(mes.categories.map(\.funds) == [Proportion(4000, of: 8000), Proportion(4000, of: 8000)])
        #expect(optimal.categories.map(\.category) == ["Culture"])
    }

    @Test func disagreementsCarryEachRulesReason() throws {
        let (election, scope) = AnalysisElections.threeWay(rule: .greedy)
        let comparison = RuleComparisonAnalysis.compare(election: election, scope: scope)
        // Every project is funded by some rule and not by another.
        #expect(comparison.disagreements.map(\.project) == [1, 2, 3, 4])
        let two = try #require(comparison.disagreements.first { $0.project == 2 })
        #expect(two.fundedBy == [.greedy])
        #expect(two.notFundedBy == [.mes, .phragmen, .optimal])
        #expect(two.supporters == 6)
        let mesVerdict = try #require(two.verdicts.first { $0.rule == .mes })
        // Its supporters could not cover it from their shares; the completion's greedy step then
        // had the last word: 20 left, 40 needed.
        #expect(mesVerdict.decision == "tooExpensive")
        #expect(mesVerdict.explanation.contains("only 20,00 MAD was left"), "\(mesVerdict.explanation)")
        let phragmen = try #require(two.verdicts.first { $0.rule == .phragmen })
        #expect(phragmen.decision == "stopped", "\(phragmen.explanation)")
        let four = try #require(comparison.disagreements.first { $0.project == 4 })
        #expect(four.fundedBy == [.optimal])
        #expect(four.verdicts.first { $0.rule == .greedy }?.decision == "tooExpensive")
        #expect(four.verdicts.first { $0.rule == .optimal }?.explanation.hasPrefix("funded: part of the feasible set with the most total satisfaction") == true)
        #expect(two.verdicts.first { $0.rule == .optimal }?.explanation.contains("leaves it out") == true)
    }

    @Test func phragmenDoesNotApplyToPointsBallots() throws {
        let election = AnalysisElection(ballot: .points(total: 10, cap: nil), rule: .greedy, tieBreak: .lexicographic)
        let (_, base) = AnalysisElections.threeWay(rule: .greedy)
        let scope = AnalysisScope(
            district: nil, label: "whole commune", budget: base.budget, projects: base.projects,
            groups: [AnalysisElections.group([1, 3], 4, points: [7, 3]), AnalysisElections.group([4], 3, points: [10])],
            districts: base.districts)
        let comparison = RuleComparisonAnalysis.compare(election: election, scope: scope)
        let phragmen = try #require(comparison.run(.phragmen))
        #expect(phragmen.result == nil)
        guard case .notApplicable(let reason) = phragmen.status else { Issue.record("\(phragmen.status)"); return }
        #expect(reason.contains("points"))
        #expect(comparison.run(.optimal)?.engineKey == "maxwelfare_score")
        #expect(comparison.run(.greedy)?.engineKey == "greedy_score")
        // Points: #1 28, #3 12, #4 30, #2 none. Greedy by points: #4 first takes the whole 100.
        // Optimal by points: {1, 3} = 40 beats {4} = 30.
        #expect(comparison.run(.greedy)?.result?.fundedNumbers == [4])
        #expect(comparison.run(.optimal)?.result?.fundedNumbers == [1, 3])
    }

    @Test func theOptimalKnapsackGivesUpAtItsSearchLimitInsteadOfHanging() throws {
        // 200 projects, every one with the same supporters, costs that make the relaxation loose:
        // the branch and bound has nothing to prune by.
        let projects = (1...200).map {
            AnalysisProject(id: $0, cost: .dirhams(Int64(1000 + ($0 * 7919) % 997)), title: "P\($0)", district: nil, category: "Voirie")
        }
        let scope = AnalysisScope(
            district: nil, label: "whole commune", budget: .dirhams(60_001), projects: projects,
            groups: [AnalysisElections.group(Array(1...200), 3)], districts: [])
        let election = AnalysisElection(ballot: .approval(minimum: 1, maximum: nil), rule: .greedy, tieBreak: .lexicographic)
        let comparison = RuleComparisonAnalysis.compare(election: election, scope: scope, searchLimit: 200_000)
        let optimal = try #require(comparison.run(.optimal))
        guard case .tooLarge(let reason) = optimal.status else { Issue.record("\(optimal.status)"); return }
        #expect(reason.contains("too large"))
        #expect(optimal.result == nil && optimal.metrics == nil)
        #expect(comparison.run(.greedy)?.status == .computed)
        // Nothing about the optimum is shown, so the disagreements come from the other rules only.
        #expect(comparison.disagreements.allSatisfy { !$0.verdicts.contains { $0.rule == .optimal } })
    }

    @Test func proportionsRoundHalfUpFromIntegers() {
        #expect(Proportion(1, of: 8).perMille == 125)
        #expect(Proportion(1, of: 3).perMille == 333)
        #expect(Proportion(2, of: 3).perMille == 667)
        #expect(Proportion(1, of: 2000).perMille == 1, "0.5 ‰ rounds up")
        #expect(Proportion(5, of: 0).perMille == nil)
        #expect(Proportion(1, of: 3).percentText == "33.3 %")
        #expect(Proportion(0, of: 0).percentText == "–")
        #expect(Proportion(1, of: 3).isLess(than: Proportion(334, of: 1000)))
        #expect(!Proportion(2, of: 6).isLess(than: Proportion(1, of: 3)))
        let big = Proportion(Int64(999_999_999_999_999), of: 1_000_000_000_000_000)
        #expect(big.perMille == 1000)
    }
}

import MizanCore
import Testing

@Suite("Analysis: marginal projects")
struct AnalysisMarginalTests {
    @Test func greedyMarginalProjectsAsWorkedOutByHand() throws {
        // Greedy order by supporters, ties by id: #1 (6), #2 (6), #4 (5), #3 (4); budget 100.
        // #4 with N more ballots {4}: N = 1 ties it with #1 and #2 at 6 and it comes after them
        // (20 left); N = 2 puts it first with 7 → funded. Cost: after #1 and #2 only 20 is left,
        // and its place in the order does not depend on cost: 100 × (100 − P) % ≤ 20 → P = 80.
        // #3: N = 2 ties it at 6 behind #1 and #2; N = 3 puts it first → funded. Cost:
        // 40 × (100 − P) % ≤ 20 → P = 50.
        let (election, scope) = AnalysisElections.threeWay(rule: .greedy)
        let marginal = MarginalAnalysis.marginal(election: election, scope: scope)
        #expect(marginal.projects.map(\.project) == [4, 3], "most supporters first")
        #expect(marginal.projects.map(\.supportersNeeded) == [.found(2), .found(3)])
        #expect(marginal.projects.map(\.costReductionNeeded) == [.found(80), .found(50)])
        #expect(marginal.projects.allSatisfy { $0.verified })
        #expect(marginal.notExamined == 0)
        #expect(marginal.reruns > 0 && marginal.reruns <= marginal.rerunLimit)
        for project in marginal.projects {
            if case .found(let n) = project.supportersNeeded {
                #expect(funded(project.project, election: election, scope: scope, extra: n))
                #expect(!funded(project.project, election: election, scope: scope, extra: n - 1))
            }
        }
    }

    @Test func equalSharesMarginalSupportersMatchTheDefinition() throws {
        // Under equal shares #2 and #4 are unfunded. Whatever N the search reports, rerunning the
        // tally on the ballots plus N ballots for the project alone funds it, and with N − 1 not.
        let (election, scope) = AnalysisElections.threeWay(rule: .mes)
        let marginal = MarginalAnalysis.marginal(election: election, scope: scope)
        #expect(Set(marginal.projects.map(\.project)) == [2, 4])
        for project in marginal.projects {
            guard case .found(let n) = project.supportersNeeded else {
                Issue.record("project \(project.project): \(project.supportersNeeded)")
                continue
            }
            #expect(funded(project.project, election: election, scope: scope, extra: n))
            #expect(!funded(project.project, election: election, scope: scope, extra: n - 1))
            guard case .found(let percent) = project.costReductionNeeded else {
                Issue.record("project \(project.project): \(project.costReductionNeeded)")
                continue
            }
            #expect(funded(project.project, election: election, scope: scope, costCut: percent))
            #expect(!funded(project.project, election: election, scope: scope, costCut: percent - 1))
        }
    }

    @Test func theSearchIsBounded() throws {
        let (election, scope) = AnalysisElections.threeWay(rule: .greedy)
        let first = MarginalAnalysis.marginal(election: election, scope: scope, limits: .init(projects: 1))
        #expect(first.projects.map(\.project) == [4])
        #expect(first.notExamined == 1)

        // #4 needs 2 more supporters; allowing 1 puts it out of reach.
        let near = MarginalAnalysis.marginal(election: election, scope: scope, limits: .init(projects: 1, supporters: 1))
        #expect(near.projects.first?.supportersNeeded == .notWithinReach(bound: 1))

        // One rerun for the actual outcome and two for the searches of #4: nothing more.
        let short = MarginalAnalysis.marginal(election: election, scope: scope, limits: .init(reruns: 3))
        #expect(short.reruns == 3)
        #expect(short.projects.last?.supportersNeeded == .notSearched)
        #expect(short.projects.last?.costReductionNeeded == .notSearched)
    }

    /// Reruns the cycle's own rule by itself (through the what-if entry point) on the scope with
    /// `extra` more ballots for `project` alone, or its cost cut by `costCut` %.
    func funded(_ project: Int, election: AnalysisElection, scope: AnalysisScope, extra: Int = 0, costCut: Int = 0) -> Bool {
        let projects = scope.projects.map { item in
            item.id == project && costCut > 0
                ? AnalysisProject(
                    id: item.id, cost: Money(centimes: item.cost.centimes * Int64(100 - costCut) / 100), title: item.title,
                    district: item.district, category: item.category)
                : item
        }
        let groups = scope.groups + (extra > 0 ? [AnalysisElections.group([project], extra)] : [])
        let changed = AnalysisScope(
            district: scope.district, label: scope.label, budget: scope.budget, projects: projects, groups: groups, districts: scope.districts)
        return WhatIfAnalysis.budgets(election: election, scope: changed, percents: []).actual.fundedNumbers.contains(project)
    }
}

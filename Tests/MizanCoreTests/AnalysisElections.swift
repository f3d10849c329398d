import MizanCore

/// Small elections whose outcomes under each rule are worked out by hand in the comments.
enum AnalysisElections {
    /// Budget 100 MAD, ten approval voters:
    ///
    /// | ballots | voters | district |
    /// |---|---|---|
    /// | {1, 2}    | 5 | 1 |
    /// | {1, 2, 4} | 1 | 1 |
    /// | {3, 4}    | 4 | 2 |
    ///
    /// Projects: #1 40 MAD (district 1, Voirie), #2 40 MAD (district 1, Voirie), #3 40 MAD
    /// (district 2, Sport), #4 100 MAD (no district, Culture). Supporters 6, 6, 4, 5.
    ///
    /// - Greedy (by supporters, skip what does not fit): #1, #2 (80 spent), #4 and #3 no longer
    ///   fit in 20 → {1, 2}.
    /// - Equal shares (10 MAD per voter): #1 and #2 cost 40/6 each to their 6 supporters (ρ = 1/6),
    ///   #3 costs 10 to each of its 4 (ρ = 1/4), #4's 5 supporters hold 50 < 100. #1 first (tie
    ///   with #2 broken by id); the 6 are left 20 in all, so #2 becomes unaffordable; #3 next.
    ///   {1, 3}, 20 left, and nothing left out fits in 20, so the completion changes nothing.
    /// - Phragmén: loads #1 40/6, then #3 (40/4 = 10 < #2's 80/6), then #2 would bring 120 > 100:
    ///   stop. {1, 3}.
    /// - Optimal (supporters × cost): {4} = 500 beats {1, 2} = 480 and {1, 3} = 400.
    static func threeWay(rule: WinnerRule) -> (AnalysisElection, AnalysisScope) {
        let projects = [
            AnalysisProject(id: 1, cost: .dirhams(40), title: "Trottoirs", district: 1, category: "Voirie"),
            AnalysisProject(id: 2, cost: .dirhams(40), title: "Éclairage", district: 1, category: "Voirie"),
            AnalysisProject(id: 3, cost: .dirhams(40), title: "Terrain", district: 2, category: "Sport"),
            AnalysisProject(id: 4, cost: .dirhams(100), title: "Maison de la culture", district: nil, category: "Culture"),
        ]
        let groups = [
            group([1, 2], 5), group([1, 2, 4], 1), group([3, 4], 4),
        ]
        let districts = [
            AnalysisDistrict(id: 1, name: "Nord", population: 3000, voters: 6),
            AnalysisDistrict(id: 2, name: "Sud", population: 1000, voters: 4),
            AnalysisDistrict(id: nil, name: nil, population: nil, voters: 0),
        ]
        return (
            AnalysisElection(ballot: .approval(minimum: 1, maximum: nil), rule: rule, tieBreak: .lexicographic),
            AnalysisScope(district: nil, label: "whole commune", budget: .dirhams(100), projects: projects, groups: groups, districts: districts)
        )
    }

    static func group(_ projects: [Int], _ count: Int, points: [Int]? = nil) -> TallyVoteGroup {
        TallyVoteGroup(
            marks: projects.enumerated().map { TallyMark(project: $1, value: points?[$0] ?? 1) }, count: count)
    }
}

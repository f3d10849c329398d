import Foundation
import PBEngine
import Testing

/// Every shared election whose META names a rule Mizan reproduces is funded exactly as the city
/// funded it (its `selected` column).
@Suite("The rule a file's META names")
struct MetaRuleTests {
    /// The shared files with a `selected` column whose META names a rule Mizan reproduces.
    static let files: [String] = SharedData.pabulibFileNames.filter { name in
        guard let data = try? Data(contentsOf: SharedData.pabulib!.appendingPathComponent(name)),
              let document = try? PabulibReader.read(data)
        else { return false }
        return document.projectColumns.contains("selected") && (try? MetaRule(document)) != nil
    }

    @Test("reproduces what the city funded", .enabled(if: SharedData.pabulib != nil, "../shared/pabulib absent: skipped"), arguments: files)
    func reproduces(_ name: String) throws {
        let document = try PabulibReader.read(Data(contentsOf: SharedData.pabulib!.appendingPathComponent(name)))
        let meta = try MetaRule(document)
        let column = try #require(document.projectColumns.firstIndex(of: "selected"))
        let funded = Set(document.instance.projects.indices.filter { document.projectValues[$0][column] == "1" }.map { document.instance.projects[$0].id })
        let outcome = meta.apply(to: document)
        let ours = Set(outcome.selected.map { document.instance.projects[$0].id })
        #expect(ours == funded, "\(name) \(meta.name): extra \(ours.subtracting(funded).sorted()), missing \(funded.subtracting(ours).sorted())")
    }

    @Test("the files it must reproduce are all there", .enabled(if: SharedData.pabulib != nil, "../shared/pabulib absent: skipped"))
    func coverage() throws {
        var reproduced: [String] = []
        for name in Self.files {
            let document = try PabulibReader.read(Data(contentsOf: SharedData.pabulib!.appendingPathComponent(name)))
            reproduced.append(try MetaRule(document).name)
        }
        for rule in ["greedy", "greedy-no-skip", "greedy-threshold", "equalshares/add1", "equalshares/add1-comparison"] {
            #expect(reproduced.contains(rule), "no shared file names \(rule)")
        }
    }

    @Test("a threshold leaves projects out and says why")
    func threshold() throws {
        // a (cost 5) has 3 votes, b (cost 5) 1 vote; budget 10. Greedy funds both; with at least 2
        // votes, b is out.
        let text = "META\nkey;value\nbudget;10\nvote_type;approval\nrule;greedy-threshold\nmin_project_score_threshold;2\nPROJECTS\nproject_id;cost\na;5\nb;5\nVOTES\nvoter_id;vote\n1;a,b\n2;a\n3;a\n"
        let document = try PabulibReader.read(Array(text.utf8))
        let meta = try MetaRule(document)
        let outcome = meta.apply(to: document)
        #expect(outcome.selected == [0])
        #expect(outcome.exclusions == [1: .belowMinimumScore(score: 1, minimum: 2)])
        #expect(outcome.trace.first?.kind == .ineligible)
        #expect(outcome.trace.first?.project == 1)
        #expect(throws: MetaRuleError.thresholdMissing) {
            try MetaRule(PabulibReader.read(Array(text.replacingOccurrences(of: "min_project_score_threshold;2\n", with: "").utf8)))
        }
        #expect(throws: MetaRuleError.unknown("greedy-custom")) {
            try MetaRule(PabulibReader.read(Array(text.replacingOccurrences(of: "rule;greedy-threshold", with: "rule;greedy-custom").utf8)))
        }
    }

    @Test("share-of-voters and cost-proportional thresholds")
    func shares() throws {
        // 10 voters; a (cost 30 of budget 100) has 10% support, b (cost 3) 10%, c (cost 60) 90%.
        let instance = Instance(projects: [Project(id: "a", cost: 30), Project(id: "b", cost: 3), Project(id: "c", cost: 60)], budget: 100)
        var ballots = [Ballot(entries: [.init(project: 0, value: 1), .init(project: 1, value: 1)])]
        ballots += Array(repeating: Ballot(entries: [.init(project: 2, value: 1)]), count: 9)
        let profile = Profile(voteType: .approval, ballots: ballots)
        // At least 20% of voters: a and b out.
        let byShare = Eligibility(minimumVoterShare: Rational(1, 5)).excluded(instance, profile)
        #expect(Set(byShare.keys) == [0, 1])
        // Świecie: share ≥ cost / (3 × budget): a needs 10% (30/300): in; b needs 1%: in; c needs
        // 20%: in. With a cost of 40, a would need 13.3%: out.
        #expect(Eligibility(costProportionalDivisor: 3).excluded(instance, profile).isEmpty)
        var costly = instance
        costly.projects[0] = Project(id: "a", cost: 40)
        #expect(Set(Eligibility(costProportionalDivisor: 3).excluded(costly, profile).keys) == [0])
    }
}

import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import PBEngine
import Testing
import PostgresDriver

@Suite("mizan analyse")
struct AnalyseCommandTests {
    @Test func comparesRulesWithFiguresThatMatchTheDatabase() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "mes")
        try session.castStandardBallots()

        let early = try session.run("analyse", "--cycle", "1")
        #expect(early.status == 1, "\(early.output)")
        #expect(early.standardError.contains("is in voting"), "\(early.standardError)")
        #expect(early.standardOutput.isEmpty, "nothing of the live result may leak")
        #expect(try session.run("analyse", "--cycle", "9").standardError.contains("there is no cycle 9"))
        #expect(try session.run("cycle", "advance", "1").status == 0)

        let run = try session.run("analyse", "--cycle", "1", "--json", "--marginal")
        #expect(run.status == 0, "\(run.output)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(root["cycle"] as? Int == 1)
        #expect(root["cycle_rule"] as? String == "mes")
        #expect(root["phase"] as? String == "tallied")
        let scopes = try #require(root["scopes"] as? [[String: Any]])
        #expect(scopes.count == 1)
        let scope = scopes[0]
        #expect(scope["district"] is NSNull)
        #expect(scope["voters"] as? Int == 30)
        #expect(scope["budget_centimes"] as? Int == 100_000_000)

        let comparison = try #require(scope["comparison"] as? [String: Any])
        let rules = try #require(comparison["rules"] as? [[String: Any]])
        #expect(rules.map { $0["rule"] as? String } == ["greedy", "mes", "phragmen", "optimal"])
        #expect(rules.map { $0["status"] as? String } == ["computed", "computed", "computed", "computed"])
        #expect(rules.map { $0["cycle_rule"] as? Bool } == [false, true, false, false])

        let ballots = try session.count("ballots WHERE cycle_id = 1")
        for rule in rules {
            let key = try #require(rule["engine_key"] as? String)
            let funded = try #require(rule["funded"] as? [String]).compactMap { Int($0) }
            #expect(funded.map(String.init).sorted() == standardWinners(ruleKey: key).sorted(), "\(key)")
            let spent = try session.query("""
                SELECT coalesce(sum(official_cost_centimes), 0)::bigint FROM proposals WHERE id = ANY(\(funded)::int[])
                """).single().decode(Int64.self, 0)
            #expect((rule["spent_centimes"] as? NSNumber)?.int64Value == spent, "\(key)")

            let satisfied = try session.query("""
                SELECT count(DISTINCT b.id) FROM ballots b JOIN ballot_choices c ON c.ballot_id = b.id
                WHERE b.cycle_id = 1 AND c.proposal_id = ANY(\(funded)::int[])
                """).single().decode(Int.self, 0)
            let voters = try #require(rule["voters_with_funded_project"] as? [String: Any])
            #expect(voters["numerator"] as? Int == satisfied, "\(key)")
            #expect(voters["denominator"] as? Int == ballots, "\(key)")

            // Σ over ballots of ⌊10⁹ × funded cost ÷ marked cost⌋, by integer division in SQL.
            let ratios = try session.query("""
                SELECT sum((1000000000::bigint * coalesce(f, 0)) / t)::bigint FROM (
                    SELECT b.id, sum(p.official_cost_centimes)::bigint AS t,
                           (sum(p.official_cost_centimes) FILTER (WHERE p.id = ANY(\(funded)::int[])))::bigint AS f
                    FROM ballots b JOIN ballot_choices c ON c.ballot_id = b.id JOIN proposals p ON p.id = c.proposal_id
                    WHERE b.cycle_id = 1 GROUP BY b.id) x
                """).single().decode(Int64.self, 0)
            let average = try #require(rule["average_funded_cost_share"] as? [String: Any])
            #expect((average["numerator"] as? NSNumber)?.int64Value == ratios, "\(key)")
            #expect((average["denominator"] as? NSNumber)?.int64Value == Int64(ballots) * 1_000_000_000, "\(key)")

            // No districts in Berkane's test data: every ballot and project is "no district".
            let districts = try #require(rule["districts"] as? [[String: Any]])
            #expect(districts.count == 1 && districts[0]["district"] is NSNull)
            #expect((districts[0]["voters"] as? [String: Any])?["numerator"] as? Int == ballots)
            #expect(districts[0]["population"] is NSNull)
            let categories = try #require(rule["categories"] as? [[String: Any]])
            #expect(categories.map { $0["category"] as? String } == ["Voirie"])
            #expect((categories[0]["funds"] as? [String: Any])?["per_mille"] as? Int == 1000)
        }
        let disagreements = try #require(comparison["disagreements"] as? [[String: Any]])
        for project in disagreements {
            let verdicts = try #require(project["verdicts"] as? [[String: Any]])
            let funded = Set(verdicts.compactMap { $0["funded"] as? Bool })
            #expect(funded == [true, false], "a disagreement has both verdicts")
            #expect(verdicts.allSatisfy { !(($0["explanation"] as? String) ?? "").isEmpty })
        }

        // What-if: the cycle's rule on the budget −20, −10, +10, +20 %, as the engine computes it.
        let whatIf = try #require(scope["what_if"] as? [String: Any])
        let variants = try #require(whatIf["variants"] as? [[String: Any]])
        #expect(variants.map { $0["percent"] as? Int } == [-20, -10, 10, 20])
        #expect(variants.map { $0["budget_centimes"] as? Int } == [80_000_000, 90_000_000, 110_000_000, 120_000_000])
        for variant in variants {
            let budget = (variant["budget_centimes"] as? Int ?? 0) / 100
            #expect((variant["funded"] as? [String])?.sorted() == standardWinners(ruleKey: "mes", budget: budget).sorted(), "\(budget)")
        }

        // Marginal: every N found funds the project with N ballots for it alone, and N − 1 does not.
        let marginal = try #require(scope["marginal"] as? [String: Any])
        let projects = try #require(marginal["projects"] as? [[String: Any]])
        for project in projects {
            let id = try #require(Int(project["project"] as? String ?? ""))
            let needed = try #require(project["more_supporters"] as? [String: Any])
            guard needed["status"] as? String == "found", let n = needed["value"] as? Int else { continue }
            #expect(project["verified"] as? Bool == true)
            #expect(standardWinners(ruleKey: "mes", extra: (id, n)).contains(String(id)), "#\(id) with \(n)")
            #expect(!standardWinners(ruleKey: "mes", extra: (id, n - 1)).contains(String(id)), "#\(id) with \(n - 1)")
        }
        #expect(try session.count("tallies") == 0, "the analysis stores nothing")

        let text = try session.run("analyse", "--cycle", "1")
        #expect(text.status == 0, "\(text.output)")
        #expect(text.standardOutput.contains("rule comparison"))
        #expect(text.standardOutput.contains("mes*"))
        #expect(text.standardOutput.contains("what-if budgets"))
        #expect(!text.standardOutput.contains("marginal projects"), "only with --marginal")

        let envelope = try session.run("analyse", "--cycle", "1", "--envelope", "1=500000")
        #expect(envelope.status == 1)
        #expect(envelope.standardError.contains("no district envelopes"), "\(envelope.standardError)")
        #expect(try session.run("analyse", "--cycle", "1", "--envelope", "north").standardError.contains("DISTRICT_ID=AMOUNT"))
    }

    @Test func phragmenIsNotApplicableToPointsBallots() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting(ballot: ["--ballot", "points", "--points", "10"])
        try session.query("""
            SELECT seed_ballot(1, y.commune_id, sha256(('voter-' || g)::bytea), 'web', NULL, sha256(('pseudonym-' || g)::bytea),
                               upper(substr(md5('r' || g), 1, 4) || '-' || substr(md5('r' || g), 5, 4) || '-' || substr(md5('r' || g), 9, 4) || '-' || substr(md5('r' || g), 13, 4)),
                               ARRAY[1, 3]::int[], ARRAY[6, 4]::int[])
            FROM cycles y, generate_series(1, 5) g WHERE y.id = 1
            """)
        #expect(try session.run("cycle", "advance", "1").status == 0)
        let run = try session.run("analyse", "--cycle", "1", "--json", "--no-what-if-budget")
        #expect(run.status == 0, "\(run.output)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let scope = try #require((root["scopes"] as? [[String: Any]])?.first)
        #expect(scope["what_if"] is NSNull)
        let rules = try #require((scope["comparison"] as? [String: Any])?["rules"] as? [[String: Any]])
        let phragmen = try #require(rules.first { $0["rule"] as? String == "phragmen" })
        #expect(phragmen["status"] as? String == "not_applicable")
        #expect((phragmen["reason"] as? String)?.contains("not applicable") == true)
        #expect(rules.first { $0["rule"] as? String == "optimal" }?["engine_key"] as? String == "maxwelfare_score")
    }

    @Test func districtEnvelopesAreAnalysedSeparatelyAndCanBeChanged() async throws {
        let session = try await AdminSession.make()
        try session.cycleWithDistrictEnvelopes(northPopulation: 3000)
        let north = try session.query("SELECT id FROM districts WHERE name_fr = 'Nord'").single().decode(Int.self, 0)
        let south = try session.query("SELECT id FROM districts WHERE name_fr = 'Sud'").single().decode(Int.self, 0)
        try session.cast(5, for: [1, 2], first: 1)
        try session.cast(3, for: [2], first: 50)
        try session.cast(4, for: [3], first: 80)
        // The eight ballots for projects 1 and 2 come from the north, the four for project 3 from the south.
        try session.query("UPDATE ballots SET district_id = \(north) WHERE id IN (SELECT ballot_id FROM ballot_choices WHERE proposal_id IN (1, 2))")
        try session.query("UPDATE ballots SET district_id = \(south) WHERE district_id IS NULL")
        #expect(try session.run("cycle", "advance", "1").status == 0)

        #expect(try session.run("analyse", "--cycle", "1", "--envelope", "\(south + 100)=500000").standardError.contains("has no envelope"))
        // North: 400 000 MAD, #2 (8 supporters) then #1 (5) no longer fits. With 700 000 both fit.
        let run = try session.run(
            "analyse", "--cycle", "1", "--json", "--no-compare", "--no-what-if-budget", "--envelope", "\(north)=700000")
        #expect(run.status == 0, "\(run.output)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let scopes = try #require(root["scopes"] as? [[String: Any]])
        #expect(scopes.map { $0["district"] as? Int } == [north, south])
        #expect(scopes.map { $0["voters"] as? Int } == [8, 4])
        #expect(scopes.allSatisfy { $0["comparison"] is NSNull })
        #expect(scopes[1]["what_if"] is NSNull, "only the changed envelope")
        let whatIf = try #require(scopes[0]["what_if"] as? [String: Any])
        #expect((whatIf["actual"] as? [String: Any])?["funded"] as? [String] == ["2"])
        let variant = try #require((whatIf["variants"] as? [[String: Any]])?.first)
        #expect(variant["percent"] is NSNull)
        #expect(variant["budget_centimes"] as? Int == 70_000_000)
        #expect(variant["funded"] as? [String] == ["1", "2"])
        #expect(variant["gained"] as? [String] == ["1"])

        // Each envelope compares its own district: all its funds and voters are its own.
        let compared = try session.run("analyse", "--cycle", "1", "--json", "--no-what-if-budget")
        let comparedRoot = try #require(try JSONSerialization.jsonObject(with: Data(compared.standardOutput.utf8)) as? [String: Any])
        let northRules = try #require(((comparedRoot["scopes"] as? [[String: Any]])?.first?["comparison"] as? [String: Any])?["rules"] as? [[String: Any]])
        let districts = try #require(northRules.first?["districts"] as? [[String: Any]])
        #expect(districts.map { $0["district"] as? Int } == [north])
        #expect((districts[0]["voters"] as? [String: Any])?["per_mille"] as? Int == 1000)
        #expect((districts[0]["population"] as? [String: Any])?["per_mille"] as? Int == 1000)
    }
}

/// The engine run directly on the standard ballots of `castStandardBallots`, with another budget
/// (in dirhams) or `extra.count` more ballots for project `extra.project` alone.
func standardWinners(ruleKey: String, budget: Int = 1_000_000, extra: (project: Int, count: Int)? = nil) -> [String] {
    let instance = Instance(
        projects: [Project(id: "1", cost: 200_000), Project(id: "2", cost: 400_000), Project(id: "3", cost: 600_000)], budget: budget)
    func ballot(_ projects: [Int]) -> PBEngine.Ballot { PBEngine.Ballot(entries: projects.map { .init(project: $0 - 1, value: 1) }) }
    var ballots = Array(repeating: ballot([1, 2]), count: 12) + Array(repeating: ballot([3]), count: 10) + Array(repeating: ballot([2, 3]), count: 8)
    if let extra { ballots += Array(repeating: ballot([extra.project]), count: extra.count) }
    let outcome = Rule(key: ruleKey)!.apply(to: instance, profile: Profile(voteType: .approval, ballots: ballots), tieBreaking: .lexicographic)
    return outcome.selected.map { instance.projects[$0].id }
}

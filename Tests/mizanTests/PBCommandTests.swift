import Foundation
import MizanPostgres
import MizanTestSupport
import PBEngine
import Testing
import PostgresDriver
import MizanDevCluster

/// Files these tests read: the fixture that is always in the repository, and the reference data
/// beside it (`<repo>/../shared/pabulib`) when this checkout has it.
enum PBFiles {
    /// `<repo>`; this file is `<repo>/Tests/mizanTests/PBCommandTests.swift`.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let fixture = repository.appendingPathComponent(
        "Tests/PBEngineTests/Fixtures/Worldwide_Mechanical_Turk_Utilities_3.pb").path

    /// `<repo>/../shared/pabulib`, or nil when absent.
    static let shared: URL? = {
        let folder = repository.deletingLastPathComponent().appendingPathComponent("shared/pabulib")
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && isFolder.boolValue ? folder : nil
    }()

    /// Shared files compared with pabutools' winners, with the rules compared on each.
    static let compared = [
        "Poland_Warszawa_2019_Rembertow.pb": ["greedy_cost", "mes_cost", "mes_cost_add1_util", "phragmen", "greedy_card"],
        "Poland_Krakow_2023_Czyzyny.pb": ["greedy_cost", "greedy_score", "mes_cost", "mes_card_add1_util"],
        "Poland_Gdynia_2020_Oksywie__small.pb": ["greedy_cost", "mes_cost_add1", "mes_card"],
    ]

    static func sharedFile(_ name: String) -> String? {
        guard let path = shared?.appendingPathComponent(name).path, FileManager.default.fileExists(atPath: path) else { return nil }
        return path
    }

    /// `rules.KEY.winners` and `total_cost` from `golden/NAME.json`, keyed by rule.
    static func golden(_ name: String) throws -> [String: (winners: [String], cost: Double)] {
        guard let shared else { return [:] }
        let url = shared.appendingPathComponent("golden").appendingPathComponent(name.replacingOccurrences(of: ".pb", with: ".json"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var rules: [String: (winners: [String], cost: Double)] = [:]
        for (key, value) in object["rules"] as! [String: Any] {
            let rule = value as! [String: Any]
            guard rule["status"] as? String == "ok", let winners = rule["winners"] as? [String] else { continue }
            rules[key] = (winners, (rule["total_cost"] as! NSNumber).doubleValue)
        }
        return rules
    }

    /// One folder for the whole process, removed when it ends.
    static let folder = Result { try TemporaryFolder.make("mizan-pb") }

    static func temporaryFile(_ name: String, _ contents: String? = nil) throws -> String {
        let folder = try Self.folder.get()
        let path = folder.appendingPathComponent(name).path
        if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }
}

/// Runs `mizan pb …` as an analyst would, with no database configured.
func runPB(_ arguments: String...) throws -> ChildProcess.Result {
    try ChildProcess.run([MizanBinary.path, "pb"] + arguments, environment: MizanBinary.environment(), in: PBFiles.repository.path)
}

/// The single JSON object a `--json` run prints.
func pbJSONObject(_ result: ChildProcess.Result) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
}

/// `mizan pb`, run as a subprocess; `swift test --filter PBCommandTests` runs them all.
@Suite("mizan pb")
struct PBCommandTests {}

extension PBCommandTests {
    @Suite("mizan pb rank")
    struct Rank {
        @Test func theJSONContractHoldsOnTheFixture() throws {
            let result = try runPB("rank", PBFiles.fixture, "--rule", "mes_cost", "--json")
            #expect(result.status == 0, "\(result.output)")
            #expect(result.standardOutput.hasPrefix("{") && result.standardOutput.hasSuffix("}\n"))
            let object = try pbJSONObject(result)
            // pabutools' mes_cost on this file.
            #expect(object["selected"] as? [String] == ["3", "51", "25", "40", "7", "13"])
            #expect((object["cost"] as? NSNumber)?.intValue == 416_000)
            #expect(object["rule"] as? String == "mes_cost")
            #expect(object["tie_breaking"] as? String == "lexicographic")
            #expect(object["budget_per_voter"] != nil)
            #expect((object["projects"] as? [Any])?.count == 10)
        }

        @Test func shortNamesAndTheOptimalWelfare() throws {
            let greedy = try pbJSONObject(try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--json"))
            #expect(greedy["rule"] as? String == "greedy_cost")
            #expect(Set(greedy["selected"] as? [String] ?? []) == ["3", "51", "22", "13"])
            let optimal = try pbJSONObject(try runPB("rank", PBFiles.fixture, "--rule", "optimal", "--json"))
            #expect((optimal["cost"] as? NSNumber)?.intValue == 499_000)
            #expect(optimal["welfare"] != nil)
        }

        @Test(
            .enabled(
                if: PBFiles.compared.keys.allSatisfy { PBFiles.sharedFile($0) != nil },
                "../shared/pabulib (with its Rembertow, Czyzyny and Oksywie files) is absent, so the pabutools comparison cannot run"))
        func selectedProjectsMatchPabutoolsOnSharedFiles() throws {
            for (name, keys) in PBFiles.compared {
                let path = try #require(PBFiles.sharedFile(name))
                let golden = try PBFiles.golden(name)
                for key in keys {
                    guard let expected = golden[key] else { continue }
                    let result = try runPB("rank", path, "--rule", key, "--json")
                    #expect(result.status == 0, "\(name) \(key): \(result.output)")
                    let object = try pbJSONObject(result)
                    #expect(Set(object["selected"] as? [String] ?? []) == Set(expected.winners), "\(name) \(key)")
                    #expect((object["cost"] as? NSNumber)?.doubleValue == expected.cost, "\(name) \(key)")
                }
            }
        }

        /// Wieliczka's Green Budget 2023, from its file alone: META names equalshares/add1-comparison,
        /// and the city funded 995,079 zł.
        @Test(
            .enabled(
                if: PBFiles.sharedFile("Poland_Wieliczka_2023_Green_Budget.pb") != nil,
                "../shared/pabulib/Poland_Wieliczka_2023_Green_Budget.pb is absent"))
        func theRuleTheFileNamesReproducesTheCity() throws {
            let path = try #require(PBFiles.sharedFile("Poland_Wieliczka_2023_Green_Budget.pb"))
            let result = try runPB("rank", path, "--rule", "meta", "--json")
            #expect(result.status == 0, "\(result.output)")
            let object = try pbJSONObject(result)
            #expect(object["rule"] as? String == "equalshares/add1?comparison=satisfaction")
            #expect((object["cost"] as? NSNumber)?.intValue == 995_079)
            let document = try PabulibReader.read(Data(contentsOf: URL(fileURLWithPath: path)))
            let column = try #require(document.projectColumns.firstIndex(of: "selected"))
            let funded = document.instance.projects.indices.filter { document.projectValues[$0][column] == "1" }.map { document.instance.projects[$0].id }
            #expect(funded.count == 30)
            #expect(Set(object["selected"] as? [String] ?? []) == Set(funded))
            let refused = try runPB("rank", PBFiles.fixture, "--rule", "meta", "--json")
            #expect(refused.status == 1)
            #expect(refused.standardOutput.isEmpty)
            #expect(refused.standardError.contains("is not one Mizan reproduces"), "\(refused.output)")
        }

        @Test(
            .enabled(
                if: PBFiles.sharedFile("Poland_Krakow_2023_Czyzyny.pb") != nil, "../shared/pabulib/Poland_Krakow_2023_Czyzyny.pb is absent"))
        func aDecimalBudgetIsPrintedExactly() throws {
            let path = try #require(PBFiles.sharedFile("Poland_Krakow_2023_Czyzyny.pb"))
            let result = try runPB("rank", path, "--rule", "greedy_cost", "--json")
            #expect(result.status == 0, "\(result.output)")
            #expect(result.standardOutput.contains("\"budget\":1404775.68,"))
            #expect(result.standardOutput.contains("\"cost\":1401100,"))
            #expect(result.standardOutput.contains("\"left\":3675.68,"))
            let table = try runPB("rank", path, "--rule", "greedy")
            #expect(table.standardOutput.contains("1404775.68 PLN"))
            #expect(table.standardOutput.contains("3675.68 PLN"))
        }

        @Test func aMalformedFileIsAUserErrorWithItsLine() throws {
            let path = try PBFiles.temporaryFile("broken.pb", """
                META
                key;value
                budget;1000
                vote_type;approval
                PROJECTS
                project_id;cost
                1;500
                2;lots
                VOTES
                voter_id;vote
                1;1

                """)
            let result = try runPB("rank", path, "--rule", "greedy", "--json")
            #expect(result.status == 1, "\(result.output)")
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError.contains("broken.pb: line 8"), "\(result.standardError)")
        }

        @Test func refusalsExitWithStatusOneAndPrintNothing() throws {
            let unknown = try runPB("rank", PBFiles.fixture, "--rule", "borda", "--json")
            #expect(unknown.status == 1)
            #expect(unknown.standardOutput.isEmpty)
            #expect(unknown.standardError.contains("unknown rule borda"))

            // The fixture's ballots are cumulative: Phragmén does not apply.
            let phragmen = try runPB("rank", PBFiles.fixture, "--rule", "phragmen", "--json")
            #expect(phragmen.status == 1)
            #expect(phragmen.standardOutput.isEmpty)
            #expect(phragmen.standardError.contains("cumulative"))

            let missing = try runPB("rank", "/nonexistent/file.pb", "--rule", "greedy", "--json")
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("/nonexistent/file.pb"))

            let completion = try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--completion", "none")
            #expect(completion.status == 1)
            #expect(completion.standardError.contains("--completion"))

            let tie = try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--tie", "coin")
            #expect(tie.status == 1)
            #expect(tie.standardOutput.isEmpty)

            let project = try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--explain", "999")
            #expect(project.status == 1)
            #expect(project.standardError.contains("no project 999"))
        }

        @Test func completionAdjustsEqualShares() throws {
            let none = try pbJSONObject(try runPB("rank", PBFiles.fixture, "--rule", "mes", "--completion", "none", "--json"))
            #expect(none["rule"] as? String == "mes_cost")
            let add1 = try pbJSONObject(try runPB("rank", PBFiles.fixture, "--rule", "mes_card", "--completion", "add1", "--json"))
            #expect(add1["rule"] as? String == "mes_card_add1")
            let tie = try pbJSONObject(try runPB("rank", PBFiles.fixture, "--rule", "mes", "--tie", "equalshares", "--json"))
            #expect(tie["tie_breaking"] as? String == "equalshares")
        }

        @Test func explainTellsWhyAProjectWasOrWasNotFunded() throws {
            let passed = try runPB("rank", PBFiles.fixture, "--rule", "mes_cost", "--explain", "22")
            #expect(passed.status == 0, "\(passed.output)")
            #expect(passed.standardOutput.contains("Project 22 (24H public toilet)"))
            #expect(passed.standardOutput.contains("remaining money could not cover its 320000 USD"))
            // The account: below 100 % of its cost behind it, and where its supporters' money went.
            let support = try #require(passed.standardOutput.range(of: "Effective support ").map { passed.standardOutput[$0.upperBound...] })
            let percent = try #require(Double(support.prefix { $0 != " " }))
            #expect(percent < 100, "not funded by equal shares: \(percent) %")
            #expect(passed.standardOutput.contains("Its supporters' money went to: project "))
            #expect(passed.standardOutput.contains("Voters with at least one funded project they chose: "))

            let funded = try runPB("rank", PBFiles.fixture, "--rule", "mes_cost", "--explain", "3")
            #expect(funded.standardOutput.contains("Round 1: funded; its 58 supporter(s) paid"))
            let fundedSupport = try #require(funded.standardOutput.range(of: "Effective support ").map { funded.standardOutput[$0.upperBound...] })
            #expect(try #require(Double(fundedSupport.prefix { $0 != " " })) >= 100)

            let greedy = try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--explain", "25")
            #expect(greedy.standardOutput.contains("passed over because the"))

            // With --json the explanation goes to standard error and the output stays one object.
            let json = try runPB("rank", PBFiles.fixture, "--rule", "mes_cost", "--explain", "22", "--json")
            #expect(try pbJSONObject(json)["selected"] != nil)
            #expect(json.standardError.contains("Project 22"))
        }

        @Test func tablesAndTimings() throws {
            let result = try runPB("rank", PBFiles.fixture, "--rule", "greedy", "--timing")
            #expect(result.status == 0, "\(result.output)")
            for word in ["project", "supporters", "funded", "round", "budget  500000 USD", "used    476000 USD", "left    24000 USD"] {
                #expect(result.standardOutput.contains(word), "\(word)")
            }
            #expect(result.standardError.contains("read: "))
            #expect(result.standardError.contains("rank: "))
        }

        @Test func helpHasExamples() throws {
            for command in ["rank", "compare", "stats", "generate"] {
                let result = try runPB(command, "--help")
                #expect(result.status == 0)
                #expect(result.standardOutput.contains("Examples"), "\(command)")
            }
        }
    }

    @Suite("mizan pb compare, stats and generate")
    struct Analysis {
        @Test func compareShowsTheRulesSideBySide() throws {
            let result = try runPB("compare", PBFiles.fixture, "--json")
            #expect(result.status == 0, "\(result.output)")
            let object = try pbJSONObject(result)
            let rules = try #require(object["rules"] as? [[String: Any]])
            // Cumulative ballots: every main rule but Phragmén.
            #expect(rules.compactMap { $0["rule"] as? String } == ["greedy_cost", "mes_cost", "mes_cost_add1_util", "maxwelfare_cost"])
            for rule in rules {
                let share = try #require((rule["voters_with_funded_project"] as? NSNumber)?.doubleValue)
                #expect(share > 0 && share <= 1)
            }
            let differences = try #require(object["differences"] as? [[String: Any]])
            // greedy funds 22, equal shares does not.
            #expect(differences.contains { $0["id"] as? String == "22" })

            let text = try runPB("compare", PBFiles.fixture)
            #expect(text.standardOutput.contains("voters with a funded project"))
            #expect(text.standardOutput.contains("projects the rules disagree on"))
        }

        @Test(
            .enabled(
                if: PBFiles.sharedFile("Poland_Warszawa_2019_Rembertow.pb") != nil,
                "../shared/pabulib/Poland_Warszawa_2019_Rembertow.pb is absent"))
        func compareIncludesPhragmenForApprovalBallots() throws {
            let path = try #require(PBFiles.sharedFile("Poland_Warszawa_2019_Rembertow.pb"))
            let object = try pbJSONObject(try runPB("compare", path, "--json"))
            let rules = (object["rules"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            #expect(rules.contains("phragmen"))
        }

        @Test func statsDescribeTheFile() throws {
            let object = try pbJSONObject(try runPB("stats", PBFiles.fixture, "--json"))
            #expect((object["voters"] as? NSNumber)?.intValue == 74)
            #expect((object["projects"] as? NSNumber)?.intValue == 10)
            #expect((object["budget"] as? NSNumber)?.intValue == 500_000)
            #expect(object["vote_type"] as? String == "cumulative")
            let lengths = try #require(object["ballot_lengths"] as? [[String: Any]])
            #expect(lengths.reduce(0) { $0 + (($1["voters"] as? NSNumber)?.intValue ?? 0) } == 74)

            let text = try runPB("stats", PBFiles.fixture)
            #expect(text.standardOutput.contains("voters      74"))
            #expect(text.standardOutput.contains("projects per ballot"))
            #expect(text.standardOutput.contains(" | "))
        }

        @Test func generatedFilesAreDeterministicAndRankable() throws {
            let first = try PBFiles.temporaryFile("generated-a.pb")
            let second = try PBFiles.temporaryFile("generated-b.pb")
            let other = try PBFiles.temporaryFile("generated-c.pb")
            #expect(try runPB("generate", "--voters", "1500", "--projects", "25", "--seed", "3", "--out", first).status == 0)
            #expect(try runPB("generate", "--voters", "1500", "--projects", "25", "--seed", "3", "--out", second).status == 0)
            #expect(try runPB("generate", "--voters", "1500", "--projects", "25", "--seed", "4", "--out", other).status == 0)
            let a = try Data(contentsOf: URL(fileURLWithPath: first))
            #expect(a == (try Data(contentsOf: URL(fileURLWithPath: second))))
            #expect(a != (try Data(contentsOf: URL(fileURLWithPath: other))))

            let stats = try pbJSONObject(try runPB("stats", first, "--json"))
            #expect((stats["voters"] as? NSNumber)?.intValue == 1500)
            #expect((stats["projects"] as? NSNumber)?.intValue == 25)
            #expect(stats["vote_type"] as? String == "approval")
            let lengths = (stats["ballot_lengths"] as? [[String: Any]] ?? []).compactMap { ($0["length"] as? NSNumber)?.intValue }
            #expect(lengths.min() == 1 && lengths.max() == 10)
            let share = try #require((stats["cost_to_budget"] as? NSNumber)?.doubleValue)
            #expect(share >= 1 / 0.26 && share <= 1 / 0.14)

            for rule in ["greedy", "mes", "phragmen", "optimal"] {
                let result = try runPB("rank", first, "--rule", rule, "--json")
                #expect(result.status == 0, "\(rule): \(result.output)")
                let object = try pbJSONObject(result)
                let cost = try #require((object["cost"] as? NSNumber)?.intValue)
                #expect(cost > 0 && cost <= (object["budget"] as? NSNumber)?.intValue ?? 0)
                #expect(!(object["selected"] as? [String] ?? []).isEmpty)
            }
        }

        @Test func generateWritesToStandardOutputWithoutOut() throws {
            let result = try runPB("generate", "--voters", "5", "--projects", "3", "--seed", "9")
            #expect(result.status == 0)
            #expect(result.standardOutput.hasPrefix("META\nkey;value\n"))
            #expect(result.standardOutput.contains("VOTES\nvoter_id;vote\n"))
            #expect(result.standardOutput.split(separator: "\n").count == 16 + 3 + 2 + 5)
            let bad = try runPB("generate", "--voters", "5", "--projects", "0")
            #expect(bad.status == 1)
        }
    }
}

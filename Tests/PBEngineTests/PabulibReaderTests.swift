import Foundation
import Testing

@testable import PBEngine

/// A small file in the shape of real ones: CRLF endings, quoted values holding `;` and `""`,
/// names in Arabic and Polish, a decimal budget, a voter column with commas.
let smallFile = """
    META\r
    key;value\r
    description;"Commune de Berkane; cycle ""2025""\"\r
    budget;1250.5\r
    vote_type;approval\r
    PROJECTS\r
    project_id;cost;name;category;district\r
    BO.OM.97/24;500.25;"Jardin; ""Al Amal""\";environment,culture;Centre\r
    2022/PCD/0004;700;مكتبة الحي;education;None\r
    Ł3;40;Łąka kwietna;;\r
    VOTES\r
    voter_id;vote;age;district\r
    v1;BO.OM.97/24,Ł3;34;Borek, Gajowice\r
    v2;2022/PCD/0004;0;\r
    v3;;;\r

    """

/// Reads a fixture shipped with the tests.
func fixtureBytes(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try [UInt8](Data(contentsOf: url))
}

func sharedBytes(_ name: String) throws -> [UInt8] {
    let folder = try #require(SharedData.pabulib)
    return try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
}

/// Every difference between two documents, empty when they are equal.
func differences(_ a: PabulibDocument, _ b: PabulibDocument) -> [String] {
    var found: [String] = []
    func check<T: Equatable>(_ name: String, _ x: T, _ y: T) {
        if x != y { found.append("\(name): \(x) ≠ \(y)") }
    }
    check("projects", a.instance.projects, b.instance.projects)
    check("budget", a.instance.budget, b.instance.budget)
    check("scale", a.instance.scale, b.instance.scale)
    check("meta keys", a.instance.meta.map(\.key), b.instance.meta.map(\.key))
    check("meta values", a.instance.meta.map(\.value), b.instance.meta.map(\.value))
    check("voteType", a.voteType, b.voteType)
    check("ballots", a.ballots, b.ballots)
    check("voterIDs", a.voterIDs, b.voterIDs)
    check("voterColumns", a.voterColumns, b.voterColumns)
    check("voterValues", a.voterValues, b.voterValues)
    check("projectColumns", a.projectColumns, b.projectColumns)
    check("projectValues", a.projectValues, b.projectValues)
    return found
}

/// The message of the error reading `text` throws, or nil when it reads.
func readError(_ text: String) -> PabulibError? {
    do {
        _ = try PabulibReader.read(Array(text.utf8))
        return nil
    } catch let error as PabulibError {
        return error
    } catch {
        return PabulibError(line: 0, message: "unexpected \(error)")
    }
}

@Suite("Pabulib reader")
struct PabulibReaderTests {
    @Test("Quoted fields keep ; and \"\", ids and names are exact, decimal money is scaled")
    func quotedFieldsAndExactValues() throws {
        let document = try PabulibReader.read(Array(smallFile.utf8))
        let instance = document.instance
        #expect(instance.metaValue("description") == "Commune de Berkane; cycle \"2025\"")
        #expect(instance.projects.map(\.id) == ["BO.OM.97/24", "2022/PCD/0004", "Ł3"])
        #expect(instance.scale == 2)
        #expect(instance.budget == 125_050)
        #expect(instance.projects.map(\.cost) == [50_025, 70_000, 4_000])
        #expect(instance.format(instance.budget) == "1250.5")
        #expect(instance.projects[0].name == "Jardin; \"Al Amal\"")
        #expect(instance.projects[1].name == "مكتبة الحي")
        #expect(instance.projects[0].categories == ["environment", "culture"])
        #expect(instance.projects[2].categories == [])
        #expect(instance.projects.map(\.district) == ["Centre", nil, nil])
        #expect(document.projectColumns == ["name", "category", "district"])
        #expect(document.projectValues[1] == ["مكتبة الحي", "education", "None"])
        #expect(document.voteType == .approval)
        #expect(document.voterIDs == ["v1", "v2", "v3"])
        #expect(document.voterColumns == ["age", "district"])
        #expect(document.voterValues == [["34", "Borek, Gajowice"], ["0", ""], ["", ""]])
        #expect(document.ballots.map { $0.entries.map(\.project) } == [[0, 2], [1], []])
        #expect(document.ballots.allSatisfy { $0.entries.allSatisfy { $0.value == 1 } })
    }

    @Test("Budgets and costs like 1404775.68, 50000.0 and 12,5 are read exactly")
    func decimalMoney() throws {
        func read(budget: String, costs: [String]) throws -> Instance {
            let projects = costs.enumerated().map { "p\($0.offset);\($0.element)" }.joined(separator: "\n")
            let text = "META\nkey;value\nbudget;\(budget)\nvote_type;approval\nPROJECTS\nproject_id;cost\n\(projects)\nVOTES\nvoter_id;vote\n"
            return try PabulibReader.read(Array(text.utf8)).instance
        }
        let krakow = try read(budget: "1404775.68", costs: ["500000", "14000"])
        #expect(krakow.scale == 2 && krakow.budget == 140_477_568 && krakow.projects.map(\.cost) == [50_000_000, 1_400_000])
        // The scale is the most decimals written, trailing zeros included.
        let padded = try read(budget: "50000.0", costs: ["1000"])
        #expect(padded.scale == 1 && padded.budget == 500_000 && padded.projects[0].cost == 10_000)
        // pabutools reads `,` as a decimal mark.
        let comma = try read(budget: "100", costs: ["12,5"])
        #expect(comma.scale == 1 && comma.budget == 1_000 && comma.projects[0].cost == 125)
        // More than a Double can hold exactly.
        let large = try read(budget: "9007199254740993", costs: ["1"])
        #expect(large.budget == 9_007_199_254_740_993)
    }

    @Test("A project listed twice in one ballot counts once, as in pabutools")
    func duplicatesInBallots() throws {
        func ballots(_ voteType: String, _ votes: String, header: String = "voter_id;vote") throws -> [[Ballot.Entry]] {
            let text = """
                META
                key;value
                budget;10
                vote_type;\(voteType)
                PROJECTS
                project_id;cost
                a;1
                b;2
                c;3
                VOTES
                \(header)
                \(votes)
                """
            return try PabulibReader.read(Array(text.utf8)).ballots.map(\.entries)
        }
        typealias E = Ballot.Entry
        // Approval: a set; empty names between commas are skipped.
        #expect(try ballots("approval", "1;a,b,a,,c") == [[E(project: 0, value: 1), E(project: 1, value: 1), E(project: 2, value: 1)]])
        #expect(try ballots("choose-1", "1;b,b") == [[E(project: 1, value: 1)]])
        // Ordinal: the first position stays, later mentions are dropped and positions close up.
        #expect(try ballots("ordinal", "1;b,a,b,c") == [[E(project: 1, value: 0), E(project: 0, value: 1), E(project: 2, value: 2)]])
        // Cumulative and scoring: a dict — first position, points given last.
        #expect(
            try ballots("cumulative", "1;a,b,a;1,2,3", header: "voter_id;vote;points")
                == [[E(project: 0, value: 3), E(project: 1, value: 2)]])
        #expect(
            try ballots("scoring", "1;c,a,c;-1,2,5", header: "voter_id;vote;points")
                == [[E(project: 2, value: 5), E(project: 0, value: 2)]])
    }

    @Test("Ordinal points are max_length − position with META max_length, else the ballot's own length − position")
    func ordinalMaxLength() throws {
        func profile(meta: String) throws -> Profile {
            let text = "META\nkey;value\nbudget;10\nvote_type;ordinal\n\(meta)PROJECTS\nproject_id;cost\na;1\nb;2\nc;3\nd;4\nVOTES\nvoter_id;vote\n1;a,b\n2;c\n"
            return try PabulibReader.read(Array(text.utf8)).profile
        }
        let declared = try profile(meta: "max_length;3\n")
        #expect(declared.maxLength == 3)
        let first = declared.groups[0].ballot, second = declared.groups[1].ballot
        #expect(declared.points(Ballot.Entry(project: 0, value: 0), of: first) == 3)
        #expect(declared.points(Ballot.Entry(project: 1, value: 1), of: first) == 2)
        #expect(declared.points(Ballot.Entry(project: 2, value: 0), of: second) == 3)
        // Without max_length, as pabutools: "a,b" gives a 2 and b 1; "c" alone gives c 1.
        let undeclared = try profile(meta: "")
        #expect(undeclared.maxLength == nil)
        #expect(undeclared.points(Ballot.Entry(project: 0, value: 0), of: first) == 2)
        #expect(undeclared.points(Ballot.Entry(project: 1, value: 1), of: first) == 1)
        #expect(undeclared.points(Ballot.Entry(project: 2, value: 0), of: second) == 1)
        // A ballot longer than the declared length raises it, so no ranked project is worth 0.
        #expect(try profile(meta: "max_length;1\n").maxLength == 2)
    }

    @Test("The fixture reads: 74 cumulative ballots, quoted META with \"\"")
    func fixture() throws {
        let document = try PabulibReader.read(try fixtureBytes("Worldwide_Mechanical_Turk_Utilities_3.pb"))
        #expect(document.voteType == .cumulative)
        #expect(document.ballots.count == 74)
        #expect(document.instance.projects.count == 10)
        #expect(document.instance.budget == 500_000 && document.instance.scale == 0)
        #expect(document.voterColumns == ["age", "sex", "education"])
        #expect(document.instance.metaValue("acknowledgments")?.contains("\"Participatory Budgeting Design for the Real World\"") == true)
        // META says 100 points each (min and max), yet 11 ballots spend 99: read as written.
        let spent = document.ballots.map { $0.entries.reduce(0) { $0 + $1.value } }
        #expect(spent.filter { $0 == 100 }.count == 63 && spent.filter { $0 == 99 }.count == 11)
    }

    @Test("Feeding a small file in two chunks split at every byte gives the same document")
    func everySplitPosition() throws {
        let bytes = Array(smallFile.utf8)
        let whole = try PabulibReader.read(bytes)
        for split in 0...bytes.count {
            var reader = PabulibReader()
            try bytes[..<split].withUnsafeBytes { try reader.consume($0) }
            try bytes[split...].withUnsafeBytes { try reader.consume($0) }
            let chunked = try reader.finish()
            #expect(differences(whole, chunked) == [], "split at byte \(split)")
        }
    }

    @Test("Feeding the fixture one byte at a time, or in uneven chunks, gives the same document")
    func byteByByte() throws {
        let bytes = try fixtureBytes("Worldwide_Mechanical_Turk_Utilities_3.pb")
        let whole = try PabulibReader.read(bytes)
        for chunkSize in [1, 2, 3, 7, 64, 1000] {
            var reader = PabulibReader()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                try bytes[start..<end].withUnsafeBytes { try reader.consume($0) }
                start = end
            }
            #expect(differences(whole, try reader.finish()) == [], "chunks of \(chunkSize)")
        }
    }

    @Test("No final line ending, LF or CRLF endings, a byte-order mark and blank lines read the same")
    func lineEndings() throws {
        let crlf = try PabulibReader.read(Array(smallFile.utf8))
        let lf = try PabulibReader.read(Array(smallFile.replacingOccurrences(of: "\r\n", with: "\n").utf8))
        let unterminated = try PabulibReader.read(Array(smallFile.dropLast(1).utf8))
        let bom = try PabulibReader.read([0xEF, 0xBB, 0xBF] + Array(smallFile.utf8))
        let blank = try PabulibReader.read(Array(smallFile.replacingOccurrences(of: "PROJECTS\r\n", with: "\r\n  \r\nPROJECTS\r\n").utf8))
        for other in [lf, unterminated, bom, blank] { #expect(differences(crlf, other) == []) }
    }

    /// A valid file whose line numbers the malformed cases below refer to.
    static let valid = """
        META
        key;value
        budget;100
        vote_type;cumulative
        PROJECTS
        project_id;cost;name
        a;10;Alpha
        b;20;Beta
        VOTES
        voter_id;vote;points
        1;a,b;1,2
        2;b;3

        """

    static let malformed: [(edit: @Sendable (String) -> String, line: Int, expected: String)] = [
        ({ $0.replacingOccurrences(of: "META\nkey;value\n", with: "") }, 1, "expected the META section first"),
        ({ $0.replacingOccurrences(of: "budget;100\n", with: "") }, 4, "expected a budget in META"),
        ({ $0.replacingOccurrences(of: "budget;100", with: "budget;1 000") }, 3, "expected the budget as a non-negative decimal"),
        ({ $0.replacingOccurrences(of: "vote_type;cumulative", with: "vote_type;approve") }, 4, "expected vote_type approval, choose-1"),
        ({ $0.replacingOccurrences(of: "key;value\n", with: "key;value\ncomment;a;b\n") }, 3, "expected key;value (2 fields)"),
        ({ $0.replacingOccurrences(of: "project_id;cost;name", with: "id;cost;name") }, 6, "expected a project_id column"),
        ({ $0.replacingOccurrences(of: "a;10;Alpha", with: "a;ten;Alpha") }, 7, "expected the cost of project \"a\" as a non-negative decimal number, found \"ten\""),
        ({ $0.replacingOccurrences(of: "a;10;Alpha", with: "a;-10;Alpha") }, 7, "expected the cost of project \"a\""),
        ({ $0.replacingOccurrences(of: "b;20;Beta", with: "b;20") }, 8, "expected 3 fields as in the PROJECTS header, found 2"),
        ({ $0.replacingOccurrences(of: "b;20;Beta", with: "a;20;Beta") }, 8, "found \"a\" again (first on line 7)"),
        ({ $0.replacingOccurrences(of: "b;20;Beta", with: "b;20;\"Beta") }, 8, "expected a closing \" in field 3"),
        ({ $0.replacingOccurrences(of: "b;20;Beta", with: "b;20;\"Be\"ta") }, 8, "expected ; or the end of the line after the closing \""),
        ({ $0.replacingOccurrences(of: "1;a,b;1,2", with: "1;a,z;1,2") }, 11, "expected a project listed in PROJECTS in the vote, found \"z\""),
        ({ $0.replacingOccurrences(of: "1;a,b;1,2", with: "1;a,b;1") }, 11, "expected as many points as projects in the vote, found fewer"),
        ({ $0.replacingOccurrences(of: "1;a,b;1,2", with: "1;a,b;1,2,3") }, 11, "expected as many points as projects in the vote, found more"),
        ({ $0.replacingOccurrences(of: "1;a,b;1,2", with: "1;a,b;1,x") }, 11, "expected a non-negative whole number of points at position 2, found \"x\""),
        ({ $0.replacingOccurrences(of: "2;b;3", with: "2;b") }, 12, "expected 3 fields as in the VOTES header, found 2"),
        ({ $0.replacingOccurrences(of: "voter_id;vote;points", with: "voter_id;vote") }, 10, "expected a points column"),
        ({ $0.replacingOccurrences(of: "VOTES\n", with: "") }, 9, "expected the cost of project \"voter_id\""),
        ({ String($0[..<$0.range(of: "VOTES")!.lowerBound]) }, 9, "expected the VOTES section, found the end of the file"),
        ({ $0.replacingOccurrences(of: "voter_id;vote;points\n1;a,b;1,2\n2;b;3\n", with: "") }, 10, "expected the VOTES header line, found the end of the file"),
        ({ $0.replacingOccurrences(of: "PROJECTS", with: "VOTES") }, 5, "expected the PROJECTS section, found VOTES"),
        ({ $0.replacingOccurrences(of: "Beta", with: "B\u{FFFD}ta") }, 8, "expected UTF-8 text, found byte 0xFF at column 7"),
        // Numbers past 64 bits are too large, not "not a number".
        ({ $0.replacingOccurrences(of: "budget;100", with: "budget;9223372036854775808") }, 3, "expected a budget of at most 9223372036854775807"),
        ({ $0.replacingOccurrences(of: "a;10;Alpha", with: "a;9223372036854775808;Alpha") }, 7, "expected the cost of project \"a\" to be at most 9223372036854775807"),
        ({ $0.replacingOccurrences(of: "1;a,b;1,2", with: "1;a,b;1,99999999999999999999") }, 11, "expected points of at most 9223372036854775807 at position 2"),
        // Fits alone, but not once the other amounts' decimals are added to it.
        ({ $0.replacingOccurrences(of: "a;10;Alpha", with: "a;922337203685477581;Alpha").replacingOccurrences(of: "b;20;Beta", with: "b;20.5;Beta") }, 7, "expected a cost of at most 9223372036854775807 in units of 10^-1"),
    ]

    @Test("A malformed file is rejected with its line and what was expected", arguments: malformed.indices)
    func malformedFiles(case index: Int) throws {
        let (edit, line, expected) = Self.malformed[index]
        var text = edit(Self.valid)
        var bytes = Array(text.utf8)
        // U+FFFD stands for a byte that is not UTF-8 at all.
        if let marker = text.range(of: "\u{FFFD}") {
            let offset = text.utf8.distance(from: text.startIndex, to: marker.lowerBound)
            bytes.replaceSubrange(offset..<offset + 3, with: [0xFF])
            text = ""
        }
        do {
            _ = try PabulibReader.read(bytes)
            Issue.record("case \(index) was read; expected line \(line): \(expected)")
        } catch let error as PabulibError {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(expected), "\(error)")
            #expect(error.description == "line \(error.line): \(error.message)")
        }
    }

    @Test("The valid base of the malformed cases reads")
    func validBase() throws {
        let document = try PabulibReader.read(Array(Self.valid.utf8))
        #expect(document.ballots.map { $0.entries.map(\.value) } == [[1, 2], [3]])
    }

    @Test(
        "Every shared Pabulib file reads and matches what pabutools counted",
        .enabled(if: SharedData.golden != nil, "../shared/pabulib absent: skipped"),
        arguments: SharedData.pabulibFileNames)
    func sharedFileMatchesGolden(name: String) throws {
        let document = try PabulibReader.read(try sharedBytes(name))
        let goldenURL = try #require(SharedData.golden).appendingPathComponent(name.replacingOccurrences(of: ".pb", with: ".json"))
        let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: goldenURL)) as? [String: Any])
        let instance = document.instance

        #expect(document.ballots.count == golden["n_voters"] as? Int)
        #expect(document.voterIDs.count == document.ballots.count && document.voterValues.count == document.ballots.count)
        let goldenMeta = try #require(golden["meta"] as? [String: String])
        #expect(instance.metaValue("budget") == goldenMeta["budget"])
        let power = (0..<instance.scale).reduce(1.0) { value, _ in value * 10 }
        #expect(Double(instance.budget) / power == (golden["budget"] as? NSNumber)?.doubleValue)
        #expect(document.voteType == VoteType(rawValue: goldenMeta["vote_type"] == "choose-1" ? "approval" : goldenMeta["vote_type"]!))

        let projects = try #require(golden["projects"] as? [String: [String: Any]])
        #expect(Set(instance.projects.map(\.id)) == Set(projects.keys))
        let profile = document.profile
        var supporters = Array(repeating: 0, count: instance.projects.count)
        var points = Array(repeating: 0, count: instance.projects.count)
        for ballot in document.ballots {
            for entry in ballot.entries {
                supporters[entry.project] += 1
                points[entry.project] += profile.points(entry, of: ballot)
            }
        }
        var scaleFactor = 1
        for _ in 0..<instance.scale { scaleFactor *= 10 }
        for (index, project) in instance.projects.enumerated() {
            let expected = try #require(projects[project.id], "\(project.id)")
            #expect(project.cost == (expected["cost"] as? Int).map { $0 * scaleFactor }, "cost of \(project.id)")
            #expect(supporters[index] == expected["supporters"] as? Int, "supporters of \(project.id)")
            if let expectedPoints = expected["points"] as? Int {
                #expect(points[index] == expectedPoints, "points of \(project.id)")
            }
        }
    }
}

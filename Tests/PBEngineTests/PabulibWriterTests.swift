import Foundation
import Testing

@testable import PBEngine

/// Draws on `SplitMix64`: a fixed seed gives the same documents on every run and platform.
private struct DocumentRandom {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...choices.count - 1)] }

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        for i in items.indices.reversed() where i > 0 { items.swapAt(i, int(0...i)) }
        return items
    }
}

/// Random documents that a `.pb` file can hold (see `PabulibWriter`), with text that needs
/// quoting (`;`, `"`), commas, and names in several scripts.
private struct DocumentGenerator {
    var random: DocumentRandom

    /// Characters values are drawn from; a value is trimmed of blanks afterwards, as files are.
    static let pieces = ["a", "Z", "7", "0", ".", "/", "-", "_", " ", ";", "\"", ",", "ł", "ż", "م", "ك", "ⵣ", "é", "'", "(", "🙂"]
    static let sections: Set<String> = ["meta", "projects", "votes"]

    mutating func text(_ length: ClosedRange<Int>, excluding excluded: Set<String> = []) -> String {
        while true {
            var value = ""
            for _ in 0..<random.int(length) {
                let piece = random.pick(Self.pieces)
                if !excluded.contains(piece) { value += piece }
            }
            value = value.trimmingCharacters(in: .whitespaces)
            if !Self.sections.contains(value.lowercased()) { return value }
        }
    }

    mutating func document() -> PabulibDocument {
        let voteType = random.pick([VoteType.approval, .cumulative, .ordinal, .scoring])
        let scale = random.int(0...3)

        // Projects: unique ids without commas (they would split the vote list), never empty.
        var ids: [String] = []
        for _ in 0..<random.int(0...12) {
            var id = text(1...8, excluding: [","])
            while id.isEmpty || ids.contains(id) { id = text(1...8, excluding: [","]) }
            ids.append(id)
        }
        let projectColumns = random.shuffled(["name", "category", "district", "votes", "selected"].filter { _ in random.chance(60) })
        var projects: [Project] = []
        var projectValues: [[String]] = []
        for id in ids {
            var values: [String] = []
            for column in projectColumns {
                switch column {
                case "category": values.append((0..<random.int(0...3)).map { _ in text(1...6, excluding: [","]) }.joined(separator: ","))
                case "district": values.append(random.chance(20) ? "None" : text(0...10))
                default: values.append(text(0...12))
                }
            }
            func value(_ column: String) -> String? { projectColumns.firstIndex(of: column).map { values[$0] } }
            let fields = ProjectColumns(name: value("name"), category: value("category"), district: value("district"))
            let cost = random.int(0...2_000_000)
            projects.append(Project(id: id, cost: cost, name: fields.name, categories: fields.categories, district: fields.district))
            projectValues.append(values)
        }

        var ballots: [Ballot] = []
        var voterIDs: [String] = []
        var voterValues: [[String]] = []
        let pointed = voteType == .cumulative || voteType == .scoring
        var voterColumnChoices = ["age", "sex", "voting_method", "district", "education"]
        if !pointed { voterColumnChoices.append("points") }  // an ordinary column for these ballots
        let voterColumns = random.shuffled(voterColumnChoices.filter { _ in random.chance(50) })
        for _ in 0..<random.int(0...30) {
            let chosen = random.shuffled(Array(projects.indices)).prefix(random.int(0...projects.count))
            let entries = chosen.enumerated().map { position, project in
                switch voteType {
                case .approval: Ballot.Entry(project: project, value: 1)
                case .ordinal: Ballot.Entry(project: project, value: position)
                case .cumulative: Ballot.Entry(project: project, value: random.int(0...100))
                case .scoring: Ballot.Entry(project: project, value: random.int(-5...10))
                }
            }
            ballots.append(Ballot(entries: entries))
            voterIDs.append(text(0...6))
            voterValues.append(voterColumns.map { _ in text(0...10) })
        }

        let budget = random.int(0...50_000_000)
        var meta: [(key: String, value: String)] = [("description", text(0...30))]
        if random.chance(50) { meta.append(("comment", text(0...40))) }
        meta.append(("budget", formatAmount(budget, scale: scale, decimals: scale)))
        meta.append(("vote_type", voteType == .approval && random.chance(30) ? "choose-1" : voteType.rawValue))
        if voteType == .ordinal, random.chance(50) { meta.append(("max_length", String(projects.count))) }
        return PabulibDocument(
            instance: Instance(projects: projects, budget: budget, scale: scale, meta: meta),
            voteType: voteType, ballots: ballots, voterIDs: voterIDs,
            voterColumns: voterColumns, voterValues: voterValues,
            projectColumns: projectColumns, projectValues: projectValues)
    }
}

@Suite("Pabulib writer")
struct PabulibWriterTests {
    @Test("Generated documents read back equal after writing", arguments: 0..<200)
    func generatedRoundTrip(seed: Int) throws {
        var generator = DocumentGenerator(random: DocumentRandom(seed: UInt64(seed)))
        let document = generator.document()
        let text = PabulibWriter.write(document)
        let read = try PabulibReader.read(Array(text.utf8))
        #expect(differences(document, read) == [], "seed \(seed):\n\(text)")
        #expect(PabulibWriter.write(read) == text)
    }

    @Test("The fixture and the small file read back equal after writing")
    func fixtureRoundTrip() throws {
        for bytes in [try fixtureBytes("Worldwide_Mechanical_Turk_Utilities_3.pb"), Array(smallFile.utf8)] {
            let document = try PabulibReader.read(bytes)
            let text = PabulibWriter.write(document)
            #expect(differences(document, try PabulibReader.read(Array(text.utf8))) == [])
        }
    }

    @Test(
        "Every shared Pabulib file reads back equal after writing",
        .enabled(if: SharedData.pabulib != nil, "../shared/pabulib absent: skipped"),
        arguments: SharedData.pabulibFileNames)
    func sharedRoundTrip(name: String) throws {
        let document = try PabulibReader.read(try sharedBytes(name))
        let text = PabulibWriter.write(document)
        let again = try PabulibReader.read(Array(text.utf8))
        #expect(differences(document, again) == [])
        #expect(PabulibWriter.write(again) == text)
    }

    @Test("Quoting: ; and \" are quoted with \"\" doubled, plain text is not")
    func quoting() {
        #expect(PabulibWriter.field("Jardin; \"Al Amal\"") == "\"Jardin; \"\"Al Amal\"\"\"")
        #expect(PabulibWriter.field("Borek, Gajowice") == "Borek, Gajowice")
        #expect(PabulibWriter.field("مكتبة الحي") == "مكتبة الحي")
        #expect(PabulibWriter.field("two\nlines") == "two lines")
    }

    @Test("A decimal cost under a whole budget keeps the scale: costs are padded")
    func scaleSurvives() throws {
        let text = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;5.5\nb;7\nVOTES\nvoter_id;vote\n1;a\n"
        let document = try PabulibReader.read(Array(text.utf8))
        let written = PabulibWriter.write(document)
        #expect(written.contains("budget;100\n") && written.contains("a;5.5\n") && written.contains("b;7.0\n"))
        #expect(differences(document, try PabulibReader.read(Array(written.utf8))) == [])
    }

    @Test("A document built in code gets budget, vote_type and project columns from its fields")
    func documentBuiltInCode() throws {
        let document = PabulibDocument(
            instance: Instance(
                projects: [
                    Project(id: "p1", cost: 12_050, name: "Fontaine; place", categories: ["water", "public space"], district: "Est"),
                    Project(id: "p2", cost: 800),
                ],
                budget: 20_000, scale: 2),
            voteType: .ordinal,
            ballots: [Ballot(entries: [Ballot.Entry(project: 1, value: 0), Ballot.Entry(project: 0, value: 1)])],
            voterIDs: ["x"])
        let read = try PabulibReader.read(Array(PabulibWriter.write(document).utf8))
        #expect(read.instance.projects == document.instance.projects)
        #expect(read.instance.budget == 20_000 && read.instance.scale == 2)
        #expect(read.instance.metaValue("vote_type") == "ordinal" && read.instance.metaValue("budget") == "200.00")
        #expect(read.ballots == document.ballots)
        #expect(read.projectColumns == ["name", "category", "district"])
    }

    @Test("A renamed project is written under its new name; choose-1 stays choose-1")
    func editedDocument() throws {
        let text = "META\nkey;value\nbudget;10\nvote_type;choose-1\nPROJECTS\nproject_id;cost;name;votes\na;5;Old;3\nVOTES\nvoter_id;vote\n1;a\n"
        var document = try PabulibReader.read(Array(text.utf8))
        let old = document.instance.projects[0]
        document.instance.projects[0] = Project(id: old.id, cost: old.cost, name: "New", categories: old.categories, district: old.district)
        let written = PabulibWriter.write(document)
        #expect(written.contains("a;5;New;3\n"))
        #expect(written.contains("vote_type;choose-1\n"))
    }
}

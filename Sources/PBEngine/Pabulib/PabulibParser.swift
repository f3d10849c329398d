/// The section-by-section state of a `.pb` file being read: what each line means depends on the
/// section it is in, and errors name the line and what was expected there.
struct PabulibParser {
    private enum Section: String { case none = "", meta = "META", projects = "PROJECTS", votes = "VOTES" }

    private var section = Section.none
    private var expectingHeader = false
    private(set) var lineNumber = 0

    // META
    private var meta: [(key: String, value: String)] = []
    /// Line of the last occurrence of a META key the reader interprets (pabutools keeps the last).
    private var metaLines: [String: Int] = [:]
    private var voteType = VoteType.approval
    private var budget = DecimalAmount(mantissa: 0, decimals: 0)

    // PROJECTS
    private var projectFieldCount = 0
    private var projectIDField = 0, costField = 0
    private var nameField: Int?, categoryField: Int?, districtField: Int?
    private var projectColumns: [String] = []
    private var projectColumnFields: [Int] = []
    private var projectTable = ByteKeyTable()
    private var projectIDs: [String] = []
    private var projectLines: [Int] = []
    private var costs: [DecimalAmount] = []
    private var names: [String] = []
    private var categories: [[String]] = []
    private var districts: [String?] = []
    private var projectValues: [[String]] = []

    // VOTES
    private var voteFieldCount = 0
    private var voterIDField = 0, voteField = 0
    private var pointsField: Int?
    private var voterColumns: [String] = []
    private var voterColumnFields: [Int] = []
    private var voterColumnValues: [ValueInterner] = []
    private var ballots: [Ballot] = []
    private var voterIDs: [String] = []
    private var voterValues: [[String]] = []
    /// Per project, the 1-based number of the last ballot that named it and where in that ballot,
    /// so a project listed twice in one ballot is found in O(1) without clearing anything.
    private var seenInBallot: [Int] = []
    private var slotInBallot: [Int] = []

    mutating func startLine() -> Int {
        lineNumber += 1
        return lineNumber
    }

    private func fail(_ message: String) -> PabulibError { PabulibError(line: lineNumber, message: message) }

    // MARK: Lines

    mutating func handle(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        // pabutools skips empty lines and lines holding only blanks, in every section.
        if fields.count == 1, fields[0].isEmpty { return }
        if let next = Self.sectionMarker(bytes, fields[0]) { return try enter(next) }
        if expectingHeader {
            expectingHeader = false
            switch section {
            case .meta: return
            case .projects: return try readProjectHeader(bytes, fields)
            case .votes: return try readVoteHeader(bytes, fields)
            case .none: break
            }
        }
        switch section {
        case .votes: try readVoter(bytes, fields)
        case .projects: try readProject(bytes, fields)
        case .meta: try readMeta(bytes, fields)
        case .none: throw fail("expected the META section first, found \(Self.quote(bytes, fields[0]))")
        }
    }

    /// A line whose first field is `META`, `PROJECTS` or `VOTES` (any case) opens that section, as
    /// in pabutools; they must come in that order, once each.
    private static func sectionMarker(_ bytes: UnsafeRawBufferPointer, _ field: Range<Int>) -> Section? {
        guard !field.isEmpty else { return nil }
        // Called for every line: decide on the first byte and length before comparing anything.
        let section: Section, word: StaticString
        switch (bytes[field.lowerBound] | 0x20, field.count) {
        case (UInt8(ascii: "m"), 4): (section, word) = (.meta, "meta")
        case (UInt8(ascii: "p"), 8): (section, word) = (.projects, "projects")
        case (UInt8(ascii: "v"), 5): (section, word) = (.votes, "votes")
        default: return nil
        }
        // `| 0x20` lowercases ASCII letters; only letters can then equal the lowercase word.
        for (offset, expected) in UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount).enumerated()
        where bytes[field.lowerBound + offset] | 0x20 != expected {
            return nil
        }
        return section
    }

    private mutating func enter(_ next: Section) throws {
        if expectingHeader { throw fail("expected the \(section.rawValue) header line, found the \(next.rawValue) section") }
        let expected: Section
        switch section {
        case .none: expected = .meta
        case .meta: expected = .projects
        case .projects: expected = .votes
        case .votes: throw fail("expected no section after VOTES, found \(next.rawValue)")
        }
        guard next == expected else { throw fail("expected the \(expected.rawValue) section, found \(next.rawValue)") }
        if next == .projects { try closeMeta() }
        if next == .votes {
            seenInBallot = Array(repeating: 0, count: projectIDs.count)
            slotInBallot = Array(repeating: 0, count: projectIDs.count)
            // META's count of votes sizes the per-voter arrays once instead of by doubling; it is
            // only a hint (files are not always right), capped so a wrong one cannot waste memory.
            if let hint = meta.last(where: { $0.key == "num_votes" }).flatMap({ Int($0.value) }), hint > 0 {
                let capacity = min(hint, 1 << 21)
                ballots.reserveCapacity(capacity)
                voterIDs.reserveCapacity(capacity)
                voterValues.reserveCapacity(capacity)
            }
        }
        section = next
        expectingHeader = true
    }

    // MARK: META

    private mutating func readMeta(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        guard fields.count == 2 else { throw fail("expected key;value (2 fields) in META, found \(fields.count) fields") }
        let key = Self.string(bytes, fields[0])
        meta.append((key, Self.string(bytes, fields[1])))
        metaLines[key] = lineNumber
    }

    /// Interprets the META keys the rest of the file depends on, before any project is read.
    private mutating func closeMeta() throws {
        func last(_ key: String) -> (value: String, line: Int)? {
            guard let line = metaLines[key], let entry = meta.last(where: { $0.key == key }) else { return nil }
            return (entry.value, line)
        }
        guard let (budgetText, budgetLine) = last("budget") else {
            throw fail("expected a budget in META before PROJECTS")
        }
        let budgetBytes = Array(budgetText.utf8)
        guard let amount = budgetBytes.withUnsafeBytes({ DecimalAmount($0) }) else {
            if budgetBytes.withUnsafeBytes({ DecimalAmount.isWrittenAsAmount($0) }) {
                throw PabulibError(
                    line: budgetLine,
                    message: "expected a budget of at most \(DecimalAmount.largest) in the file's smallest unit (the largest amount the engine takes), found \"\(budgetText)\"")
            }
            throw PabulibError(line: budgetLine, message: "expected the budget as a non-negative decimal number, found \"\(budgetText)\"")
        }
        budget = amount
        guard let (typeText, typeLine) = last("vote_type") else {
            throw fail("expected a vote_type in META before PROJECTS")
        }
        switch typeText {
        case "approval", "choose-1": voteType = .approval
        case "cumulative": voteType = .cumulative
        case "ordinal": voteType = .ordinal
        case "scoring": voteType = .scoring
        default:
            throw PabulibError(
                line: typeLine,
                message: "expected vote_type approval, choose-1, cumulative, ordinal or scoring, found \"\(typeText)\"")
        }
        // pabutools reads max_length as an integer whatever the vote type.
        if let (lengthText, lengthLine) = last("max_length"), !lengthText.isEmpty, Int(lengthText) == nil {
            throw PabulibError(line: lengthLine, message: "expected max_length as a whole number, found \"\(lengthText)\"")
        }
    }

    // MARK: PROJECTS

    private mutating func readProjectHeader(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        projectFieldCount = fields.count
        var idField: Int?, cost: Int?
        for (index, range) in fields.enumerated() {
            let column = Self.string(bytes, range)
            switch column {
            case "project_id":
                if idField != nil { throw fail("expected one project_id column in the PROJECTS header, found two") }
                idField = index
            case "cost":
                if cost != nil { throw fail("expected one cost column in the PROJECTS header, found two") }
                cost = index
            default:
                switch column {
                case "name": nameField = nameField ?? index
                case "category", "categories": categoryField = categoryField ?? index
                case "district": districtField = districtField ?? index
                default: break
                }
                projectColumns.append(column)
                projectColumnFields.append(index)
            }
        }
        guard let idField else { throw fail("expected a project_id column in the PROJECTS header") }
        guard let cost else { throw fail("expected a cost column in the PROJECTS header") }
        projectIDField = idField
        costField = cost
    }

    private mutating func readProject(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        guard fields.count == projectFieldCount else {
            throw fail("expected \(projectFieldCount) fields as in the PROJECTS header, found \(fields.count)")
        }
        let idRange = fields[projectIDField]
        guard !idRange.isEmpty else { throw fail("expected a project id in field \(projectIDField + 1)") }
        let id = UnsafeRawBufferPointer(rebasing: bytes[idRange])
        if let earlier = projectTable.insert(id) {
            throw fail("expected each project once, found \(Self.quote(bytes, idRange)) again (first on line \(projectLines[earlier]))")
        }
        guard let cost = DecimalAmount(UnsafeRawBufferPointer(rebasing: bytes[fields[costField]])) else {
            if DecimalAmount.isWrittenAsAmount(UnsafeRawBufferPointer(rebasing: bytes[fields[costField]])) {
                throw fail("expected the cost of project \(Self.quote(bytes, idRange)) to be at most \(DecimalAmount.largest) in the file's smallest unit (the largest amount the engine takes), found \(Self.quote(bytes, fields[costField]))")
            }
            throw fail("expected the cost of project \(Self.quote(bytes, idRange)) as a non-negative decimal number, found \(Self.quote(bytes, fields[costField]))")
        }
        projectIDs.append(Self.string(bytes, idRange))
        projectLines.append(lineNumber)
        costs.append(cost)
        let values = projectColumnFields.map { Self.string(bytes, fields[$0]) }
        func value(_ field: Int?) -> String? {
            guard let field, let position = projectColumnFields.firstIndex(of: field) else { return nil }
            return values[position]
        }
        let parsed = ProjectColumns(name: value(nameField), category: value(categoryField), district: value(districtField))
        names.append(parsed.name)
        categories.append(parsed.categories)
        districts.append(parsed.district)
        projectValues.append(values)
    }

    // MARK: VOTES

    private mutating func readVoteHeader(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        voteFieldCount = fields.count
        var idField: Int?, vote: Int?
        for (index, range) in fields.enumerated() {
            let column = Self.string(bytes, range)
            switch column {
            case "voter_id":
                if idField != nil { throw fail("expected one voter_id column in the VOTES header, found two") }
                idField = index
            case "vote":
                if vote != nil { throw fail("expected one vote column in the VOTES header, found two") }
                vote = index
            case "points" where voteType == .cumulative || voteType == .scoring:
                if pointsField != nil { throw fail("expected one points column in the VOTES header, found two") }
                pointsField = index
            default:
                voterColumns.append(column)
                voterColumnFields.append(index)
            }
        }
        voterColumnValues = Array(repeating: ValueInterner(), count: voterColumns.count)
        guard let idField else { throw fail("expected a voter_id column in the VOTES header") }
        guard let vote else { throw fail("expected a vote column in the VOTES header") }
        if pointsField == nil, voteType == .cumulative || voteType == .scoring {
            throw fail("expected a points column in the VOTES header of \(voteType.rawValue) ballots")
        }
        voterIDField = idField
        voteField = vote
    }

    private mutating func readVoter(_ bytes: UnsafeRawBufferPointer, _ fields: [Range<Int>]) throws {
        guard fields.count == voteFieldCount else {
            throw fail("expected \(voteFieldCount) fields as in the VOTES header, found \(fields.count)")
        }
        let ballot: Ballot
        switch voteType {
        case .approval, .ordinal: ballot = try rankedOrApproved(bytes, fields[voteField])
        case .cumulative, .scoring: ballot = try pointed(bytes, fields[voteField], fields[pointsField!])
        }
        ballots.append(ballot)
        voterIDs.append(Self.string(bytes, fields[voterIDField]))
        if voterColumnFields.isEmpty {
            voterValues.append([])
        } else {
            var values: [String] = []
            values.reserveCapacity(voterColumnFields.count)
            for (column, field) in voterColumnFields.enumerated() {
                values.append(voterColumnValues[column].string(bytes, fields[field]))
            }
            voterValues.append(values)
        }
    }

    /// Approval and ordinal ballots: a project named twice counts once, at its first position
    /// (pabutools keeps approvals in a set and rankings in an insertion-ordered dict), and empty
    /// names between commas are skipped as pabutools does.
    private mutating func rankedOrApproved(_ bytes: UnsafeRawBufferPointer, _ vote: Range<Int>) throws -> Ballot {
        let ballotNumber = ballots.count + 1
        let ordinal = voteType == .ordinal
        var entries: [Ballot.Entry] = []
        entries.reserveCapacity(Self.listLength(bytes, vote, limit: projectIDs.count))
        var start = vote.lowerBound
        while start <= vote.upperBound {
            var end = start
            while end < vote.upperBound, bytes[end] != UInt8(ascii: ",") { end += 1 }
            let name = LineFields.trimmed(bytes, start..<end)
            start = end + 1
            if name.isEmpty { continue }
            let project = try projectIndex(bytes, name)
            if seenInBallot[project] == ballotNumber { continue }
            seenInBallot[project] = ballotNumber
            entries.append(Ballot.Entry(project: project, value: ordinal ? entries.count : 1))
        }
        return Ballot(entries: entries)
    }

    /// Cumulative and scoring ballots: `vote` and `points` are parallel lists. A project named
    /// twice keeps its first position and takes the points given last, as pabutools' dict does.
    ///
    /// An empty ballot has an empty vote and empty points, or points `None`: pabutools fails on
    /// the first and reads the second as an empty ballot, so the writer writes `None`.
    private mutating func pointed(_ bytes: UnsafeRawBufferPointer, _ vote: Range<Int>, _ points: Range<Int>) throws -> Ballot {
        if vote.isEmpty, points.isEmpty || Self.isNone(bytes, points) { return Ballot(entries: []) }
        let ballotNumber = ballots.count + 1
        var entries: [Ballot.Entry] = []
        entries.reserveCapacity(Self.listLength(bytes, vote, limit: projectIDs.count))
        var voteStart = vote.lowerBound, pointsStart = points.lowerBound
        var position = 0
        while voteStart <= vote.upperBound {
            position += 1
            var voteEnd = voteStart
            while voteEnd < vote.upperBound, bytes[voteEnd] != UInt8(ascii: ",") { voteEnd += 1 }
            guard pointsStart <= points.upperBound else {
                throw fail("expected as many points as projects in the vote, found fewer points")
            }
            var pointsEnd = pointsStart
            while pointsEnd < points.upperBound, bytes[pointsEnd] != UInt8(ascii: ",") { pointsEnd += 1 }
            let name = LineFields.trimmed(bytes, voteStart..<voteEnd)
            let given = LineFields.trimmed(bytes, pointsStart..<pointsEnd)
            voteStart = voteEnd + 1
            pointsStart = pointsEnd + 1
            guard !name.isEmpty else { throw fail("expected a project id at position \(position) of the vote") }
            let project = try projectIndex(bytes, name)
            guard let value = Self.wholeNumber(bytes, given, allowNegative: voteType == .scoring) else {
                if Self.wholeNumber(bytes, given, allowNegative: voteType == .scoring, saturating: true) != nil {
                    throw fail("expected points of at most \(Int.max) at position \(position), found \(Self.quote(bytes, given))")
                }
                let kind = voteType == .scoring ? "a whole number" : "a non-negative whole number"
                throw fail("expected \(kind) of points at position \(position), found \(Self.quote(bytes, given))")
            }
            if seenInBallot[project] == ballotNumber {
                entries[slotInBallot[project]] = Ballot.Entry(project: project, value: value)
            } else {
                seenInBallot[project] = ballotNumber
                slotInBallot[project] = entries.count
                entries.append(Ballot.Entry(project: project, value: value))
            }
        }
        guard pointsStart > points.upperBound else {
            throw fail("expected as many points as projects in the vote, found more points")
        }
        return Ballot(entries: entries)
    }

    /// Entries in a comma-separated list, at most `limit`: sizes a ballot's storage once instead
    /// of growing it entry by entry.
    private static func listLength(_ bytes: UnsafeRawBufferPointer, _ list: Range<Int>, limit: Int) -> Int {
        var commas = 0
        for i in list where bytes[i] == UInt8(ascii: ",") { commas += 1 }
        return min(commas + 1, limit)
    }

    private static func isNone(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        range.count == 4 && zip(range, "none".utf8).allSatisfy { bytes[$0] | 0x20 == $1 }
    }

    private func projectIndex(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) throws -> Int {
        guard let index = projectTable.index(of: UnsafeRawBufferPointer(rebasing: bytes[name])) else {
            throw fail("expected a project listed in PROJECTS in the vote, found \(Self.quote(bytes, name))")
        }
        return index
    }

    /// Points are whole numbers; `10.0` is accepted as 10 since exact fractions of a point have no
    /// place in an integer engine, while a zero fraction is just how some exports print integers.
    /// A whole number, or nil. With `saturating`, a number too large for 64 bits gives the largest
    /// value instead of nil (to tell "too large" apart from "not a number").
    private static func wholeNumber(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, allowNegative: Bool, saturating: Bool = false
    ) -> Int? {
        var i = range.lowerBound
        var negative = false
        if allowNegative, i < range.upperBound, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var value = 0, digits = 0
        while i < range.upperBound, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(bytes[i] - UInt8(ascii: "0")))
            if o1 || o2 {
                guard saturating else { return nil }
                value = Int.max
            } else {
                value = sum
            }
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < range.upperBound {
            guard bytes[i] == UInt8(ascii: "."), i + 1 < range.upperBound else { return nil }
            i += 1
            while i < range.upperBound, bytes[i] == UInt8(ascii: "0") { i += 1 }
            guard i == range.upperBound else { return nil }
        }
        return negative ? -value : value
    }

    // MARK: End

    mutating func finish() throws -> PabulibDocument {
        if expectingHeader || section != .votes {
            let missing: String
            switch section {
            case _ where expectingHeader: missing = "the \(section.rawValue) header line"
            case .none: missing = "the META section"
            case .meta: missing = "the PROJECTS section"
            case .projects, .votes: missing = "the VOTES section"
            }
            throw PabulibError(line: lineNumber + 1, message: "expected \(missing), found the end of the file")
        }
        let scale = costs.reduce(budget.decimals) { max($0, $1.decimals) }
        var projects: [Project] = []
        projects.reserveCapacity(projectIDs.count)
        for index in projectIDs.indices {
            guard let cost = costs[index].scaled(to: scale) else {
                throw PabulibError(
                    line: projectLines[index],
                    message: "expected a cost of at most \(DecimalAmount.largest) in units of 10^-\(scale) (the largest amount the engine takes)")
            }
            projects.append(Project(
                id: projectIDs[index], cost: cost, name: names[index],
                categories: categories[index], district: districts[index]))
        }
        guard let scaledBudget = budget.scaled(to: scale) else {
            throw PabulibError(
                line: metaLines["budget"] ?? 1,
                message: "expected a budget of at most \(DecimalAmount.largest) in units of 10^-\(scale) (the largest amount the engine takes)")
        }
        return PabulibDocument(
            instance: Instance(projects: projects, budget: scaledBudget, scale: scale, meta: meta),
            voteType: voteType, ballots: ballots, voterIDs: voterIDs,
            voterColumns: voterColumns, voterValues: voterValues,
            projectColumns: projectColumns, projectValues: projectValues)
    }

    // MARK: Text

    /// Fields were checked to be UTF-8 when their line was read.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A field for an error message, quoted and cut short so a huge field cannot flood a log.
    static func quote(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        let text = string(bytes, range)
        return text.count > 60 ? "\"\(text.prefix(60))…\"" : "\"\(text)\""
    }
}

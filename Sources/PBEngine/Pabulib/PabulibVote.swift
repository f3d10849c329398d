/// One line of a `.pb` file's VOTES section, written and read in one place:
/// `voter_id;vote[;points][;more columns…]`.
///
/// Everything that writes a VOTES line uses `line`/`append(to:)` (the canonical ballots of a
/// cycle, `PabulibWriter`, `mizan pb generate`, and the receipt page that shows a voter the line
/// the published file holds for them), and the tally reads it back with `Choices(parsing:)`, so a
/// line cannot be written one way and read another.
public struct PabulibVote: Sendable, Hashable {
    public var voterID: String
    /// Project ids in the order the line lists them (for ranked ballots, best first).
    public var projects: [String]
    /// Points per project, parallel to `projects`, when the section has a `points` column
    /// (cumulative and scoring ballots); nil otherwise.
    public var points: [Int]?
    /// The values of the columns after `vote` and `points` (Mizan's `receipt` and `channel`).
    public var extra: [String]

    public init(voterID: String, projects: [String], points: [Int]? = nil, extra: [String] = []) {
        self.voterID = voterID
        self.projects = projects
        self.points = points
        self.extra = extra
    }

    /// The VOTES header line for ballots with or without points and with `extraColumns` after them.
    public static func header(points: Bool, extraColumns: [String] = []) -> String {
        (["voter_id", "vote"] + (points ? ["points"] : []) + extraColumns).map(PabulibField.quoted).joined(separator: ";")
    }

    /// The line without its line ending.
    public var line: String {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the line without its line ending. Values holding `;` or `"` are quoted; an empty
    /// ballot with points has points `None`, the only empty form pabutools reads.
    public func append(to bytes: inout [UInt8]) {
        PabulibField.append(voterID, to: &bytes)
        bytes.append(UInt8(ascii: ";"))
        PabulibField.append(projects.joined(separator: ","), to: &bytes)
        if let points { Self.appendPoints(points, empty: projects.isEmpty, to: &bytes) }
        for value in extra {
            bytes.append(UInt8(ascii: ";"))
            PabulibField.append(value, to: &bytes)
        }
    }

    /// The line of a ballot whose voter and projects are numbers, appended without building a
    /// `String` per ballot (what writing or tallying millions of ballots needs); the same bytes as
    /// `PabulibVote(voterID: "\(voter)", projects: projects.map(String.init), points: points, extra: extra).line`.
    public static func append(
        voter: Int, projects: [Int], points: [Int]? = nil, extra: [String] = [], to bytes: inout [UInt8]
    ) {
        PabulibField.appendDecimal(voter, to: &bytes)
        bytes.append(UInt8(ascii: ";"))
        var count = 0
        for project in projects {
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            PabulibField.appendDecimal(project, to: &bytes)
            count += 1
        }
        if let points { appendPoints(points, empty: count == 0, to: &bytes) }
        for value in extra {
            bytes.append(UInt8(ascii: ";"))
            PabulibField.append(value, to: &bytes)
        }
    }

    /// `;points`, or `;None` for an empty ballot: the only empty form pabutools reads.
    static func appendPoints(_ points: [Int], empty: Bool, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: ";"))
        if empty && points.isEmpty {
            bytes.append(contentsOf: "None".utf8)
            return
        }
        for (index, value) in points.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            PabulibField.appendDecimal(value, to: &bytes)
        }
    }

    /// Reads a line (without its line ending) of a section whose header has `voter_id`, `vote`,
    /// `points` when `points` is true, then the extra columns.
    public init(parsing line: String, points: Bool) throws {
        var text = line
        self = try text.withUTF8 { buffer in try Self(parsing: UnsafeRawBufferPointer(buffer), points: points) }
    }

    public init(parsing line: UnsafeRawBufferPointer, points: Bool) throws {
        var fields = LineFields()
        do { try fields.split(line) } catch { throw PabulibVoteError(error.message) }
        let needed = points ? 3 : 2
        guard fields.count >= needed else { throw PabulibVoteError("expected at least \(needed) fields, found \(fields.count)") }
        let ranges = fields.ranges
        let parsed = try fields.withBytes(of: line) { bytes -> PabulibVote in
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            let choices = try Choices(bytes, vote: ranges[1], points: points ? ranges[2] : nil)
            return PabulibVote(
                voterID: text(ranges[0]), projects: choices.projects, points: choices.points, extra: ranges[needed...].map(text))
        }
        self = parsed
    }

    /// What a ballot chose, without its voter id and extra columns: what the tally groups
    /// identical ballots by.
    public struct Choices: Sendable, Hashable {
        public let projects: [String]
        public let points: [Int]?

        /// Reads the choices of a line as `PabulibVote(parsing:points:)` does.
        public init(parsing line: UnsafeRawBufferPointer, points: Bool) throws {
            var fields = LineFields()
            do { try fields.split(line) } catch { throw PabulibVoteError(error.message) }
            let needed = points ? 3 : 2
            guard fields.count >= needed else { throw PabulibVoteError("expected at least \(needed) fields, found \(fields.count)") }
            let ranges = fields.ranges
            self = try fields.withBytes(of: line) { bytes in
                try Choices(bytes, vote: ranges[1], points: points ? ranges[2] : nil)
            }
        }

        init(_ bytes: UnsafeRawBufferPointer, vote: Range<Int>, points pointsRange: Range<Int>?) throws {
            // Empty names between commas are skipped, as pabutools does.
            projects = bytes[vote].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard let pointsRange else {
                points = nil
                return
            }
            let slice = bytes[pointsRange]
            if projects.isEmpty, slice.isEmpty || slice.elementsEqual("None".utf8) {
                points = []
                return
            }
            var values: [Int] = []
            for part in slice.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                guard let value = Int(String(decoding: part, as: UTF8.self)) else {
                    throw PabulibVoteError("expected whole numbers as points, found \(String(decoding: part, as: UTF8.self))")
                }
                values.append(value)
            }
            guard values.count == projects.count else {
                throw PabulibVoteError("expected as many points as projects, found \(values.count) for \(projects.count)")
            }
            points = values
        }
    }
}

/// A VOTES line that cannot be read.
public struct PabulibVoteError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// How one value is written in a `.pb` file.
public enum PabulibField {
    /// Quotes a value holding `;` or `"` (doubling the `"`), as pabutools' csv reader expects;
    /// line breaks, which no `.pb` value can hold, become spaces.
    public static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func append(_ value: String, to bytes: inout [UInt8]) {
        let utf8 = value.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "\"") }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
        for byte in utf8 {
            switch byte {
            // Every CR and LF byte becomes a space (so CRLF gives two), as the canonical ballots
            // of stored cycles were always written: their published hashes stay valid.
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "\""): bytes.append(contentsOf: [byte, byte])
            default: bytes.append(byte)
            }
        }
        if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
    }

    /// A decimal integer without building a `String`.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt(value.magnitude), to: &bytes)
        } else {
            appendDecimal(UInt(value), to: &bytes)
        }
    }

    static func appendDecimal(_ value: UInt, to bytes: inout [UInt8]) {
        var divisor: UInt = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

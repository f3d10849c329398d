/// One voter of a registry file, validated.
public struct RegistryRecord: Hashable, Sendable {
    public let line: Int
    public let nationalID: NationalID
    /// ISO form, `YYYY-MM-DD`.
    public let birthDate: String
    public let district: String?
    public let sex: String?
    public let birthYear: Int?
}

/// What is wrong on one line of an input file.
public struct LineProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let field: String
    /// In English, for the command line and logs.
    public let reason: String
    /// What kind of problem it is (`not-a-project`), for a page to say it in its reader's
    /// language, with `value` (what was read) in it; nil where only the English reason exists.
    public let kind: String?
    public let value: String?
    /// The refusal of a well-formed line's ballot, as casting it online would be refused.
    public let vote: VoteError?

    public init(line: Int, field: String, reason: String, kind: String? = nil, value: String? = nil, vote: VoteError? = nil) {
        self.line = line
        self.field = field
        self.reason = reason
        self.kind = kind
        self.value = value
        self.vote = vote
    }

    /// The same problem on another line (a line's parser does not know its number).
    public func on(line number: Int) -> LineProblem {
        LineProblem(line: number, field: field, reason: reason, kind: kind, value: value, vote: vote)
    }

    public var description: String { "line \(line), \(field): \(reason)" }
}

/// Every problem found on one line.
public struct LineProblems: Error, Sendable {
    public let problems: [LineProblem]
    public init(_ problems: [LineProblem]) { self.problems = problems }
}

/// Reads a voter registry CSV line by line (`national_id,birth_date,district,sex,birth_year`, comma
/// or semicolon separated, header required, columns in any order, French names accepted), so files
/// of any size stream through with constant memory apart from the duplicate check.
public struct RegistryFileReader: Sendable {
    public static let maximumLineBytes = 1_024

    enum Column: String, CaseIterable {
        case nationalID = "national_id", birthDate = "birth_date", district, sex, birthYear = "birth_year"

        static let aliases: [String: Column] = [
            "national_id": .nationalID, "cin": .nationalID, "cnie": .nationalID, "id": .nationalID,
            "birth_date": .birthDate, "date_naissance": .birthDate, "date_de_naissance": .birthDate,
            "district": .district, "quartier": .district, "arrondissement": .district,
            "sex": .sex, "sexe": .sex, "birth_year": .birthYear, "annee_naissance": .birthYear,
        ]
    }

    private var positions: [Column: Int] = [:]
    private var separator: UInt8 = UInt8(ascii: ",")
    private var firstLineOfID: [NationalID: Int] = [:]
    private let currentYear: Int

    /// Reads the header (line 1); names the missing columns.
    public init(header: [UInt8], currentYear: Int) throws(LineProblem) {
        self.currentYear = currentYear
        var bytes = header[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        separator = bytes.contains(UInt8(ascii: ";")) && !bytes.contains(UInt8(ascii: ",")) ? UInt8(ascii: ";") : UInt8(ascii: ",")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LineProblem(line: 1, field: "header", reason: "is not UTF-8 text; save the file as UTF-8", kind: "not-utf8")
        }
        let names = Self.split(Array(text.utf8), separator: separator) ?? []
        for (index, name) in names.enumerated() {
            let key = name.lowercased().trimmingCharacters(in: " \t\r").replacingSpaces()
            if let column = Column.aliases[key] {
                guard positions[column] == nil else {
                    throw LineProblem(line: 1, field: "header", reason: "column \(column.rawValue) appears twice", kind: "column-twice", value: column.rawValue)
                }
                positions[column] = index
            }
        }
        let missing = [Column.nationalID, .birthDate].filter { positions[$0] == nil }.map(\.rawValue)
        guard missing.isEmpty else {
            throw LineProblem(
                line: 1, field: "header",
                reason: "missing column(s) \(missing.joined(separator: ", ")); expected national_id,birth_date[,district,sex,birth_year]",
                kind: "missing-columns", value: missing.joined(separator: ", "))
        }
    }

    /// Validates one data line; every problem on it is reported.
    public mutating func read(_ bytes: ArraySlice<UInt8>, line: Int) -> Result<RegistryRecord, LineProblems> {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        guard bytes.count <= Self.maximumLineBytes else {
            return .failure(LineProblems([LineProblem(line: line, field: "line", reason: "is \(bytes.count) bytes long; at most \(Self.maximumLineBytes) are allowed", kind: "too-long", value: String(Self.maximumLineBytes))]))
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(LineProblems([LineProblem(line: line, field: "line", reason: "is not UTF-8 text; save the file as UTF-8", kind: "not-utf8")]))
        }
        guard let cells = Self.split(Array(bytes), separator: separator) else {
            return .failure(LineProblems([LineProblem(line: line, field: "line", reason: "has an unclosed quote", kind: "unclosed-quote")]))
        }
        func cell(_ column: Column) -> String? {
            guard let index = positions[column], index < cells.count else { return nil }
            let value = cells[index].trimmingCharacters(in: " \t")
            return value.isEmpty ? nil : value
        }
        var problems: [LineProblem] = []
        var nationalID: NationalID?
        if let text = cell(.nationalID) {
            do { nationalID = try NationalID(parsing: text) } catch {
                problems.append(LineProblem(line: line, field: "national_id", reason: "\"\(text)\" \(error.reason)", kind: "national-id", value: text))
            }
        } else {
            problems.append(LineProblem(line: line, field: "national_id", reason: "is missing", kind: "missing"))
        }
        var birthDate: (year: Int, month: Int, day: Int)?
        if let text = cell(.birthDate) {
            birthDate = Self.parseDate(text)
            if birthDate == nil {
                problems.append(LineProblem(line: line, field: "birth_date", reason: "\"\(text)\" is not a date (YYYY-MM-DD or DD/MM/YYYY)", kind: "not-a-date", value: text))
            } else if let date = birthDate, date.year < 1900 || date.year > currentYear {
                problems.append(LineProblem(line: line, field: "birth_date", reason: "\"\(text)\" is not a plausible birth date", kind: "implausible-birth-date", value: text))
                birthDate = nil
            }
        } else {
            problems.append(LineProblem(line: line, field: "birth_date", reason: "is missing", kind: "missing"))
        }
        var sex: String?
        if let text = cell(.sex) {
            switch text.lowercased() {
            case "f", "female", "femme", "أنثى": sex = "F"
            case "m", "h", "male", "homme", "ذكر": sex = "M"
            default: problems.append(LineProblem(line: line, field: "sex", reason: "\"\(text)\" must be F or M", kind: "sex", value: text))
            }
        }
        var birthYear: Int?
        if let text = cell(.birthYear) {
            if let year = Int(text), (1900...currentYear).contains(year) {
                birthYear = year
                if let date = birthDate, date.year != year {
                    problems.append(LineProblem(line: line, field: "birth_year", reason: "\(year) does not match birth_date", kind: "birth-year-mismatch", value: String(year)))
                }
            } else {
                problems.append(LineProblem(line: line, field: "birth_year", reason: "\"\(text)\" is not a year", kind: "not-a-year", value: text))
            }
        }
        if let nationalID {
            if let first = firstLineOfID[nationalID] {
                problems.append(LineProblem(line: line, field: "national_id", reason: "duplicates line \(first)", kind: "duplicate-line", value: String(first)))
            } else if problems.isEmpty {
                firstLineOfID[nationalID] = line
            }
        }
        guard problems.isEmpty, let nationalID, let birthDate else { return .failure(LineProblems(problems)) }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return .success(RegistryRecord(
            line: line, nationalID: nationalID,
            birthDate: "\(pad(birthDate.year, 4))-\(pad(birthDate.month, 2))-\(pad(birthDate.day, 2))",
            district: cell(.district), sex: sex, birthYear: birthYear ?? birthDate.year))
    }

    /// `YYYY-MM-DD` or `DD/MM/YYYY`, checked against the calendar.
    public static func parseDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let iso = text.split(separator: "-", omittingEmptySubsequences: false)
        let french = text.split(separator: "/", omittingEmptySubsequences: false)
        let parts: [Substring]
        if iso.count == 3, iso[0].count == 4 {
            parts = iso
        } else if french.count == 3, french[2].count == 4 {
            parts = [french[2], french[1], french[0]]
        } else {
            return nil
        }
        guard parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        return (year, month, day)
    }

    /// Splits one CSV line, honouring double quotes and `""` escapes; nil on an unclosed quote.
    static func split(_ bytes: [UInt8], separator: UInt8) -> [String]? {
        var cells: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        current.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == separator {
                cells.append(String(decoding: current, as: UTF8.self))
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        guard !quoted else { return nil }
        cells.append(String(decoding: current, as: UTF8.self))
        return cells
    }
}

extension String {
    func replacingSpaces() -> String { String(map { $0 == " " || $0 == "-" ? "_" : $0 }) }
}

/// Pushes each valid record of a registry through `accept` and returns the problems it found;
/// called once, inside the import's transaction, so a file streams straight into the database.
public typealias RegistryFeed = @Sendable (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]

/// What an import did.
public struct RegistryImportReport: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    /// The lines left out (only when skipping bad lines was asked for).
    public var rejected: [LineProblem] = []

    public init(inserted: Int = 0, updated: Int = 0, rejected: [LineProblem] = []) {
        self.inserted = inserted
        self.updated = updated
        self.rejected = rejected
    }
}

/// Raised, rolling the whole import back, when lines are bad and skipping was not asked for.
public struct RegistryRejected: Error, Sendable {
    public let problems: [LineProblem]
    public init(problems: [LineProblem]) { self.problems = problems }
}

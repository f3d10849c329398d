import Foundation

/// A paper signature sheet as staff type it into a CSV file: a header naming `national_id`
/// (or `cin`) and optionally `birth_date` (or `date_naissance`), comma or semicolon separated,
/// one signer a line. A line that cannot be read names its line and field, and then nothing of
/// the file is entered: the clerk corrects the file and enters it again.
public struct PetitionSignatureSheet: Sendable {
    public struct Line: Sendable, Equatable {
        /// The line in the file (the header is line 1).
        public let number: Int
        public let nationalID: NationalID
        /// `YYYY-MM-DD`, when the sheet gives one: it must then match the registry too.
        public let birthDate: String?
    }

    public let lines: [Line]

    public init(parsing text: String) throws(LineProblems) {
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while rows.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { rows.removeLast() }
        guard let header = rows.first else {
            throw LineProblems([LineProblem(line: 1, field: "header", reason: "the file is empty; the first line must name national_id")])
        }
        let separator: Character = header.contains(";") ? ";" : ","
        let names = header.split(separator: separator, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "\u{FEFF}", with: "")
        }
        guard let idColumn = names.firstIndex(where: { ["national_id", "cin"].contains($0) }) else {
            throw LineProblems([LineProblem(line: 1, field: "header", reason: "names no national_id (or cin) column")])
        }
        let dateColumn = names.firstIndex(where: { ["birth_date", "date_naissance"].contains($0) })
        var problems: [LineProblem] = []
        var lines: [Line] = []
        for (index, row) in rows.enumerated().dropFirst() {
            let number = index + 1
            if row.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = row.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == names.count else {
                problems.append(LineProblem(line: number, field: "line", reason: "has \(fields.count) field(s); the header names \(names.count)"))
                continue
            }
            let id: NationalID
            do {
                id = try NationalID(parsing: fields[idColumn])
            } catch {
                problems.append(LineProblem(line: number, field: names[idColumn], reason: error.reason))
                continue
            }
            var birthDate: String?
            if let dateColumn, !fields[dateColumn].isEmpty {
                guard let date = RegistryFileReader.parseDate(fields[dateColumn]) else {
                    problems.append(LineProblem(line: number, field: names[dateColumn], reason: "is not a date (YYYY-MM-DD or DD/MM/YYYY)"))
                    continue
                }
                birthDate = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            }
            lines.append(Line(number: number, nationalID: id, birthDate: birthDate))
        }
        guard problems.isEmpty else { throw LineProblems(problems) }
        self.lines = lines
    }
}

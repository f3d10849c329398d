/// Reads a registry file's lines in order the one way every importer does: the first line is the
/// header (a bad one rejects the file), blank lines are skipped, each valid voter is handed on and
/// each bad line's problems are collected. `mizan registry import` feeds it a streamed file, the
/// staff registry page an uploaded one, so both give the same verdicts for the same file.
public struct RegistryLineFeeder: Sendable {
    private var reader: RegistryFileReader?
    private var problems: [LineProblem] = []
    private let currentYear: Int

    public init(currentYear: Int) {
        self.currentYear = currentYear
    }

    /// Reads line `number` (1-based). Throws `RegistryRejected` for a bad header.
    public mutating func take(_ bytes: ArraySlice<UInt8>, line number: Int, accept: (RegistryRecord) throws -> Void) throws {
        // The reader is mutated in place: a copy would copy its table of IDs seen so far on every line.
        guard reader != nil else {
            let year = currentYear
            switch Result(catching: { () throws(LineProblem) in try RegistryFileReader(header: Array(bytes), currentYear: year) }) {
            case .success(let header): reader = header
            case .failure(let problem): throw RegistryRejected(problems: [problem])
            }
            return
        }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return }
        switch reader!.read(bytes, line: number) {
        case .success(let record): try accept(record)
        case .failure(let found): problems += found.problems
        }
    }

    /// The problems of the lines read; throws `RegistryRejected` when there was no header line.
    public func finish() throws -> [LineProblem] {
        if reader == nil { throw RegistryRejected(problems: [LineProblem(line: 1, field: "header", reason: "the file is empty")]) }
        return problems
    }

    /// A whole file held in memory (an upload), split at line feeds.
    public static func read(_ file: [UInt8], currentYear: Int, accept: (RegistryRecord) throws -> Void) throws -> [LineProblem] {
        var feeder = RegistryLineFeeder(currentYear: currentYear)
        for (index, line) in file.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            try feeder.take(line, line: index + 1, accept: accept)
        }
        return try feeder.finish()
    }
}

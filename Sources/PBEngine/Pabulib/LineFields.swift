/// Splits one line into its `;`-separated fields, the way pabutools' `csv.reader` reads them, and
/// keeps them as byte ranges so the hot VOTES path never builds a `String` it does not need.
///
/// A field that starts with `"` is quoted: `""` inside stands for one `"`, and `;` is data. Like
/// pabutools (which splits into lines before parsing CSV), a quoted field cannot span lines.
/// Fields are trimmed of spaces and tabs around them, as pabutools strips every value.
struct LineFields {
    /// Each field as a range of `bytes`.
    private(set) var ranges: [Range<Int>] = []
    /// The unquoted text of a line that had quotes; unused (and empty) for lines without any.
    private var unquoted: [UInt8] = []
    private var usesUnquoted = false

    var count: Int { ranges.count }

    /// Splits `line` (without its line ending). Throws a message (no line number) on a bad quote.
    mutating func split(_ line: UnsafeRawBufferPointer) throws(LineFieldsError) {
        ranges.removeAll(keepingCapacity: true)
        usesUnquoted = false
        var start = 0
        var i = 0
        let count = line.count
        while i < count {
            let byte = line[i]
            if byte == UInt8(ascii: ";") {
                ranges.append(Self.trimmed(line, start..<i))
                start = i + 1
            } else if byte == UInt8(ascii: "\"") {
                try splitQuoted(line)
                return
            }
            i += 1
        }
        ranges.append(Self.trimmed(line, start..<count))
    }

    /// Calls `body` with the bytes that `ranges` index into.
    func withBytes<R>(of line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if !usesUnquoted { return try body(line) }
        return try unquoted.withUnsafeBytes(body)
    }

    /// The slow path for a line with a `"` somewhere: rebuilds every field into `unquoted`.
    private mutating func splitQuoted(_ line: UnsafeRawBufferPointer) throws(LineFieldsError) {
        ranges.removeAll(keepingCapacity: true)
        unquoted.removeAll(keepingCapacity: true)
        usesUnquoted = true
        let count = line.count
        var i = 0
        while true {
            // Leading blanks before an opening quote are data to Python's csv module; pabutools then
            // strips them, so skipping them here gives the same value.
            var j = i
            while j < count, line[j] == UInt8(ascii: " ") || line[j] == UInt8(ascii: "\t") { j += 1 }
            let fieldStart = unquoted.count
            if j < count, line[j] == UInt8(ascii: "\"") {
                j += 1
                var closed = false
                while j < count {
                    let byte = line[j]
                    if byte == UInt8(ascii: "\"") {
                        if j + 1 < count, line[j + 1] == UInt8(ascii: "\"") {
                            unquoted.append(byte)
                            j += 2
                            continue
                        }
                        closed = true
                        j += 1
                        break
                    }
                    unquoted.append(byte)
                    j += 1
                }
                guard closed else { throw .unterminatedQuote(field: ranges.count + 1) }
                while j < count, line[j] == UInt8(ascii: " ") || line[j] == UInt8(ascii: "\t") { j += 1 }
                guard j == count || line[j] == UInt8(ascii: ";") else {
                    throw .textAfterQuote(field: ranges.count + 1)
                }
                ranges.append(trimmedUnquoted(fieldStart..<unquoted.count))
            } else {
                // An unquoted field: a `"` inside it is an ordinary character, as in Python's csv.
                while j < count, line[j] != UInt8(ascii: ";") {
                    unquoted.append(line[j])
                    j += 1
                }
                ranges.append(trimmedUnquoted(fieldStart..<unquoted.count))
            }
            if j >= count { return }
            i = j + 1  // past the `;`
            if i == count {
                ranges.append(unquoted.count..<unquoted.count)
                return
            }
        }
    }

    private func trimmedUnquoted(_ range: Range<Int>) -> Range<Int> {
        unquoted.withUnsafeBytes { Self.trimmed($0, range) }
    }

    @inline(__always)
    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
        return lower..<upper
    }
}

/// A quoting mistake in one line; the reader adds the line number.
enum LineFieldsError: Error {
    case unterminatedQuote(field: Int)
    case textAfterQuote(field: Int)

    var message: String {
        switch self {
        case .unterminatedQuote(let field):
            return "expected a closing \" in field \(field) before the end of the line (quoted fields cannot span lines)"
        case .textAfterQuote(let field):
            return "expected ; or the end of the line after the closing \" of field \(field)"
        }
    }
}

/// Reads a Pabulib `.pb` file fed as bytes, in chunks of any size.
///
/// PBEngine does no I/O, so whoever owns the file or the upload hands the bytes over; a chunk may
/// end anywhere, even inside a UTF-8 sequence, because only whole lines are parsed. After an
/// error, or after `finish()`, the reader must not be fed again.
public struct PabulibReader {
    /// The start of a line whose end has not arrived yet.
    private var pending: [UInt8] = []
    private var fields = LineFields()
    private var parser = PabulibParser()

    public init() {}

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
        let count = bytes.count
        var start = 0
        var i = 0
        while i < count {
            if bytes[i] == UInt8(ascii: "\n") {
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
                if pending.isEmpty {
                    try Self.process(line, &fields, &parser)
                } else {
                    pending.append(contentsOf: line)
                    try pending.withUnsafeBytes { try Self.process($0, &fields, &parser) }
                    pending.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            i += 1
        }
        if start < count { pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count])) }
    }

    /// Parses the last line if it had no line ending and checks the file was complete.
    public mutating func finish() throws -> PabulibDocument {
        if !pending.isEmpty {
            try pending.withUnsafeBytes { try Self.process($0, &fields, &parser) }
            pending.removeAll()
        }
        return try parser.finish()
    }

    /// Reads a whole file already in memory.
    public static func read<C: Collection>(_ bytes: C) throws -> PabulibDocument where C.Element == UInt8 {
        var reader = PabulibReader()
        let consumed: Void? = try bytes.withContiguousStorageIfAvailable { try reader.consume(UnsafeRawBufferPointer($0)) }
        if consumed == nil {
            try Array(bytes).withUnsafeBytes { try reader.consume($0) }
        }
        return try reader.finish()
    }

    /// One line without its `\n`: drop a `\r` (most Pabulib files end lines with CRLF) and the
    /// UTF-8 byte-order mark pabutools also ignores, check the encoding, split, and parse.
    private static func process(_ raw: UnsafeRawBufferPointer, _ fields: inout LineFields, _ parser: inout PabulibParser) throws {
        var line = raw
        if let last = line.last, last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        let number = parser.startLine()
        if number == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line.dropFirst(3))
        }
        if let bad = firstInvalidUTF8(line) {
            let hex = String(line[bad], radix: 16, uppercase: true)
            throw PabulibError(line: number, message: "expected UTF-8 text, found byte 0x\(hex) at column \(bad + 1)")
        }
        do {
            try fields.split(line)
        } catch {
            throw PabulibError(line: number, message: error.message)
        }
        try fields.withBytes(of: line) { try parser.handle($0, fields.ranges) }
    }
}

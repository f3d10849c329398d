/// Hands out one shared `String` per distinct value of a voter column.
///
/// Voter columns repeat a handful of values (`F`, `internet`, a district name) across tens of
/// thousands of voters; sharing them saves an allocation per long value and the memory of
/// holding it again. A column with many distinct values (free text) stops being interned, so
/// the table stays small.
struct ValueInterner {
    private var table = ByteKeyTable()
    private var strings: [String] = []

    static let maximumDistinct = 4096

    mutating func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        if range.isEmpty { return "" }
        let key = UnsafeRawBufferPointer(rebasing: bytes[range])
        if let index = table.index(of: key) { return strings[index] }
        let value = PabulibParser.string(bytes, range)
        if strings.count < Self.maximumDistinct {
            _ = table.insert(key)
            strings.append(value)
        }
        return value
    }
}

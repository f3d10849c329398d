/// JSON written by the `pb` commands. Unlike the administration commands' JSON, money here is in
/// the file's own currency units with exact decimals (`1404775.68`), so numbers are kept as the
/// literal text to print rather than as a binary number that could round them.
enum PBJSON {
    case string(String)
    /// A JSON number literal, written as given.
    case number(String)
    case bool(Bool)
    case null
    case array([PBJSON])
    case object([(String, PBJSON)])

    static func int(_ value: Int) -> PBJSON { .number(String(value)) }

    var text: String {
        switch self {
        case .string(let value): return Self.quote(value)
        case .number(let literal): return literal
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let fields): return "{" + fields.map { Self.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    /// The same escaping as the admin commands' JSON.
    static func quote(_ value: String) -> String { JSON.quote(value) }
}

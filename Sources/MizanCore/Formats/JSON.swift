import Foundation

/// The one JSON writer of Mizan: the CLI's `--json` output, the `pb` commands and the open-data API.
///
/// Built explicitly rather than synthesised from structs, so field order is what the caller gives
/// (or sorted, for objects built from dictionaries), an absent value is written as `null`, and
/// numbers are written as the exact literal given: money in a file's own units keeps every decimal
/// (`1404775.68`) instead of passing through a binary floating-point number.
public enum JSON: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    case string(String)
    /// A JSON number literal, written as given.
    case number(literal: String)
    case bool(Bool)
    case null
    case array([JSON])
    /// Fields in the order given.
    case object([(String, JSON)])

    public static func number(_ value: Int64) -> JSON { .number(literal: String(value)) }
    public static func int(_ value: Int) -> JSON { .number(literal: String(value)) }
    /// A finite number as its shortest exact decimal (`0.6667`, `3` for 3.0); not-a-number as `null`.
    public static func number(_ value: Double) -> JSON {
        guard value.isFinite else { return .null }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .number(literal: text)
    }
    /// An object from a dictionary, its fields sorted by name so the same data gives the same bytes.
    public static func object(_ members: [String: JSON]) -> JSON {
        .object(members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) })
    }

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// Compact JSON text.
    public var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// The text as UTF-8.
    public var data: Data { Data(text.utf8) }

    private func write(to output: inout String) {
        switch self {
        case .string(let value): output += Self.quote(value)
        case .number(let literal): output += literal
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { output += "," }
                output += Self.quote(field.0) + ":"
                field.1.write(to: &output)
            }
            output += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as is.
    public static func quote(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

import Foundation
import Hummingbird
import MizanCore

/// A JSON document as the open-data API writes it. Built explicitly rather than synthesised from
/// structs so that an absent value is written as `null` (the documented shape never changes with
/// the data) and every field name is the one the OpenAPI document lists.
enum JSONValue: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(Int64(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
    static func optional(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }

    /// An amount as exact integer centimes and as a decimal string in dirhams (`"1234567.89"`), so
    /// no client has to divide floating-point numbers.
    static func money(_ amount: Money) -> JSONValue {
        let whole = amount.centimes / 100
        let cents = abs(amount.centimes % 100)
        let sign = amount.centimes < 0 && whole == 0 ? "-" : ""
        return ["centimes": .integer(amount.centimes), "mad": .string("\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)")]
    }

    static func name(_ name: BilingualName) -> [String: JSONValue] {
        ["name_fr": .string(name.french), "name_ar": .string(name.arabic)]
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let members): try container.encode(members)
        case .array(let elements): try container.encode(elements)
        case .string(let text): try container.encode(text)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// UTF-8 JSON with sorted keys, so the same data always gives the same bytes.
    func data() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A JSON response; CORS and caching headers are added by `OpenDataMiddleware`.
    func response(status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: OpenDataMiddleware.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: try data())))
    }
}

import Foundation
import Hummingbird
import MizanCore

/// A JSON document as the open-data API writes it: MizanCore's one JSON writer. Objects are built
/// from dictionaries, so their fields are sorted and the same data always gives the same bytes; an
/// absent value is written as `null` (the documented shape never changes with the data) and every
/// field name is the one the OpenAPI document lists.
typealias JSONValue = JSON

extension JSON {
    static func integer(_ value: Int64) -> JSON { .number(value) }
    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
    static func optional(_ value: Bool?) -> JSON { value.map(JSON.bool) ?? .null }

    /// An amount as exact integer centimes and as a decimal string in dirhams (`"1234567.89"`), so
    /// no client has to divide floating-point numbers.
    static func money(_ amount: Money) -> JSON {
        let whole = amount.centimes / 100
        let cents = abs(amount.centimes % 100)
        let sign = amount.centimes < 0 && whole == 0 ? "-" : ""
        return ["centimes": .integer(amount.centimes), "mad": .string("\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)")]
    }

    static func name(_ name: BilingualName) -> [String: JSON] {
        ["name_fr": .string(name.french), "name_ar": .string(name.arabic)]
    }

    /// An object with one more field (or that field replaced), fields kept sorted; anything else as it is.
    func setting(_ name: String, to value: JSON) -> JSON {
        guard case .object(let fields) = self else { return self }
        return .object(Dictionary(fields, uniquingKeysWith: { _, last in last }).merging([name: value]) { _, new in new })
    }

    /// A JSON response; CORS and caching headers are added by `OpenDataMiddleware`.
    func response(status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: OpenDataMiddleware.contentType],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

import Foundation

/// A JSON value as decoded from a response, keeping integers apart from other numbers and
/// booleans apart from both, which `JSONSerialization` does not.
indirect enum JSON: Decodable, Equatable, CustomStringConvertible {
    case object([String: JSON])
    case array([JSON])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    static func parse(_ text: String) throws -> JSON { try JSONDecoder().decode(JSON.self, from: Data(text.utf8)) }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var array: [JSON]? { if case .array(let elements) = self { elements } else { nil } }
    var string: String? { if case .string(let text) = self { text } else { nil } }
    var int: Int? { if case .integer(let value) = self { Int(value) } else { nil } }

    var description: String {
        switch self {
        case .object(let members): "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .string(let text): "\"\(text)\""
        case .integer(let value): "\(value)"
        case .number(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }
}

/// Checks response bodies against the schemas of an OpenAPI 3.1 document, for the subset of JSON
/// Schema the document uses: `type` (one name or a list, `integer` meaning a whole number),
/// `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `pattern` and `$ref` to
/// `#/components/schemas`. Any other validation keyword is reported as an error rather than
/// ignored, so a schema the validator does not understand can never pass by default.
struct OpenAPIValidator {
    let document: JSON

    /// Keywords that only annotate.
    static let annotations: Set<String> = ["description", "default", "minimum", "maximum", "title", "format", "example"]
    static let understood: Set<String> = ["type", "properties", "required", "additionalProperties", "items", "enum", "pattern", "$ref"]

    /// The schema of the JSON body a GET on `path` (as written in the document, e.g.
    /// `/api/v1/cycles/{id}`) answers with `status`.
    func responseSchema(path: String, status: Int) throws -> JSON {
        guard let schema = document["paths"]?[path]?["get"]?["responses"]?[String(status)]?["content"]?["application/json"]?["schema"] else {
            throw ValidatorError("the document has no application/json schema for GET \(path) → \(status)")
        }
        return schema
    }

    func component(_ name: String) throws -> JSON {
        guard let schema = document["components"]?["schemas"]?[name] else { throw ValidatorError("no component schema \(name)") }
        return schema
    }

    /// Every way `value` breaks `schema`, each with a JSON-pointer-like location; empty when valid.
    func errors(_ value: JSON, against schema: JSON, at location: String = "$") -> [String] {
        guard case .object(let keywords) = schema else { return ["\(location): the schema is not an object"] }
        var found: [String] = []
        for key in keywords.keys where !Self.understood.contains(key) && !Self.annotations.contains(key) {
            found.append("\(location): unsupported schema keyword \(key)")
        }
        if let reference = keywords["$ref"]?.string {
            let prefix = "#/components/schemas/"
            guard reference.hasPrefix(prefix), let target = try? component(String(reference.dropFirst(prefix.count))) else {
                return found + ["\(location): unresolvable $ref \(reference)"]
            }
            found += errors(value, against: target, at: location)
        }
        if let type = keywords["type"] {
            let allowed = type.array?.compactMap(\.string) ?? type.string.map { [$0] } ?? []
            if !allowed.contains(where: { Self.matches(value, type: $0) }) {
                return found + ["\(location): expected \(allowed.joined(separator: " or ")), got \(value)"]
            }
        }
        if let options = keywords["enum"]?.array, !options.contains(value) {
            found.append("\(location): \(value) is not one of \(options)")
        }
        if let pattern = keywords["pattern"]?.string, let text = value.string {
            guard let expression = try? NSRegularExpression(pattern: pattern) else {
                return found + ["\(location): the schema's pattern \(pattern) is not a regular expression"]
            }
            if expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                found.append("\(location): \(value) does not match \(pattern)")
            }
        }
        if case .object(let members) = value {
            let properties: [String: JSON]
            if case .object(let declared)? = keywords["properties"] { properties = declared } else { properties = [:] }
            for name in keywords["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                found.append("\(location): missing required property \(name)")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    found += errors(member, against: propertySchema, at: "\(location).\(name)")
                } else if keywords["additionalProperties"] == .bool(false) {
                    found.append("\(location): undocumented property \(name)")
                }
            }
        }
        if case .array(let elements) = value, let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                found += errors(element, against: items, at: "\(location)[\(index)]")
            }
        }
        return found
    }

    static func matches(_ value: JSON, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("integer", .integer): true
        case ("number", .integer), ("number", .number): true
        default: false
        }
    }
}

struct ValidatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

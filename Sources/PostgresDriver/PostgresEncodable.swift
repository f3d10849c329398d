import Foundation

/// A bind parameter in PostgreSQL's text format, or NULL.
public enum PostgresBind: Sendable, Equatable {
    case null
    case text(String)
    /// Raw bytes sent in binary format (for `bytea`).
    case bytes([UInt8])
}

/// A Swift value that can be sent as a bind parameter.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}

extension String: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(self) }
}
extension Substring: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension Int: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension Int64: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension Int32: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension Int16: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension UInt8: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(String(self)) }
}
extension Bool: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(self ? "t" : "f") }
}
extension Double: PostgresEncodable {
    /// Swift's shortest round-tripping form, which PostgreSQL reads back exactly.
    public var postgresBind: PostgresBind { .text(self.description) }
}
extension UUID: PostgresEncodable {
    public var postgresBind: PostgresBind { .text(uuidString.lowercased()) }
}
extension Date: PostgresEncodable {
    /// Sent as microseconds since the Unix epoch through `to_timestamp` semantics would lose the
    /// type; instead ISO 8601 in UTC with microseconds, which `timestamptz` parses exactly.
    public var postgresBind: PostgresBind {
        .text(PostgresTimestamp.format(self))
    }
}
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    /// An array literal (`{"a","b"}`) so a list can be bound as one parameter, e.g. `= ANY($1)`.
    public var postgresBind: PostgresBind {
        var literal = "{"
        for (index, element) in enumerated() {
            if index > 0 { literal += "," }
            if let text = element.postgresArrayText {
                literal += "\""
                for character in text.unicodeScalars {
                    if character == "\"" || character == "\\" { literal += "\\" }
                    literal.unicodeScalars.append(character)
                }
                literal += "\""
            } else {
                literal += "NULL"
            }
        }
        return .text(literal + "}")
    }
}

/// Values that may appear inside an array bind.
public protocol PostgresArrayElement: Sendable {
    var postgresArrayText: String? { get }
}
extension String: PostgresArrayElement {
    public var postgresArrayText: String? { self }
}
extension Int: PostgresArrayElement {
    public var postgresArrayText: String? { String(self) }
}
extension Int64: PostgresArrayElement {
    public var postgresArrayText: String? { String(self) }
}
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public var postgresArrayText: String? { self?.postgresArrayText }
}

/// `bytea` values are sent in binary so no escaping is involved.
public struct PostgresBytes: PostgresEncodable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresBind: PostgresBind { .bytes(bytes) }
}

enum PostgresTimestamp {
    /// `2026-11-23 05:37:48.123456+00`, the shape PostgreSQL prints with `TimeZone=UTC`.
    static func format(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = Int(microseconds.floorDivided(by: 1_000_000))
        let fraction = Int(microseconds - Int64(seconds) * 1_000_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(fraction, 6))+00"
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

import Foundation

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// Throws a plain message; the row adds which column and row it was.
    init(postgresText text: String) throws(PostgresDecodingFailure)
}

/// Why a text value could not become the requested type.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

extension String: PostgresDecodable {
    public init(postgresText text: String) { self = text }
}

extension Int: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        guard let value = Int(text) else { throw PostgresDecodingFailure("'\(text)' is not an integer") }
        self = value
    }
}
extension Int64: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        guard let value = Int64(text) else { throw PostgresDecodingFailure("'\(text)' is not an integer") }
        self = value
    }
}
extension Int32: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        guard let value = Int32(text) else {
            throw PostgresDecodingFailure("'\(text)' is not a 32-bit integer")
        }
        self = value
    }
}
extension Double: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        guard let value = Double(text) else { throw PostgresDecodingFailure("'\(text)' is not a number") }
        self = value
    }
}
extension Bool: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresDecodingFailure("'\(text)' is not a boolean")
        }
    }
}
extension UUID: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        guard let value = UUID(uuidString: text) else { throw PostgresDecodingFailure("'\(text)' is not a UUID") }
        self = value
    }
}
extension Date: PostgresDecodable {
    /// Reads `timestamptz` as printed with `TimeZone=UTC` (every session sets it), e.g.
    /// `2026-11-23 05:37:48.123456+00`.
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 22, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { throw PostgresDecodingFailure("'\(text)' is not a timestamp with time zone") }
        var index = 19
        var microseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { microseconds = microseconds * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<6 where digits < 6 { microseconds *= 10 }
        }
        guard index + 3 <= bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let offsetHours = number(index + 1..<index + 3)
        else { throw PostgresDecodingFailure("'\(text)' has no UTC offset") }
        var offsetMinutes = 0
        if index + 6 <= bytes.count, bytes[index + 3] == UInt8(ascii: ":") {
            offsetMinutes = number(index + 4..<index + 6) ?? 0
        }
        let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
            - sign * (offsetHours * 3600 + offsetMinutes * 60)
        self = Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(microseconds) / 1_000_000)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// `bytea` in PostgreSQL's hex output format (`\x0a1b…`).
extension PostgresBytes: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingFailure) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw PostgresDecodingFailure("value is not bytea in hex format")
        }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: return byte - 48
            case 97...102: return byte - 87
            case 65...70: return byte - 55
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw PostgresDecodingFailure("value is not bytea in hex format")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }
}

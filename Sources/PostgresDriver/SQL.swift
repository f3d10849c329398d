/// A statement and its bind values, built by string interpolation.
///
/// Every interpolated value becomes a `$n` parameter, so user text can never change the statement:
///
///     let sql: SQL = "SELECT name_fr FROM communes WHERE code = \(code)"
///     // text: SELECT name_fr FROM communes WHERE code = $1, binds: [code]
///
/// Interpolating another `SQL` splices it in with its binds renumbered, which lets queries be composed
/// from fragments. The only way to put unchecked text into a statement is `SQL(unsafeRaw:)`, named so
/// it stands out in review.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String
    public private(set) var binds: [PostgresBind]

    public init(stringLiteral value: String) {
        text = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
        binds = stringInterpolation.binds
    }

    /// Text taken as SQL without any check. Only for statements the program itself wrote (migration
    /// files, identifiers it generated), never for anything a user typed.
    public init(unsafeRaw text: String) {
        self.text = text
        binds = []
    }

    public var description: String { text }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var text = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresBind)
            text += "$\(binds.count)"
        }

        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(value?.postgresBind ?? .null)
            text += "$\(binds.count)"
        }

        /// Splices a fragment in, renumbering its parameters after ours.
        public mutating func appendInterpolation(_ fragment: SQL) {
            text += fragment.renumbered(startingAfter: binds.count)
            binds += fragment.binds
        }
    }

    /// Joins fragments with a separator (e.g. `, ` or ` AND `), renumbering their binds.
    public static func joined(_ fragments: [SQL], separator: String) -> SQL {
        var result = SQL(unsafeRaw: "")
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { result.text += separator }
            result.text += fragment.renumbered(startingAfter: result.binds.count)
            result.binds += fragment.binds
        }
        return result
    }

    /// The text with `$1…$n` shifted by `offset`. Only placeholders we generated are rewritten: a `$`
    /// inside a quoted literal or a dollar-quoted body in the fragment's own text is left alone.
    func renumbered(startingAfter offset: Int) -> String {
        guard offset > 0, !binds.isEmpty else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + binds.count)
        var scalars = text.unicodeScalars[...]
        var inQuote = false
        while let scalar = scalars.first {
            scalars.removeFirst()
            if scalar == "'" { inQuote.toggle() }
            if scalar == "$", !inQuote, let first = scalars.first, ("0"..."9").contains(first) {
                var digits = ""
                while let digit = scalars.first, ("0"..."9").contains(digit) {
                    digits.unicodeScalars.append(digit)
                    scalars.removeFirst()
                }
                output += "$\(Int(digits)! + offset)"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

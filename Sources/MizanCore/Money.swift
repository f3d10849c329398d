/// An amount of Moroccan dirhams held as integer centimes, so sums are exact.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let centimes: Int64

    public init(centimes: Int64) {
        self.centimes = centimes
    }

    public static func dirhams(_ dirhams: Int64) -> Money { Money(centimes: dirhams * 100) }

    /// Reads what staff type: `1500000`, `1 500 000`, `1.500.000,50`, `1500000.50`, optionally with
    /// `MAD`/`DH`. A single `.` or `,` followed by one or two digits is the decimal separator; other
    /// dots, spaces and commas group thousands.
    public init(parsing text: String) throws(MoneyError) {
        var body = Self.westernDigits(text).trimmingCharacters(in: " \u{00A0}")
        for suffix in ["MAD", "mad", "DH", "dh", "Dh", "د.م."] where body.hasSuffix(suffix) {
            body = String(body.dropLast(suffix.count)).trimmingCharacters(in: " \u{00A0}")
        }
        guard !body.isEmpty else { throw .empty }
        guard !body.hasPrefix("-") else { throw .negative(text) }
        var wholePart = body
        var fraction = ""
        if let separator = body.lastIndex(where: { $0 == "," || $0 == "." }) {
            let tail = body[body.index(after: separator)...]
            if (1...2).contains(tail.count) {
                wholePart = String(body[..<separator])
                fraction = String(tail)
            }
        }
        // Thousands groups after the first must have exactly three digits, so "1.2.3" is refused
        // rather than guessed.
        let groups = wholePart.split(omittingEmptySubsequences: false, whereSeparator: { " .,\u{00A0}\u{202F}".contains($0) })
        let wellGrouped = groups.count == 1 || (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy { $0.count == 3 }
        let digits = String(groups.joined())
        guard wellGrouped, !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit),
            let whole = Int64(digits), whole <= Int64.max / 100
        else { throw .notANumber(text) }
        let cents = fraction.isEmpty ? 0 : Int64(fraction.count == 1 ? fraction + "0" : fraction)!
        centimes = whole * 100 + cents
    }

    /// `text` with Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits as ASCII digits, and
    /// the Arabic decimal and thousands separators (٫ ٬) as `,` and `.`, so `١٢٠٠٠٠` reads as
    /// `120000` — the digits an Arabic keyboard types.
    static func westernDigits(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0660...0x0669: result.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!)
            case 0x06F0...0x06F9: result.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!)
            case 0x066B: result.append(",")
            case 0x066C: result.append(".")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// `1.234.567,89 MAD`, the form used on pages and in reports.
    public var description: String { formatted() }

    /// `1500000` or `1500000.50`: what a form field shows for staff to correct, read back by
    /// `init(parsing:)`.
    public var plainText: String {
        let cents = abs(centimes % 100)
        return cents == 0 ? "\(centimes / 100)" : "\(centimes / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public func formatted(currency: String = "MAD") -> String {
        let whole = centimes / 100
        let cents = abs(centimes % 100)
        let digits = String(whole.magnitude)
        var grouped = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "." }
            grouped.append(character)
        }
        let sign = centimes < 0 ? "-" : ""
        return "\(sign)\(grouped),\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.centimes < rhs.centimes }
    public static func + (lhs: Money, rhs: Money) -> Money { Money(centimes: lhs.centimes + rhs.centimes) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(centimes: lhs.centimes - rhs.centimes) }
    public static let zero = Money(centimes: 0)
}

public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case empty
    case negative(String)
    case notANumber(String)

    public var description: String {
        switch self {
        case .empty: return "an amount is required"
        case .negative(let text): return "\(text) is negative; amounts must be positive"
        case .notANumber(let text): return "\(text) is not an amount in dirhams (e.g. 1500000 or 1.500.000,50)"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

/// A non-negative decimal as written in the file (`1404775.68`, `50000.0`, `500`), kept as an
/// integer mantissa and a count of decimals so money is never rounded through `Double`.
struct DecimalAmount: Equatable {
    var mantissa: Int
    var decimals: Int

    /// More decimals than this cannot be scaled to a 64-bit integer alongside realistic amounts.
    static let maximumDecimals = 12

    /// Parses `digits[.digits]`; pabutools also takes `,` as the decimal mark, so this does too.
    /// Returns nil for anything else (signs, exponents, thousands separators, empty text).
    init?(_ bytes: UnsafeRawBufferPointer) {
        var mantissa = 0
        var decimals = 0
        var digits = 0
        var seenMark = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times10, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                mantissa = sum
                digits += 1
                if seenMark { decimals += 1 }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if seenMark || digits == 0 { return nil }
                seenMark = true
            default:
                return nil
            }
        }
        // "5." has a mark but no decimals: not a number pabutools' writer would produce; refuse it.
        if digits == 0 || (seenMark && decimals == 0) || decimals > Self.maximumDecimals { return nil }
        self.mantissa = mantissa
        self.decimals = decimals
    }

    /// Whether `bytes` is written as an amount (digits, at most one decimal mark, at most
    /// `maximumDecimals` decimals): when it is and `init` still fails, the amount is too large for
    /// 64 bits, which deserves its own message rather than "not a number".
    static func isWrittenAsAmount(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var digits = 0, decimals = 0, seenMark = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if seenMark { decimals += 1 }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if seenMark || digits == 0 { return false }
                seenMark = true
            default:
                return false
            }
        }
        return digits > 0 && (!seenMark || decimals > 0) && decimals <= maximumDecimals
    }

    /// The largest amount the engine takes, as written in a file: 64-bit signed integer units.
    static let largest = String(Int.max)

    init(mantissa: Int, decimals: Int) {
        self.mantissa = mantissa
        self.decimals = decimals
    }

    /// The amount in units of `10^-scale`, or nil when it does not fit in an `Int`.
    func scaled(to scale: Int) -> Int? {
        var value = mantissa
        for _ in decimals..<max(decimals, scale) {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = next
        }
        return value
    }
}

/// Writes `amount` (in units of `10^-scale`) with exactly `decimals` decimals, or with as few as
/// needed when `decimals` is nil. `decimals` must be at least what the amount needs.
func formatAmount(_ amount: Int, scale: Int, decimals: Int?) -> String {
    var digits = String(amount.magnitude)
    if scale > 0 {
        while digits.count <= scale { digits = "0" + digits }
        var fraction = String(digits.suffix(scale))
        digits.removeLast(scale)
        if let decimals {
            while fraction.count > decimals, fraction.hasSuffix("0") { fraction.removeLast() }
        } else {
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        if !fraction.isEmpty { digits += "." + fraction }
    }
    return amount < 0 ? "-" + digits : digits
}

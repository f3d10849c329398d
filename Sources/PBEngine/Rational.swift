import BigInt

/// An exact rational number. Equal-shares budgets and Phragmén loads are fractions whose
/// denominators grow round after round; comparing them in floating point would let rounding
/// decide ties, so they are kept exact.
public struct Rational: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let numerator: BigInt
    /// Always positive.
    public let denominator: BigInt

    public init(_ numerator: BigInt, _ denominator: BigInt = 1) {
        precondition(denominator != 0, "a rational with a zero denominator")
        var n = numerator, d = denominator
        if d < 0 { n = -n; d = -d }
        if d != 1 {
            let g = n.magnitude.greatestCommonDivisor(with: d.magnitude)
            if g > 1 {
                n /= BigInt(g)
                d /= BigInt(g)
            }
        }
        self.numerator = n
        self.denominator = d
    }

    public init(_ value: Int) { self.init(BigInt(value), 1) }

    public init(_ numerator: Int, _ denominator: Int) { self.init(BigInt(numerator), BigInt(denominator)) }

    public static let zero = Rational(0)

    public static func + (a: Rational, b: Rational) -> Rational {
        if a.denominator == b.denominator { return Rational(a.numerator + b.numerator, a.denominator) }
        return Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }
    public static func - (a: Rational, b: Rational) -> Rational {
        if a.denominator == b.denominator { return Rational(a.numerator - b.numerator, a.denominator) }
        return Rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
    }
    public static func * (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }
    public static func * (a: Rational, b: Int) -> Rational { Rational(a.numerator * BigInt(b), a.denominator) }
    public static func / (a: Rational, b: Rational) -> Rational {
        Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }
    public static func < (a: Rational, b: Rational) -> Bool {
        if a.denominator == b.denominator { return a.numerator < b.numerator }
        return a.numerator * b.denominator < b.numerator * a.denominator
    }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// For display only; decisions never use it.
    public var approximation: Double { Double(numerator) / Double(denominator) }
}

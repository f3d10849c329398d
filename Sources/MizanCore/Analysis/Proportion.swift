/// A share kept as the exact fraction of two integers (funded money over money spent, voters over
/// voters…). It is shown in per mille or percent rounded half up from those integers, so no
/// floating-point value ever decides, orders or displays a share.
public struct Proportion: Sendable, Hashable {
    public let numerator: Int64
    public let denominator: Int64

    /// `numerator` out of `denominator`; both are counts or amounts, never negative.
    public init(_ numerator: Int64, of denominator: Int64) {
        precondition(numerator >= 0 && denominator >= 0, "a proportion is of non-negative quantities")
        self.numerator = numerator
        self.denominator = denominator
    }

    public init(_ numerator: Int, of denominator: Int) {
        self.init(Int64(numerator), of: Int64(denominator))
    }

    /// Whole per mille, rounded half up; nil for a share of nothing (denominator zero).
    public var perMille: Int64? { scaled(by: 1000) }

    /// `numerator / denominator × scale` rounded half up, without overflow for any denominator up to
    /// 10^15 (split into quotient and remainder first).
    public func scaled(by scale: Int64) -> Int64? {
        guard denominator > 0 else { return nil }
        let quotient = numerator / denominator, remainder = numerator % denominator
        return quotient * scale + (remainder * scale * 2 + denominator) / (2 * denominator)
    }

    /// "37.5 %", or "–" for a share of nothing.
    public var percentText: String {
        guard let perMille else { return "–" }
        return "\(perMille / 10).\(perMille % 10) %"
    }

    /// Exact comparison by cross-multiplication (full width, so it cannot overflow).
    public func isLess(than other: Proportion) -> Bool {
        let left = numerator.multipliedFullWidth(by: other.denominator)
        let right = other.numerator.multipliedFullWidth(by: denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }
}

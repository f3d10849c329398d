/// An exact amount in a run of equal shares, together with how fast it moves when every voter's
/// starting budget moves.
///
/// Within one run, every voter budget, price and affordability is a linear function of the
/// starting budget per voter `x` for as long as every comparison the run makes keeps its result.
/// Carrying the slope next to the value lets the completion find the smallest `x` at which some
/// comparison could flip, and so skip every budget increment that cannot change the outcome,
/// instead of rerunning the rule for each one.
struct Parametric: Equatable {
    /// The value at the current starting budget.
    var value: Rational
    /// d(value)/dx; nil when the run does not track slopes (no completion), read as 0.
    var slope: Rational?

    static let zero = Parametric(value: .zero, slope: nil)

    static func constant(_ value: Rational) -> Parametric { Parametric(value: value, slope: nil) }

    static func + (a: Parametric, b: Parametric) -> Parametric {
        Parametric(value: a.value + b.value, slope: combine(a.slope, b.slope, +))
    }

    static func - (a: Parametric, b: Parametric) -> Parametric {
        Parametric(value: a.value - b.value, slope: combine(a.slope, b.slope, -))
    }

    static func * (a: Parametric, b: Int) -> Parametric {
        Parametric(value: a.value * b, slope: a.slope.map { $0 * b })
    }

    static func / (a: Parametric, b: Int) -> Parametric {
        let divisor = Rational(b)
        return Parametric(value: a.value / divisor, slope: a.slope.map { $0 / divisor })
    }

    private static func combine(
        _ a: Rational?, _ b: Rational?, _ operation: (Rational, Rational) -> Rational
    ) -> Rational? {
        if a == nil && b == nil { return nil }
        return operation(a ?? .zero, b ?? .zero)
    }
}

/// Collects, over every comparison a run makes, how far the starting budget per voter can grow
/// before the first of them could change its result.
struct ChangeHorizon {
    /// Whether comparisons are recorded at all.
    let enabled: Bool
    /// The smallest distance found; nil while no comparison can ever flip.
    private(set) var distance: Rational?

    init(enabled: Bool) { self.enabled = enabled }

    /// Records the comparison of `a` with `b` as made at the current budget.
    mutating func record(_ a: Parametric, _ b: Parametric) {
        guard enabled else { return }
        let gap = a.value - b.value
        let slope = (a.slope ?? .zero) - (b.slope ?? .zero)
        guard slope.numerator != 0 else { return }
        if gap.numerator == 0 {
            // Equal now and moving apart: any larger budget may decide differently.
            distance = .zero
            return
        }
        // Only a gap closing as the budget grows can flip.
        guard (gap.numerator < 0) != (slope.numerator < 0) else { return }
        let reach = Rational(-gap.numerator * slope.denominator, gap.denominator * slope.numerator)
        if distance == nil || reach < distance! { distance = reach }
    }
}

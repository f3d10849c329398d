import BigInt

/// How far the starting budget per voter can grow before some comparison made in a run of
/// equal shares could change its result.
///
/// Within one run, every voter budget, price and affordability is a linear function of the
/// starting budget per voter `x` for as long as every comparison the run makes keeps its result.
/// Each comparison is recorded with its current difference and the difference of its slopes;
/// the completion then jumps straight to the first increment at or beyond the smallest distance,
/// skipping every increment that cannot change the outcome instead of rerunning the rule for it.
struct ChangeHorizon {
    /// Whether comparisons are recorded at all.
    let enabled: Bool
    /// The smallest distance found exactly, as an unreduced fraction with a positive
    /// denominator; nil while none can flip. Kept unreduced because it is compared far more often
    /// than it is read.
    private var nearest: (numerator: BigInt, denominator: BigInt)?
    /// The smallest distance found from approximations, already shortened by a safety margin so
    /// it can only be too small (an extra run), never too large.
    private(set) var approximateDistance: Double?

    init(enabled: Bool) { self.enabled = enabled }

    /// The smallest distance found exactly.
    var distance: Rational? { nearest.map { Rational($0.numerator, $0.denominator) } }

    /// Nothing more to learn: some comparison may already flip at the next increment.
    var isSaturated: Bool { nearest?.numerator.isZero ?? false }

    /// Records a comparison whose two sides differ by `gap` now and by `slope` per unit of `x`,
    /// both scaled by the same positive factor.
    mutating func record(gap: BigInt, slope: BigInt) {
        guard enabled, !slope.isZero, !isSaturated else { return }
        if gap.isZero {
            // Equal now and moving apart: any larger budget may decide differently.
            nearest = (0, 1)
            return
        }
        // Only a gap that closes as the budget grows can flip, at distance |gap| / |slope|.
        guard (gap.signum() < 0) != (slope.signum() < 0) else { return }
        let reach = (numerator: gap.magnitude, denominator: slope.magnitude)
        if let current = nearest, BigInt(reach.numerator) * current.denominator >= current.numerator * BigInt(reach.denominator) {
            return
        }
        nearest = (BigInt(reach.numerator), BigInt(reach.denominator))
    }

    /// Records a distance found earlier (and already shortened): comparisons made at a smaller
    /// budget that still hold for this much more per voter.
    mutating func recordDistance(_ distance: Double) {
        guard enabled, !isSaturated else { return }
        if approximateDistance == nil || distance < approximateDistance! { approximateDistance = distance }
    }

    /// Records a comparison too close to call: it may flip at any larger budget.
    mutating func recordNearTie() {
        if enabled { nearest = (0, 1) }
    }

    /// The relative margin by which an approximate distance is shortened.
    static let safety = 1e-6

    /// Records a comparison known only approximately, whose gap is clearly not zero.
    mutating func recordApproximately(gap: Double, slope: Double) {
        guard enabled, slope != 0, !isSaturated, (gap < 0) != (slope < 0) else { return }
        let reach = abs(gap) / abs(slope) * (1 - Self.safety)
        if approximateDistance == nil || reach < approximateDistance! { approximateDistance = reach }
    }

    /// Whole increments of `unit` that certainly leave the run unchanged, plus one: where to
    /// evaluate next. nil when no comparison can ever flip.
    func nextStep(unit: BigInt) -> BigInt? {
        var steps: BigInt?
        if let nearest {
            // ceil(distance / unit), at least 1.
            let exact = (nearest.numerator + nearest.denominator * unit - 1) / (nearest.denominator * unit)
            steps = Swift.max(BigInt(1), exact)
        }
        if let approximateDistance {
            let units = (approximateDistance / Double(unit)).rounded(.up)
            let approximate = units >= 1e15 ? BigInt(1) << 50 : Swift.max(BigInt(1), BigInt(Int(units)))
            steps = steps.map { Swift.min($0, approximate) } ?? approximate
        }
        return steps
    }
}

/// `a / b` as a Double without overflowing on numbers of any size; for ordering and filtering
/// only, never for a decision that equality could change.
func approximateRatio(_ a: BigInt, _ b: BigInt) -> Double {
    func split(_ x: BigInt) -> (Double, Int) {
        let shift = Swift.max(0, x.magnitude.bitWidth - 62)
        return (Double(x >> shift), shift)
    }
    let (ma, sa) = split(a), (mb, sb) = split(b)
    return Double(sign: .plus, exponent: sa - sb, significand: ma / mb)
}

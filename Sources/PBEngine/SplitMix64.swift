/// SplitMix64 (Steele, Lea and Flood): the one seeded generator of Mizan, for `mizan pb generate`
/// and every test that draws random cases. Tiny, fast and fully determined by its seed, with its
/// own integer-to-number conversions, so the same seed gives the same elections, files and test
/// cases with any Swift version or platform (the standard library's generators and `random(in:)`
/// promise neither). It lives in PBEngine, the module every other one can import.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in 0..<bound (the bias is below 2^-40 for bounds below 2^24).
    public mutating func below(_ bound: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(bound)).high) }
}

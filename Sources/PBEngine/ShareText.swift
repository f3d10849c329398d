import BigInt

/// Shares (of voters, of a cost) as people and Pabulib META write them: `80%`, `12.5%`, `0.8` or
/// `4/5`. One reader and one writer, so a share written into an export reads back exactly.
extension Rational {
    /// A share between 0 and 1 inclusive; nil for anything else.
    public init?(shareText text: String) {
        let trimmed = text
        var value: Rational?
        if trimmed.hasSuffix("%") {
            value = Rational.decimal(String(trimmed.dropLast())).map { $0 * Rational(1, 100) }
        } else if let slash = trimmed.firstIndex(of: "/") {
            if let n = Int(trimmed[..<slash]), let d = Int(trimmed[trimmed.index(after: slash)...]), d > 0 { value = Rational(n, d) }
        } else {
            value = Rational.decimal(trimmed)
        }
        guard let value, value >= .zero, value <= Rational(1) else { return nil }
        self = value
    }

    /// `80%`, `12.5%` when a percentage with up to four decimals is exact, else `n/d`.
    public var shareText: String {
        for places in 0...4 {
            let scale = BigInt(10).power(places)
            let scaled = numerator * 100 * scale
            guard scaled % denominator == 0 else { continue }
            let digits = String(scaled / denominator)
            if places == 0 { return digits + "%" }
            let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
            return padded.dropLast(places) + "." + padded.suffix(places) + "%"
        }
        return "\(numerator)/\(denominator)"
    }

    /// `12`, `12.5`, `.5`: digits with at most one point, at most 12 digits in all.
    private static func decimal(_ text: String) -> Rational? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !text.isEmpty, text.count <= 13, parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
            parts.contains(where: { !$0.isEmpty })
        else { return nil }
        let whole = parts[0].isEmpty ? 0 : Int(parts[0])!
        guard parts.count == 2, !parts[1].isEmpty else { return parts.count == 1 ? Rational(whole) : nil }
        let fraction = Int(parts[1])!
        let scale = BigInt(10).power(parts[1].count)
        return Rational(BigInt(whole) * scale + BigInt(fraction), scale)
    }
}

/// A count of voters as it may be published: exact, or withheld.
///
/// Statistics about who voted must not single anyone out, so a breakdown never shows a cell of
/// fewer than `ProtectedCount.threshold` voters. Zero included: if only 1–9 were hidden, "fewer
/// than 10" would still tell that somebody of that group voted.
public enum ProtectedCount: Sendable, Hashable {
    /// The exact number, 10 or more.
    case exact(Int)
    /// Fewer than 10 voters (0 to 9): the number is never published.
    case fewerThanThreshold
    /// At least 10 voters, withheld anyway so that a small cell of the same breakdown cannot be
    /// recovered by subtracting the published cells from the total.
    case masked

    /// Cells of fewer voters than this are never published.
    public static let threshold = 10

    /// The number, when it may be shown.
    public var value: Int? {
        if case .exact(let value) = self { return value }
        return nil
    }

    public var isWithheld: Bool { value == nil }

    /// The protected form of a raw count, on its own (no masking of neighbours).
    init(alone count: Int) {
        self = count < Self.threshold ? .fewerThanThreshold : .exact(count)
    }

    /// As written in downloads: the number, `<10`, or `[c]` (confidential, the usual mark of
    /// statistical offices for a cell withheld to protect another).
    public var csvText: String {
        switch self {
        case .exact(let value): String(value)
        case .fewerThanThreshold: "<\(Self.threshold)"
        case .masked: "[c]"
        }
    }
}

extension ProtectedCount: Encodable {
    /// A number when exact, otherwise the same marks as the CSV downloads (`"<10"`, `"[c]"`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exact(let value): try container.encode(value)
        default: try container.encode(csvText)
        }
    }
}

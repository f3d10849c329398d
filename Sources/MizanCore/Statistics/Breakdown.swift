/// Voters split by one attribute (district, channel, sex, age band), with the small-cell rule
/// already applied: the raw counts go into `init(counting:)` and never come out again, so no
/// caller can forget to protect them.
///
/// The rule, for a breakdown whose cells add up to a published total:
/// 1. every cell of fewer than 10 voters (0 included) is withheld as `.fewerThanThreshold`;
/// 2. if exactly one cell was withheld that way and it is not empty, the smallest of the other
///    cells (the earliest in order on a tie) is withheld too, as `.masked`. The total minus the
///    shown cells then only gives the sum of two or more withheld cells, never one of them. A lone
///    empty cell needs no partner: subtraction shows it is 0, which describes nobody, and masking
///    a real cell for it would hide, say, a whole district's turnout whenever every voter has one;
/// 3. the total itself follows rule 1 (a total under 10 means every cell is under 10 too).
/// What stays knowable is the sum of the withheld cells (two or more); when that sum is 0, each is
/// 0, which describes nobody.
/// Every category is always listed, in a fixed order, even when empty, so that a missing row
/// cannot stand for a zero.
public struct Breakdown<Key: Hashable & Sendable>: Sendable {
    public struct Cell: Sendable {
        public let key: Key
        public let count: ProtectedCount
    }

    public let cells: [Cell]
    /// The sum of all cells, under the same threshold.
    public let total: ProtectedCount

    /// `counts` in display order, each key once.
    public init(counting counts: [(key: Key, count: Int)]) {
        let protected = Self.protect(counts.map(\.count))
        cells = zip(counts, protected).map { Cell(key: $0.0.key, count: $0.1) }
        total = ProtectedCount(alone: counts.reduce(0) { $0 + $1.count })
    }

    /// Rules 1 and 2 on a list of counts, keeping the order.
    static func protect(_ counts: [Int]) -> [ProtectedCount] {
        var protected = counts.map(ProtectedCount.init(alone:))
        let small = counts.indices.filter { protected[$0] == .fewerThanThreshold }
        if small.count == 1, counts[small[0]] > 0,
           let partner = counts.indices.filter({ !protected[$0].isWithheld }).min(by: { counts[$0] < counts[$1] }) {
            protected[partner] = .masked
        }
        return protected
    }
}

extension Breakdown.Cell: Encodable where Key: Encodable {}
extension Breakdown: Encodable where Key: Encodable {}

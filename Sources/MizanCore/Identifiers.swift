/// The number of a stored row of one kind: a cycle's number cannot be passed where a proposal's is
/// expected, which plain `Int`s allowed (both are small integers, and a swap still type-checked).
///
/// The phantom `Entity` is never stored; it only keeps the kinds apart.
public struct EntityID<Entity>: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    LosslessStringConvertible, Codable
{
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// A decimal number as in an address or a command line; nil for anything else.
    public init?(_ description: String) {
        guard let value = Int(description) else { return nil }
        rawValue = value
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public typealias CycleID = EntityID<Cycle>
public typealias ProposalID = EntityID<Proposal>
public typealias CommuneID = EntityID<Commune>
public typealias DistrictID = EntityID<District>

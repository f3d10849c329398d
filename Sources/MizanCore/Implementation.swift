/// Where a funded project's works stand.
public enum ImplementationStatus: String, CaseIterable, Sendable {
    case planned, tendering
    case inProgress = "in_progress"
    case completed, stalled, cancelled
}

/// One dated progress report on a funded project, checked before anything is stored.
public struct ImplementationUpdate: Hashable, Sendable {
    public let status: ImplementationStatus
    /// Percent done, 0 to 100.
    public let progress: Int
    public let spent: Money
    /// A note for the public.
    public let note: String?

    public init(status: ImplementationStatus, progress: Int, spent: Money, note: String?) throws(ImplementationError) {
        guard (0...100).contains(progress) else { throw .invalid("--progress must be between 0 and 100") }
        guard spent.centimes >= 0 else { throw .invalid("--spent cannot be negative") }
        self.status = status
        self.progress = progress
        self.spent = spent
        self.note = note
    }

    /// From the words of a form or a command line.
    public init(parsingStatus status: String, progress: Int, spent: String, note: String?) throws(ImplementationError) {
        guard let parsed = ImplementationStatus(rawValue: status) else {
            throw .invalid("--status must be one of \(ImplementationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...100).contains(progress) else { throw .invalid("--progress must be between 0 and 100") }
        let money: Money
        do { money = try Money(parsing: spent) } catch { throw .invalid("--spent: \(error)") }
        try self.init(status: parsed, progress: progress, spent: money, note: note)
    }
}

public enum ImplementationError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    case notFunded(ProposalID)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .notFunded(let project): "project \(project) is not funded in a published outcome"
        }
    }
}

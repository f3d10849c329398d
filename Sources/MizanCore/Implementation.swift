import Foundation

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
    /// A note for the public: the milestone reached.
    public let note: String?
    /// A photo or document about it: an `https://` address.
    public let link: String?
    /// The day the milestone was reached, when it is not the day it is recorded.
    public let reachedOn: CalendarDate?

    public init(
        status: ImplementationStatus, progress: Int, spent: Money, note: String?, link: String? = nil, reachedOn: CalendarDate? = nil
    ) throws(ImplementationError) {
        guard (0...100).contains(progress) else { throw .invalid("--progress must be between 0 and 100") }
        guard spent.centimes >= 0 else { throw .invalid("--spent cannot be negative") }
        if let note, note.count > 2000 { throw .invalid("--note is longer than 2000 characters") }
        let link = link?.trimmingCharacters(in: .whitespaces)
        if let link, !link.isEmpty, !Self.isLink(link) {
            throw .invalid("--link must be an https:// address of at most 500 characters, without spaces or quotes")
        }
        self.status = status
        self.progress = progress
        self.spent = spent
        self.note = note
        self.link = link?.isEmpty == false ? link : nil
        self.reachedOn = reachedOn
    }

    /// An `https://` address a page can link to safely: a host, an optional port and path, no
    /// spaces, quotes or angle brackets (the database checks the same).
    static func isLink(_ text: String) -> Bool {
        guard text.count <= 500, text.hasPrefix("https://"), let url = URL(string: text), url.scheme == "https",
            let host = url.host, !host.isEmpty
        else { return false }
        return !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value >= 0x7f || "<>\"".unicodeScalars.contains($0) }
            && host.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "." || $0 == "-" }
    }

    /// From the words of a form or a command line.
    public init(
        parsingStatus status: String, progress: Int, spent: String, note: String?, link: String? = nil, reachedOn: String? = nil
    ) throws(ImplementationError) {
        guard let parsed = ImplementationStatus(rawValue: status) else {
            throw .invalid("--status must be one of \(ImplementationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...100).contains(progress) else { throw .invalid("--progress must be between 0 and 100") }
        let money: Money
        do { money = try Money(parsing: spent) } catch { throw .invalid("--spent: \(error)") }
        var day: CalendarDate?
        if let text = reachedOn?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let date = CalendarDate(typed: text) else { throw .invalid("--date must be a day written YYYY-MM-DD between 2000 and 2100") }
            day = date
        }
        try self.init(status: parsed, progress: progress, spent: money, note: note, link: link, reachedOn: day)
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

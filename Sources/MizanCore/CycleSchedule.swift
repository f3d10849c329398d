import Foundation

/// The dates a commune announces for a cycle: when proposals are taken and when voting runs.
///
/// Staff still move the cycle from phase to phase (`AdvanceCycle`); the dates tell residents what
/// to expect, on the cycle page and in the staff's settings. Each is optional; those given follow
/// one another (the database checks the order too), and they are settled once voting opens.
public struct CycleSchedule: Sendable, Hashable {
    public var proposalsOpen: CalendarDate?
    public var proposalsClose: CalendarDate?
    public var votingOpen: CalendarDate?
    public var votingClose: CalendarDate?

    public init(proposalsOpen: CalendarDate? = nil, proposalsClose: CalendarDate? = nil, votingOpen: CalendarDate? = nil, votingClose: CalendarDate? = nil) {
        self.proposalsOpen = proposalsOpen
        self.proposalsClose = proposalsClose
        self.votingOpen = votingOpen
        self.votingClose = votingClose
    }

    public static let unannounced = CycleSchedule()

    public var isEmpty: Bool { self == .unannounced }

    /// The dates in their order, with the field each is typed in.
    public var fields: [(field: String, date: CalendarDate?)] {
        [("proposals-open", proposalsOpen), ("proposals-close", proposalsClose), ("voting-open", votingOpen), ("voting-close", votingClose)]
    }

    /// From `YYYY-MM-DD` text as typed; an empty field is a date not announced. Each date must
    /// exist in the calendar, and each must not come before the ones above it.
    public init(proposalsOpen: String?, proposalsClose: String?, votingOpen: String?, votingClose: String?) throws(CycleError) {
        self.init(
            proposalsOpen: try Self.day(proposalsOpen, field: "proposals-open"),
            proposalsClose: try Self.day(proposalsClose, field: "proposals-close"),
            votingOpen: try Self.day(votingOpen, field: "voting-open"),
            votingClose: try Self.day(votingClose, field: "voting-close"))
        var earlier: (field: String, date: CalendarDate)?
        for (field, date) in fields {
            guard let date else { continue }
            if let earlier, date < earlier.date {
                throw .invalid(field, "\(date) comes before \(earlier.field) (\(earlier.date))")
            }
            earlier = (field, date)
        }
    }

    private static func day(_ text: String?, field: String) throws(CycleError) -> CalendarDate? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let date = CalendarDate(typed: text) else { throw .invalid(field, "\"\(text)\" is not a date written YYYY-MM-DD between 2000 and 2100") }
        return date
    }
}

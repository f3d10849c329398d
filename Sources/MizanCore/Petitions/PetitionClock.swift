import Foundation

/// The three months the council has from filing to answer a petition (a rejection must be
/// notified with its reasons within that time). Mizan shows the clock to everyone from the day a
/// petition is filed, and flags an answer (or a rejection) that came after it, or none at all
/// once it has run out.
///
/// Months are calendar months in Morocco's time zone: filed on 30 November, due on 28 (or 29)
/// February, as `Calendar` adds months. The time of day is kept.
public struct PetitionClock: Sendable, Equatable {
    public let filedAt: Date
    /// When the council answered or rejected it; nil while it has not.
    public let answeredAt: Date?

    public static let months = 3

    public init(filedAt: Date, answeredAt: Date?) {
        self.filedAt = filedAt
        self.answeredAt = answeredAt
    }

    public var deadline: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Africa/Casablanca") ?? .gmt
        return calendar.date(byAdding: .month, value: Self.months, to: filedAt) ?? filedAt.addingTimeInterval(92 * 86_400)
    }

    public enum Status: Sendable, Equatable {
        /// Not answered yet, with whole days left (0 on the last day).
        case running(daysLeft: Int)
        /// Answered in time.
        case answeredInTime
        /// Answered after the deadline.
        case answeredLate
        /// The deadline passed with no answer.
        case overdue
    }

    /// Where the clock stands at `now` (the caller's clock: tests give their own).
    public func status(at now: Date) -> Status {
        let deadline = deadline
        if let answeredAt { return answeredAt <= deadline ? .answeredInTime : .answeredLate }
        if now > deadline { return .overdue }
        return .running(daysLeft: Int(deadline.timeIntervalSince(now) / 86_400))
    }

    /// True when the answer came, or is, late.
    public func isLate(at now: Date) -> Bool {
        switch status(at: now) {
        case .answeredLate, .overdue: true
        case .running, .answeredInTime: false
        }
    }
}

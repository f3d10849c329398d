/// Voters per day and the running total, protected like a `Breakdown` and more: a running total
/// shown on two days gives the sum of the days between, so it is shown only where that cannot
/// isolate a withheld day.
///
/// The rule:
/// 1. days are a `Breakdown` by date (fewer than 10 withheld, one more masked when only one is);
///    every calendar day from the first vote to the last is listed, so a missing day never means 0;
/// 2. the running total of a day is shown only if it is at least 10 and, since the previous day
///    whose running total is shown (or the start), either no day or at least two days were
///    withheld; otherwise it is `.masked`;
/// 3. the last running total is the published total; if the days since the previous shown
///    running total hold exactly one withheld day, earlier running totals are masked until the
///    stretch holds two or more (by rule 1 the whole series holds none, at least two, or a single
///    empty day, which subtraction from the total shows as 0 anyway).
/// Differences between shown running totals and shown days then only ever give sums of two or
/// more withheld days, or a 0.
public struct DailyTurnout: Sendable {
    public struct Day: Sendable {
        public let date: CalendarDate
        public let voters: ProtectedCount
        public let runningTotal: ProtectedCount
    }

    public let days: [Day]
    public let total: ProtectedCount

    /// `counts` by date, in any order, without duplicates; gaps are filled with zero days.
    public init(counting counts: [(date: CalendarDate, count: Int)]) {
        let sorted = counts.sorted { $0.date < $1.date }
        var filled: [(date: CalendarDate, count: Int)] = []
        for entry in sorted {
            if var day = filled.last?.date {
                day = day.next
                while day < entry.date {
                    filled.append((day, 0))
                    day = day.next
                }
            }
            filled.append(entry)
        }
        let breakdown = Breakdown(counting: filled.map { (key: $0.date, count: $0.count) })
        total = breakdown.total

        var running = 0
        var runningTotals: [ProtectedCount] = []
        var shown: [(index: Int, withheldBefore: Int)] = []
        var withheldSince = 0
        for (index, cell) in breakdown.cells.enumerated() {
            running += filled[index].count
            if cell.count.isWithheld { withheldSince += 1 }
            if running >= ProtectedCount.threshold, withheldSince != 1 {
                runningTotals.append(.exact(running))
                shown.append((index, withheldSince))
                withheldSince = 0
            } else {
                runningTotals.append(running < ProtectedCount.threshold ? .fewerThanThreshold : .masked)
            }
        }
        if let last = runningTotals.indices.last, !total.isWithheld {
            if shown.last?.index == last {
                withheldSince = shown.removeLast().withheldBefore
            }
            while withheldSince == 1, let previous = shown.popLast() {
                runningTotals[previous.index] = .masked
                withheldSince += previous.withheldBefore
            }
            runningTotals[last] = total
        }
        days = zip(breakdown.cells, runningTotals).map { Day(date: $0.0.key, voters: $0.0.count, runningTotal: $0.1) }
    }
}

/// A day of the calendar, without time or zone (the day a vote was recorded, in Morocco's time).
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Encodable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }

    /// A day as staff type it in a form or on the command line: exactly `YYYY-MM-DD` in ASCII
    /// digits, a day the calendar has, from 2000 to 2100. (`init?(iso:)` reads what the database
    /// writes and checks less.)
    public init?(typed text: String) {
        guard text.count == 10, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
              let date = CalendarDate(iso: text), (2000...2100).contains(date.year),
              date.day <= Self.days(inMonth: date.month, of: date.year)
        else { return nil }
        self = date
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public var next: CalendarDate {
        if day < Self.days(inMonth: month, of: year) { return CalendarDate(year: year, month: month, day: day + 1) }
        if month < 12 { return CalendarDate(year: year, month: month + 1, day: 1) }
        return CalendarDate(year: year + 1, month: 1, day: 1)
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension DailyTurnout: Encodable {}
extension DailyTurnout.Day: Encodable {}

import Foundation
import MizanCore

/// Every user-facing string, per language, from `Catalogs/<language>.json` and any
/// `Catalogs/<area>.<language>.json` beside it (one file per part of the site, so each part's text
/// stays together). French is the reference: a test fails when another catalog lacks one of its keys,
/// and loading fails when two files define the same key.
public struct Catalogs: Sendable {
    let strings: [Language: [String: String]]

    public init() throws {
        guard let folder = Bundle.module.url(forResource: "Catalogs", withExtension: nil) else { throw PageError.missingResources }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let mine = files.filter { $0 == "\(language.rawValue).json" || $0.hasSuffix(".\(language.rawValue).json") }
            guard mine.contains("\(language.rawValue).json") else { throw PageError.missingResources }
            var table: [String: String] = [:]
            for file in mine {
                let part = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: folder.appendingPathComponent(file)))
                try table.merge(part) { _, _ in throw PageError.duplicateKey(file) }
            }
            strings[language] = table
        }
        self.strings = strings
    }

    /// The whole catalog of a language, for templates (`{{t.key}}`).
    public func table(_ language: Language) -> [String: String] {
        strings[language] ?? [:]
    }

    /// Keys French has that `language` lacks.
    public func missingKeys(in language: Language) -> [String] {
        let reference = Set(strings[.fr]?.keys ?? [:].keys)
        return reference.subtracting(strings[language]?.keys ?? [:].keys).sorted()
    }

    /// A string with `{name}` placeholders filled in. A missing key shows as the key itself, which
    /// the catalog test prevents from ever reaching users.
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = strings[language]?[key] ?? strings[.fr]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Amounts as `1.234.567,89 MAD`, with the currency in words on Arabic pages ("درهم": the
    /// abbreviation "د.م." ends in a full stop that doubles the one ending a sentence). A no-break
    /// space keeps the amount and its currency on one line.
    public func money(_ amount: Money, _ language: Language) -> String {
        amount.formatted(currency: language == .ar ? "درهم" : "MAD").replacingOccurrences(of: " ", with: "\u{00A0}")
    }

    /// A count with thousands grouped by dots.
    public func number(_ value: Int) -> String { groupedNumber(value) }

    /// A day of the calendar: `31 mai 2027`.
    public func day(_ date: CalendarDate, _ language: Language) -> String {
        "\(date.day) \(text("month_\(date.month)", language)) \(date.year)"
    }

    /// Gregorian date and time in Morocco's zone.
    public func date(_ date: Date, _ language: Language, withTime: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Africa/Casablanca") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let month = text("month_\(parts.month ?? 1)", language)
        var result = "\(parts.day ?? 1) \(month) \(parts.year ?? 2000)"
        if withTime {
            result += String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        }
        return result
    }
}

import Foundation

/// The languages of the site. Tamazight is written in Tifinagh.
public enum Language: String, CaseIterable, Sendable {
    case ar, fr, en, zgh

    /// Right-to-left for Arabic; Tifinagh is written left to right.
    public var direction: String { self == .ar ? "rtl" : "ltr" }

    /// The language's own name, for the language menu.
    public var nativeName: String {
        switch self {
        case .ar: "العربية"
        case .fr: "Français"
        case .en: "English"
        case .zgh: "ⵜⴰⵎⴰⵣⵉⵖⵜ"
        }
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    public static func preferred(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { return nil }
            let primary = String(tag.split(separator: "-").first ?? "")
            let language: Language? = switch primary {
            case "ar": .ar
            case "fr": .fr
            case "en": .en
            case "zgh", "tzm", "ber", "shi", "rif", "kab": .zgh
            default: nil
            }
            guard let language else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0
    }
}


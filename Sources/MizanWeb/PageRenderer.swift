import Foundation
import Hummingbird
import Mustache

/// Renders pages: a page template fills the body, the layout wraps it. Templates escape every value
/// by default; only the body, which we rendered ourselves, is inserted unescaped.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: String
    public let catalogs: Catalogs

    public init() throws {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let stylesheet = Bundle.module.url(forResource: "Static/mizan", withExtension: "css")
        else { throw PageError.missingResources }
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        self.stylesheet = try String(contentsOf: stylesheet, encoding: .utf8)
        catalogs = try Catalogs()
    }

    /// A whole HTML page in `language` at one of the site's addresses.
    func render(_ page: some PageModel, language: Language, url: SiteURL, status: HTTPResponse.Status = .ok) throws -> Response {
        try render(page, language: language, path: url.path, status: status)
    }

    /// A whole HTML page in `language`; `path` is the page's address without the language prefix,
    /// for the language menu.
    public func render(
        _ page: some PageModel, language: Language, path: String, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let table = catalogs.table(language)
        let scope = Scope(page: page, extras: ["t": table, "lang": language.rawValue])
        guard let body = library.render(scope, withTemplate: page.template) else { throw PageError.missingTemplate(page.template) }
        let layout = Layout(
            title: page.title(catalogs, language), lang: language.rawValue, dir: language.direction, body: body, t: table,
            home: SiteURL.home.href(language), checkBallot: SiteURL.receiptLookup.href(language),
            languages: Language.allCases.map {
                LanguageLink(code: $0.rawValue, name: $0.nativeName, href: "/\($0.rawValue)\(path)", current: $0 == language)
            })
        guard let html = library.render(Scope(page: layout, extras: ["t": table]), withTemplate: "layout") else { throw PageError.missingTemplate("layout") }
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentLanguage] = language.rawValue
        return response
    }

    /// Stored properties only: templates see values through reflection, which skips computed ones.
    struct Layout {
        let title: String
        let lang: String
        let dir: String
        let body: String
        let t: [String: String]
        let home: String
        /// "Check my ballot", in the footer of every page.
        let checkBallot: String
        let languages: [LanguageLink]
    }

    struct LanguageLink {
        let code: String
        let name: String
        let href: String
        let current: Bool
    }

    /// Looks names up in a few shared values (the catalog `t`, `lang`) and then in the page model.
    struct Scope: MustacheParent {
        let page: Any
        let extras: [String: Any]

        func child(named name: String) -> Any? {
            if let value = extras[name] { return value }
            return TemplateValue.child(named: name, of: page)
        }
    }
}

/// What a template sees of a Swift value, at every depth: optionals taken off (a missing value is
/// no value, so `{{#x}}` skips it and `{{x}}` prints nothing), arrays without their missing
/// elements, and structs, classes and dictionaries looked into through this same rule. Left to
/// itself, swift-mustache unwraps one optional level of a struct's property and none inside
/// arrays or dictionaries, and prints what is left as "nil" or "Optional(…)"; routing every
/// lookup through here closes that for every page at once.
enum TemplateValue {
    /// The property or key `name` of `value`, ready for a template.
    static func child(named name: String, of value: Any) -> Any? {
        if let dictionary = value as? [String: Any] {
            return dictionary[name].flatMap(prepared)
        }
        guard let property = Mirror(reflecting: value).children.first(where: { $0.label == name })?.value else { return nil }
        return prepared(property)
    }

    /// `value` with optionals removed and containers wrapped so their own children are prepared
    /// when looked up.
    static func prepared(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return prepared(wrapped)
        case .collection, .set:
            return mirror.children.compactMap { prepared($0.value) }
        case .dictionary:
            return (value as? [String: Any]).map { Container(value: $0) }
        case .struct, .class, .tuple:
            // Text, numbers and flags are structs too: they go to the template as they are.
            if value is String || value is Bool || value is any Numeric || value is Substring { return value }
            return Container(value: value)
        default:
            return value
        }
    }

    /// A struct, class or dictionary whose children are looked up through `TemplateValue`.
    /// Printed (`{{x}}`) it reads as the value itself.
    struct Container: MustacheParent, CustomStringConvertible {
        let value: Any

        func child(named name: String) -> Any? { TemplateValue.child(named: name, of: value) }

        var description: String { String(describing: value) }
    }
}

/// What every page model gives the layout.
public protocol PageModel {
    var template: String { get }
    func title(_ catalogs: Catalogs, _ language: Language) -> String
}

enum PageError: Error, CustomStringConvertible {
    case missingResources
    case missingTemplate(String)
    case duplicateKey(String)

    var description: String {
        switch self {
        case .missingResources: return "the web templates, catalogs or stylesheet were not found in the MizanWeb bundle"
        case .missingTemplate(let name): return "no template named \(name)"
        case .duplicateKey(let file): return "the catalog \(file) repeats a key another catalog file defines"
        }
    }
}

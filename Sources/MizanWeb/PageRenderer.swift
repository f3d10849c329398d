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
            home: SiteURL.home.href(language),
            languages: Language.allCases.map {
                LanguageLink(code: $0.rawValue, name: $0.nativeName, href: "/\($0.rawValue)\(path)", current: $0 == language)
            })
        guard let html = library.render(layout, withTemplate: "layout") else { throw PageError.missingTemplate("layout") }
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
            guard let value = Mirror(reflecting: page).children.first(where: { $0.label == name })?.value else { return nil }
            return Self.unwrapped(value)
        }

        /// A property's value with any Optional taken off: reflection hands an optional property
        /// over boxed as `Any`, which a template would print as "nil" or "Optional(…)".
        static func unwrapped(_ value: Any) -> Any? {
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return value }
            guard let wrapped = mirror.children.first?.value else { return nil }
            return unwrapped(wrapped)
        }
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

import Foundation
import Hummingbird
import Mustache

/// Renders pages: a page template fills the body, the layout wraps it. Templates escape every value
/// by default; only the body, which we rendered ourselves, is inserted unescaped.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: String

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
    }

    /// A whole HTML page.
    public func render(_ page: some PageModel, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let body = library.render(page, withTemplate: page.template) else { throw PageError.missingTemplate(page.template) }
        let layout = Layout(title: page.title, lang: page.language.code, dir: page.language.direction, body: body)
        guard let html = library.render(layout, withTemplate: "layout") else { throw PageError.missingTemplate("layout") }
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Stored properties only: templates see values through reflection, which skips computed ones.
    struct Layout {
        let title: String
        let lang: String
        let dir: String
        let body: String
    }
}

/// What every page model gives the layout.
public protocol PageModel {
    var template: String { get }
    var title: String { get }
    var language: PageLanguage { get }
}

/// The page's language and writing direction.
public struct PageLanguage: Sendable {
    public let code: String
    public let direction: String
    public static let french = PageLanguage(code: "fr", direction: "ltr")
    public static let arabic = PageLanguage(code: "ar", direction: "rtl")
}

enum PageError: Error, CustomStringConvertible {
    case missingResources
    case missingTemplate(String)

    var description: String {
        switch self {
        case .missingResources: return "the web templates and stylesheet were not found in the MizanWeb bundle"
        case .missingTemplate(let name): return "no template named \(name)"
        }
    }
}

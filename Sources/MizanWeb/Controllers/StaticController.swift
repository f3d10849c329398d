import Foundation
import Hummingbird

/// The stylesheets and the ballot's script, served from memory with a long cache lifetime. The
/// script is the only one the site has: the content security policy allows scripts from this
/// origin and no inline script, and every page works without it.
struct StaticController {
    let pages: PageRenderer

    /// Files of `Static/` served beside `mizan.css`, with their content type.
    static let files = [("ballot.css", "text/css; charset=utf-8"), ("ballot.js", "text/javascript; charset=utf-8")]

    func addRoutes(to router: Router<WebContext>) throws {
        serve(ByteBuffer(string: pages.stylesheet), at: "static/mizan.css", type: "text/css; charset=utf-8", on: router)
        for (name, type) in Self.files {
            let parts = name.split(separator: ".")
            guard let url = Bundle.module.url(forResource: "Static/\(parts[0])", withExtension: String(parts[1])) else {
                throw PageError.missingResources
            }
            serve(ByteBuffer(data: try Data(contentsOf: url)), at: "static/\(name)", type: type, on: router)
        }
    }

    private func serve(_ body: ByteBuffer, at path: RouterPath, type: String, on router: Router<WebContext>) {
        router.get(path) { _, _ in
            Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: body))
        }
    }
}

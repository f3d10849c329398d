import Hummingbird

/// The stylesheet, served from memory with a long cache lifetime.
struct StaticController {
    let pages: PageRenderer

    func addRoutes(to router: Router<WebContext>) {
        let stylesheet = ByteBuffer(string: pages.stylesheet)
        router.get("static/mizan.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: stylesheet))
        }
    }
}

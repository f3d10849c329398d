import Foundation
import Testing
@testable import MizanWeb

/// A multipart body builder for tests: parts in order, each a text field or a file, with the
/// boundary a browser would choose.
struct MultipartBody {
    static let boundary = "----MizanTestBoundary7MA4YWxkTrZu0gW"
    var parts: [(headers: String, body: [UInt8])] = []

    mutating func field(_ name: String, _ value: String) {
        parts.append(("Content-Disposition: form-data; name=\"\(name)\"", Array(value.utf8)))
    }

    mutating func file(_ name: String, filename: String, _ contents: [UInt8], type: String = "text/csv") {
        parts.append(("Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)", contents))
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(Self.boundary)\r\n\(part.headers)\r\n\r\n".utf8) + part.body + Array("\r\n".utf8)
        }
        return out + Array("--\(Self.boundary)--\r\n".utf8)
    }

    static var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

/// The strict `multipart/form-data` reader: what browsers send is read exactly (a file's bytes
/// as sent, CRLFs included), anything else is refused with the parts before it kept, and no
/// body, however broken, makes it crash or loop.
@Suite("Multipart form reader")
struct MultipartFormTests {
    static let limit = MultipartLimit(bytes: 1 << 20)

    func parse(_ bytes: [UInt8], boundary: String = MultipartBody.boundary, truncated: Bool = false) -> MultipartForm {
        MultipartForm(bytes: bytes, boundary: boundary, limit: Self.limit, truncated: truncated)
    }

    @Test func readsWhatABrowserSends() {
        var body = MultipartBody()
        body.field("csrf", "tok-123")
        let contents: [UInt8] = Array("national_id,birth_date\r\nAB123456,1990-05-12\r\n--not-the-boundary\r\n".utf8) + [0xFF, 0x00]
        body.file("registry", filename: "C:\\Users\\amina\\liste électorale.csv", contents)
        body.field("skip_invalid", "yes")
        body.field("mode", "check")
        let form = parse(body.bytes)
        #expect(form.problem == nil)
        #expect(form["csrf"] == "tok-123" && form["mode"] == "check" && form["skip_invalid"] == "yes")
        let file = form.file("registry")
        #expect(file?.body == contents, "a file's bytes come through as sent")
        #expect(file?.displayName == "liste électorale.csv", "only the last path component is kept")
        #expect(file?.auditName == "liste_électorale.csv")
        #expect(form["registry"] == nil, "a file is not a text field")
    }

    @Test func noFileChosenIsNoFile() {
        var body = MultipartBody()
        body.field("csrf", "t")
        body.file("registry", filename: "", [], type: "application/octet-stream")
        let form = parse(body.bytes)
        #expect(form.problem == nil)
        #expect(form.file("registry") == nil)
    }

    @Test func theBoundaryComesFromTheContentType() {
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(of: "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"") == "a b:c")
        #expect(MultipartForm.boundary(of: "multipart/form-data") == nil, "missing boundary")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\(String(repeating: "a", count: 71))") == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=a; boundary=b") == nil, "two boundaries")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=a\r\nb") == nil)
        #expect(MultipartForm.boundary(of: "multipart/mixed; boundary=a") == nil)
        #expect(MultipartForm.boundary(of: "application/x-www-form-urlencoded") == nil)
    }

    /// Each of these is refused, and what came before the bad part is kept (the CSRF field).
    @Test(arguments: [
        ("huge header", "Content-Disposition: form-data; name=\"x\"\r\nContent-Type: \(String(repeating: "a", count: 4000))"),
        ("unknown header", "Content-Disposition: form-data; name=\"x\"\r\nX-Injected: 1"),
        ("folded header", "Content-Disposition: form-data;\r\n name=\"x\""),
        ("two dispositions", "Content-Disposition: form-data; name=\"x\"\r\nContent-Disposition: form-data; name=\"y\""),
        ("not form-data", "Content-Disposition: attachment; name=\"x\""),
        ("no name", "Content-Disposition: form-data; filename=\"a.csv\""),
        ("empty name", "Content-Disposition: form-data; name=\"\""),
        ("bracket name", "Content-Disposition: form-data; name=\"x[]\""),
        ("filename star", "Content-Disposition: form-data; name=\"x\"; filename*=UTF-8''a.csv"),
        ("unknown parameter", "Content-Disposition: form-data; name=\"x\"; size=3"),
        ("unclosed quote", "Content-Disposition: form-data; name=\"x"),
        ("nested multipart", "Content-Disposition: form-data; name=\"x\"\r\nContent-Type: multipart/mixed; boundary=inner"),
        ("CRLF injection in filename", "Content-Disposition: form-data; name=\"x\"; filename=\"a.csv\r\nContent-Type: text/html\""),
        ("bare LF in filename", "Content-Disposition: form-data; name=\"x\"; filename=\"a\nb.csv\""),
        ("bare CR in name", "Content-Disposition: form-data; name=\"x\ry\""),
        ("duplicate csrf", "Content-Disposition: form-data; name=\"csrf\""),
    ])
    func badPartsAreRefused(_ name: String, _ headers: String) {
        var body = MultipartBody()
        body.field("csrf", "tok")
        body.parts.append((headers, Array("value".utf8)))
        body.field("after", "never read")
        let form = parse(body.bytes)
        #expect(form.problem == .malformed, "\(name)")
        #expect(form["csrf"] == "tok", "\(name): the parts before are kept")
        #expect(form["after"] == nil, "\(name)")
    }

    @Test func nonUTF8NamesAndValuesAreRefused() {
        for headers in [[0xFF, 0xFE], Array("filename=\"".utf8) + [0xC3, 0x28] + Array("\"".utf8)] as [[UInt8]] {
            var bytes = Array("--\(MultipartBody.boundary)\r\nContent-Disposition: form-data; name=\"x\"; ".utf8) + headers
            bytes += Array("\r\n\r\nv\r\n--\(MultipartBody.boundary)--\r\n".utf8)
            #expect(parse(bytes).problem == .malformed)
        }
        var body = MultipartBody()
        body.parts.append(("Content-Disposition: form-data; name=\"x\"", [0xC3, 0x28]))
        #expect(parse(body.bytes).problem == .malformed, "a text field that is not UTF-8")
        body = MultipartBody()
        body.field("x", "a\u{0}b")
        #expect(parse(body.bytes).problem == .malformed, "a NUL in a text field")
    }

    @Test func bodiesOfTheWrongShapeAreRefused() {
        var body = MultipartBody()
        body.field("csrf", "tok")
        let good = body.bytes
        #expect(parse([]).problem == .empty)
        #expect(parse(Array("--\(MultipartBody.boundary)--\r\n".utf8)).problem == .empty, "no part at all")
        #expect(parse(Array("preamble\r\n".utf8) + good).problem == .malformed, "a preamble")
        #expect(parse(good, boundary: "other").problem == .malformed, "another boundary")
        #expect(parse(Array(good.dropLast(4))).problem == .malformed, "no closing delimiter")
        #expect(parse(good + Array("epilogue".utf8)).problem == .malformed, "an epilogue")
        #expect(parse(Array(good.dropLast(30))).problem == .malformed, "truncated in the middle")
        #expect(parse(Array(good.dropLast(30)), truncated: true).problem == .tooLarge, "cut at the size limit")
        var many = MultipartBody()
        for index in 0..<(Self.limit.parts + 1) { many.field("f\(index)", "v") }
        #expect(parse(many.bytes).problem == .malformed, "too many parts")
    }

    /// Every prefix of a good body, and thousands of seeded mutations: the reader always returns,
    /// and a body it accepts has only parts it could name.
    @Test func noBodyMakesItCrash() {
        var body = MultipartBody()
        body.field("csrf", "tok")
        body.file("sheet", filename: "feuille.csv", Array("voter,choices\nAB123456,1 2\n".utf8))
        body.field("mode", "enter")
        let good = body.bytes
        // (Without its last CRLF, which is optional, the body is whole.)
        for cut in 0..<(good.count - 2) {
            let form = parse(Array(good.prefix(cut)))
            #expect(form.problem != nil, "a prefix of \(cut) bytes is not a whole body")
        }
        let pieces: [[UInt8]] = [
            Array("\r\n".utf8), Array("--".utf8), Array("--\(MultipartBody.boundary)".utf8), Array("\"".utf8), Array(";".utf8),
            [0xFF], [0x00], Array("\r\n\r\n".utf8), Array("Content-Disposition: form-data; name=\"csrf\"\r\n".utf8), Array("ⵜⴰⵎⴰⵣⵉⵖⵜ".utf8),
        ]
        var random = FormFuzzTests.SeededGenerator(state: 7578)
        for _ in 0..<3_000 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(contentsOf: pieces.randomElement(using: &random)!, at: at)
                case 1: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &random) }
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...20, using: &random)))
                }
            }
            let form = parse(bytes)
            if form.problem == nil {
                #expect(form.parts.allSatisfy { FormFields.isName($0.name) })
                #expect(Set(form.parts.map(\.name)).count == form.parts.count)
            }
        }
    }
}

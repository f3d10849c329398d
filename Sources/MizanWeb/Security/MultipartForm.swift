import Hummingbird
import NIOCore

/// A `multipart/form-data` body (RFC 7578), read strictly, for the few staff forms that send a
/// file. A browser filling in one of our forms sends one part per field, each with a
/// `Content-Disposition: form-data; name="…"` header and at most a `Content-Type`, its names in
/// UTF-8, no preamble and no nested multipart; anything else means the body was not made by the
/// form, so it is refused (400), never guessed at. As with `FormFields`, the parts read before a
/// problem are kept, so the CSRF field (first in every form) can still be checked and the form
/// can come back with what was typed.
///
/// A file's name is kept only to be shown (`Part.displayName`): it is never used as a path, and
/// the bytes never touch the disk (the whole body is bounded and held in memory).
struct MultipartForm {
    /// One field of the form.
    struct Part {
        let name: String
        /// The file name the browser sent, as is (only for a file field).
        let filename: String?
        let contentType: String?
        let body: [UInt8]

        /// The file's name for a page: its last path component (some browsers send a whole path),
        /// without control or formatting characters, at most 120 characters.
        var displayName: String {
            guard let filename else { return "" }
            let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            var visible = String.UnicodeScalarView()
            visible.append(contentsOf: last.unicodeScalars.filter {
                !($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.properties.generalCategory == .format)
            }.prefix(120))
            return String(visible)
        }

        /// The file's name for an audit entry, where spaces and `=` separate details: letters,
        /// digits, `.`, `-` and `_` only, anything else as `_`.
        var auditName: String {
            let name = String(displayName.unicodeScalars.map { scalar -> Character in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
            })
            return name.isEmpty ? "upload" : name
        }
    }

    private(set) var parts: [Part] = []
    /// Nil when the body was read as a whole and every part in it is well-formed.
    private(set) var problem: FormFields.Problem?

    /// A text field's value; nil for a file field, a missing one or one that is not text.
    subscript(name: String) -> String? {
        guard let part = parts.first(where: { $0.name == name }), part.filename == nil else { return nil }
        return String(validating: part.body, as: UTF8.self)
    }

    /// A file field, when a file was chosen (browsers send an empty part with an empty name
    /// when none was).
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.filename != nil && !($0.filename!.isEmpty && $0.body.isEmpty) }
    }

    /// Parses `bytes` with `boundary`; when `truncated`, the body was cut at the size limit and
    /// only the parts complete before the cut are kept.
    init(bytes: [UInt8], boundary: String, limit: MultipartLimit, truncated: Bool = false) {
        guard !bytes.isEmpty else {
            problem = truncated ? .tooLarge : .empty
            return
        }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = [UInt8(ascii: "\r"), UInt8(ascii: "\n")] + delimiter
        // No preamble: the body starts with the first delimiter.
        guard bytes.starts(with: delimiter) else {
            problem = truncated ? .tooLarge : .malformed
            return
        }
        var index = delimiter.count
        var seen = Set<String>()
        while true {
            // After a delimiter: `--` closes the body (an optional CRLF may follow), CRLF opens a part.
            let rest = bytes[index...]
            if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                let epilogue = rest.dropFirst(2)
                if !(epilogue.isEmpty || epilogue.elementsEqual([13, 10])) { problem = .malformed } else if parts.isEmpty { problem = .empty }
                return
            }
            guard rest.starts(with: [13, 10]) else {
                problem = truncated ? .tooLarge : .malformed
                return
            }
            let start = index + 2
            guard let end = Self.find(separator, in: bytes[...], from: start) else {
                problem = truncated ? .tooLarge : .malformed
                return
            }
            guard parts.count < limit.parts else {
                problem = .malformed
                return
            }
            guard let part = Self.part(bytes[start..<end], limit: limit), !seen.contains(part.name) else {
                problem = .malformed
                return
            }
            seen.insert(part.name)
            parts.append(part)
            index = end + separator.count
        }
    }

    private init(problem: FormFields.Problem) { self.problem = problem }

    /// Why the form cannot be acted on, in the visitor's words and with its status; nil when it
    /// can. A body that is no multipart form at all only brings the page back (nothing is done
    /// either way); otherwise a missing or forged CSRF token throws `CSRFRejected` first.
    /// `tooLarge` replaces the general sentence for a body over the limit.
    func refusal(
        _ request: Request, csrf: CSRF, catalogs: Catalogs, language: Language, tooLarge: String? = nil
    ) throws -> (message: String, status: HTTPResponse.Status)? {
        if problem == .notAForm || problem == .empty { return (catalogs.text("form_error_malformed", language), .badRequest) }
        guard csrf.isValid(request, field: self["csrf"]) else { throw CSRFRejected() }
        guard let problem else { return nil }
        return (problem == .tooLarge ? tooLarge ?? problem.message(catalogs, language) : problem.message(catalogs, language), problem.status)
    }

    /// One part: its header lines, an empty line, its body. Nil when anything about it is not
    /// what a browser sends.
    static func part(_ bytes: ArraySlice<UInt8>, limit: MultipartLimit) -> Part? {
        guard let blank = find([13, 10, 13, 10], in: bytes, from: bytes.startIndex) else { return nil }
        let head = bytes[bytes.startIndex..<blank]
        guard head.count <= limit.headerBytes else { return nil }
        var disposition: String?
        var contentType: String?
        for line in split(head) {
            // A bare CR or LF, a folded line or another control character has no place here.
            guard let text = String(validating: line, as: UTF8.self), !text.isEmpty,
                !text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }),
                let colon = text.firstIndex(of: ":"), !text.hasPrefix(" "), !text.hasPrefix("\t")
            else { return nil }
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            switch name {
            case "content-disposition" where disposition == nil: disposition = value
            case "content-type" where contentType == nil: contentType = value
            default: return nil
            }
        }
        guard let disposition, let parsed = parseDisposition(disposition), FormFields.isName(parsed.name) else { return nil }
        if let contentType, contentType.lowercased().hasPrefix("multipart/") { return nil }
        let body = Array(bytes[(blank + 4)...])
        if parsed.filename == nil {
            // A text field: UTF-8 and what `FormFields` accepts.
            guard let text = String(validating: body, as: UTF8.self), FormFields.isValue(text) else { return nil }
        }
        return Part(name: parsed.name, filename: parsed.filename, contentType: contentType, body: body)
    }

    /// `form-data; name="…"[; filename="…"]`. Browsers percent-encode `"`, CR and LF in both
    /// and escape nothing else, so a quoted value ends at the next `"`. `filename*` (RFC 7578
    /// §4.2 forbids it) and any other parameter are refused.
    static func parseDisposition(_ value: String) -> (name: String, filename: String?)? {
        var rest = Substring(value)
        guard let semicolon = rest.firstIndex(of: ";"), rest[..<semicolon].trimmingCharacters(in: .whitespaces).lowercased() == "form-data"
        else { return nil }
        rest = rest[rest.index(after: semicolon)...]
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty { break }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            let parsed: String
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { return nil }
                parsed = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parsed = rest[..<end].trimmingCharacters(in: .whitespaces)
                guard !parsed.isEmpty, !parsed.contains(where: { $0 == "\"" || $0 == " " }) else { return nil }
                rest = rest[end...]
            }
            guard ["name", "filename"].contains(key), parameters[key] == nil else { return nil }
            parameters[key] = parsed
            rest = rest.drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty { break }
            guard rest.first == ";" else { return nil }
            rest = rest.dropFirst()
        }
        guard let name = parameters["name"] else { return nil }
        return (name, parameters["filename"])
    }

    /// Lines of a part's head, split at CRLF only (a bare CR or LF stays in its line, to be refused).
    static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        while let end = find([13, 10], in: head, from: start) {
            lines.append(head[start..<end])
            start = end + 2
        }
        lines.append(head[start...])
        return lines
    }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, from <= haystack.endIndex else { return nil }
        var index = from
        while let candidate = haystack[index...].firstIndex(of: first) {
            guard candidate + needle.count <= haystack.endIndex else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// The boundary of a `multipart/form-data` content type: 1 to 70 characters of RFC 2046's
    /// set, quoted or not; nil for another type or a missing or bad boundary.
    static func boundary(of contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        var boundary: String?
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { return nil }
            let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if key == "boundary" {
                guard boundary == nil else { return nil }
                boundary = value
            }
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ")
        guard let boundary, (1...70).contains(boundary.count), boundary.allSatisfy({ allowed.contains($0) }), boundary.last != " " else {
            return nil
        }
        return boundary
    }

    /// Reads the body of `request` up to `limit.bytes`. Never throws for what the client sent:
    /// another type, a missing boundary, a body over the limit or malformed is reported in
    /// `problem` (the rest of an over-long body is left unread; the server drains it).
    static func read(_ request: Request, limit: MultipartLimit) async throws -> MultipartForm {
        guard let type = request.headers[.contentType], let boundary = boundary(of: type) else {
            return MultipartForm(problem: .notAForm)
        }
        let (collected, truncated) = try await FormFields.collect(request, limit: limit.bytes)
        var form = MultipartForm(bytes: collected, boundary: boundary, limit: limit, truncated: truncated)
        if truncated { form.problem = .tooLarge }
        return form
    }
}

/// How much a multipart form may send: the whole body in bytes, its number of parts, and the
/// header lines of one part (a name and a file name, with room to spare).
struct MultipartLimit: Sendable {
    let bytes: Int
    let parts: Int
    let headerBytes: Int

    init(bytes: Int, parts: Int = 8, headerBytes: Int = 2048) {
        self.bytes = bytes
        self.parts = parts
        self.headerBytes = headerBytes
    }

    /// A voter registry: 16 MiB holds some 400,000 voters; larger files go through `mizan registry import`.
    static let registry = MultipartLimit(bytes: 16 << 20)
    /// A count sheet: as much as the pasted sheet may hold.
    static let paperSheet = MultipartLimit(bytes: FormLimit.paper.bytes)
}

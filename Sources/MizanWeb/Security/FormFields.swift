import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body, read strictly. A browser filling in one of our
/// forms never sends a repeated field (except a checkbox group), a `name[]`, a bad percent-escape,
/// invalid UTF-8 or a control character, so any of these means the body was not made by the form:
/// it is refused (400), never guessed at, and never stored with replacement characters. What did
/// parse is kept (`pairs`), so the form can come back with what was typed.
struct FormFields {
    /// Why a body cannot be used as it is.
    enum Problem: Equatable, Sendable {
        /// Longer than the form can produce (413).
        case tooLarge
        /// Not what a browser sends for the form (400).
        case malformed
        /// Another kind of body: JSON, multipart, … (400).
        case notAForm
        /// No body at all (400).
        case empty

        var status: HTTPResponse.Status { self == .tooLarge ? .contentTooLarge : .badRequest }

        /// The catalog key of the sentence shown above the form.
        var catalogKey: String { self == .tooLarge ? "form_error_too_large" : "form_error_malformed" }

        /// The sentence shown above the form, in the visitor's language.
        func message(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text(catalogKey, language) }
    }

    private(set) var pairs: [(String, String)] = []
    /// Nil when the body was read as a whole and every field in it is well-formed.
    private(set) var problem: Problem?

    /// Reads `bytes`; `repeatable` names may occur more than once (checkbox groups). When
    /// `truncated`, the body was cut at the size limit: its last, cut field is dropped.
    init(bytes: some Collection<UInt8>, repeatable: Set<String> = [], truncated: Bool = false) {
        var segments = bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        if truncated { segments.removeLast(segments.isEmpty ? 0 : 1) }
        var seen = Set<String>()
        for segment in segments {
            guard let equals = segment.firstIndex(of: UInt8(ascii: "=")),
                let name = Self.decode(segment[..<equals]), let value = Self.decode(segment[segment.index(after: equals)...]),
                Self.isName(name), Self.isValue(value)
            else {
                problem = .malformed
                continue
            }
            if seen.contains(name) && !repeatable.contains(name) {
                problem = .malformed
                continue
            }
            seen.insert(name)
            pairs.append((name, value))
        }
        if truncated { problem = .tooLarge } else if pairs.isEmpty && problem == nil { problem = .empty }
    }

    subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }
    func withPrefix(_ prefix: String) -> [(String, String)] {
        pairs.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
    }

    /// Reads the body of `request` up to `limit` bytes. Never throws for what the client sent:
    /// a body over the limit, of another type or malformed is reported in `problem`, with the
    /// fields that parsed before it (the rest of an over-long body is left unread; the server
    /// drains it).
    static func read(_ request: Request, limit: FormLimit, repeatable: Set<String> = []) async throws -> FormFields {
        if let type = request.headers[.contentType], !isFormType(type) {
            return FormFields(problem: .notAForm)
        }
        let (collected, truncated) = try await collect(request, limit: limit.bytes)
        return FormFields(bytes: collected, repeatable: repeatable, truncated: truncated)
    }

    /// The first `limit` bytes of a request's body, and whether there was more (left unread; the
    /// server drains it), so no form, urlencoded or multipart, holds more than its limit in memory.
    static func collect(_ request: Request, limit: Int) async throws -> (bytes: [UInt8], truncated: Bool) {
        var collected: [UInt8] = []
        for try await buffer in request.body {
            let room = limit - collected.count
            if buffer.readableBytes > room {
                collected += buffer.readableBytesView.prefix(room)
                return (collected, true)
            }
            collected += buffer.readableBytesView
        }
        return (collected, false)
    }

    private init(problem: Problem) { self.problem = problem }

    /// The fields encoded again, as `URLEncodedFormDecoder` reads them.
    var encoded: String {
        pairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append(contentsOf: ["%", hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            }
        }
        return result
    }

    /// `application/x-www-form-urlencoded`, with or without parameters such as a charset.
    static func isFormType(_ value: String) -> Bool {
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return type == "application/x-www-form-urlencoded"
    }

    /// `+` is a space and `%XY` a byte; anything else after `%`, or bytes that are not UTF-8, is nil.
    static func decode(_ text: some Collection<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            index = text.index(after: index)
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard index != text.endIndex, let high = hexValue(text[index]) else { return nil }
                index = text.index(after: index)
                guard index != text.endIndex, let low = hexValue(text[index]) else { return nil }
                index = text.index(after: index)
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A field name our forms use: not empty, no brackets (`title[]`, `cost[0]`), no controls.
    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100 && !name.unicodeScalars.contains { $0 == "[" || $0 == "]" || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Text a form field can hold: no control characters but tab and line breaks (a NUL could
    /// not even be stored).
    static func isValue(_ value: String) -> Bool {
        !value.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0x7F }
    }
}

/// The largest body a form can produce, in bytes as sent: each field's `maxlength` (which a
/// browser counts in UTF-16 units) times 9, the most one unit can take once a Tifinagh or Arabic
/// letter (3 bytes of UTF-8) is percent-encoded, plus room for the names and hidden fields.
struct FormLimit: Sendable {
    let bytes: Int

    init(maxLengths: [Int], slack: Int = 4096) {
        bytes = maxLengths.reduce(0, +) * 9 + slack
    }

    /// Title, description, location, cost, category and district.
    static let proposal = FormLimit(maxLengths: [200, 10_000, 300, 40, 40, 20])
    /// ID number, birth date, code.
    static let eligibility = FormLimit(maxLengths: [40, 40, 40])
    /// A receipt code.
    static let receipt = FormLimit(maxLengths: [100])
    /// Checkboxes and weights of up to a few hundred projects, and a receipt code.
    static let ballot = FormLimit(maxLengths: [100], slack: 64 * 1024)
    /// Staff forms (login: username and password).
    static let staff = FormLimit(maxLengths: [64, 1024])
    /// A review decision: official cost, public answer, reason, target, and the list's filters.
    static let review = FormLimit(maxLengths: [40, 4000, 1000, 20, 40, 200, 200])
    /// A count sheet pasted as text: up to 2,000 lines of a voter and a few choices.
    static let paper = FormLimit(maxLengths: [2000 * 120], slack: 8192)
    /// A cycle's settings: 26 short fields (`CycleSettingsPage.maxLength` each).
    static let cycleSettings = FormLimit(maxLengths: Array(repeating: CycleSettingsPage.maxLength, count: 26))
    /// A district's French and Arabic names and its population.
    static let district = FormLimit(maxLengths: [200, 200, 10])
    /// A polling place's spoiled and blank ballots.
    static let paperCount = FormLimit(maxLengths: [200, 20, 20])
}

/// The decoder behind `request.decode(as:context:)`: the same strict reading as `FormFields`, so a
/// form decoded into a `Decodable` refuses what a hand-read one refuses, with 400 or 413 and never
/// an error that would end as a 500.
public struct StrictFormDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let fields = try await FormFields.read(request, limit: .staff)
        // An empty body is an empty form: nothing typed is lost, and the handler's own checks
        // (its CSRF field first) refuse it.
        if let problem = fields.problem, problem != .empty { throw HTTPError(problem.status) }
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: fields.encoded)
        } catch {
            throw HTTPError(.badRequest)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanPostgres
import Testing
import PostgresDriver

/// One API answer: status, headers and the raw body, decoded.
struct APIAnswer {
    let status: Int
    let contentType: String?
    let allowOrigin: String?
    let body: String
    let json: JSON
}

extension Site {
    /// A cycle of `commune` in the proposals phase (any commune, unlike `cycleTakingProposals`).
    func cycle(commune: String, title: String, budget: Int64 = 1_000_000, rule: WinnerRule = .greedy) throws -> Int {
        try transaction { connection in
            let cycle = try CycleStore.create(
                NewCycle(
                    communeCode: GeoCode(parsing: commune), year: 2026, title: title, budget: .dirhams(budget),
                    ballot: .approval(minimum: 1, maximum: nil), rule: rule, tieBreak: .lexicographic),
                actor: "test", on: connection)
            _ = try CycleStore.advance(cycle.id, actor: "test", on: connection)
            return cycle.id
        }
    }

    func submit(_ title: String, cycle: Int, category: String = "other", cost: String = "100000") throws -> Int {
        try transaction { connection in
            try ProposalStore.submit(
                NewProposal(title: title, description: "Description de \(title)", category: category, district: nil, location: nil,
                            estimatedCost: cost, language: "fr"),
                cycleID: cycle, trackingTokenHash: TokenHash.of(title), actor: "test", on: connection).id
        }
    }

    /// `count` registry entries, straight into the table (as an import would leave them).
    func register(_ count: Int, cycle: Int, seed: String) throws {
        _ = try transaction { connection in
            try connection.query("""
                INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date)
                SELECT y.commune_id, y.id, sha256((\(seed) || g)::bytea), DATE '1990-01-01'
                FROM cycles y, generate_series(1, \(count)::int) g WHERE y.id = \(cycle)
                """)
        }
    }

    func advance(_ cycle: Int) throws {
        _ = try transaction { try CycleStore.advance(cycle, actor: "test", on: $0) }
    }

    func review(_ proposal: Int, _ decision: ProposalStore.Decision) throws {
        _ = try transaction { try ProposalStore.review(proposal, decision, actor: "test", on: $0) }
    }

    func publish(_ cycle: Int) throws {
        _ = try transaction { try TallyStore.publish(cycleID: cycle, actor: "test", on: $0) }
    }

    /// Implementation updates `(proposal, status, percent, spent centimes, day in March 2026)`.
    func recordUpdates(_ updates: [(Int, String, Int, Int64, Int)]) throws {
        try transaction { connection in
            for (proposal, status, percent, spent, day) in updates {
                try connection.query("""
                    INSERT INTO implementation_updates (commune_id, proposal_id, status, progress_percent, spent_centimes, note, recorded_at, recorded_by)
                    SELECT commune_id, id, \(status), \(percent)::smallint, \(spent)::bigint, \("Point d'étape \(day)"),
                           TIMESTAMPTZ '2026-03-01 10:00Z' + make_interval(days => \(day - 1)::int), 'test'
                    FROM proposals WHERE id = \(proposal)
                    """)
            }
        }
    }
}

/// A stand-in for a tracking token's 32-byte hash, distinct for distinct titles of up to 32 bytes.
enum TokenHash {
    static func of(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return (0..<32).map { $0 < bytes.count ? bytes[$0] : UInt8(bytes.count) }
    }

    static func hex(_ text: String) -> String { of(text).map { String(format: "%02x", $0) }.joined() }
}

/// Cells of HTML tables, for comparing what a page shows with what the database says.
enum HTMLTable {
    /// The rows of the first `<table class="…name…">` body, each as its cells' text without tags.
    static func rows(of table: String, in html: String) -> [[String]] {
        guard let start = html.range(of: "<table class=\"\(table)"),
            let bodyStart = html.range(of: "<tbody>", range: start.upperBound..<html.endIndex),
            let bodyEnd = html.range(of: "</tbody>", range: bodyStart.upperBound..<html.endIndex)
        else { return [] }
        let body = String(html[bodyStart.upperBound..<bodyEnd.lowerBound])
        return body.components(separatedBy: "<tr").dropFirst().map { row in
            // Each piece before a closing `</td>` or `</th>` ends with the cell it closes.
            row.components(separatedBy: "</t").compactMap { piece -> String? in
                guard let open = [piece.range(of: "<td", options: .backwards), piece.range(of: "<th", options: .backwards)]
                    .compactMap({ $0 }).max(by: { $0.lowerBound < $1.lowerBound }),
                    let end = piece[open.upperBound...].firstIndex(of: ">")
                else { return nil }
                return unescape(stripTags(String(piece[piece.index(after: end)...]))).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// The `href` of each row's first link (the commune).
    static func rowLinks(of table: String, in html: String) -> [String] {
        guard let start = html.range(of: "<table class=\"\(table)"),
            let bodyStart = html.range(of: "<tbody>", range: start.upperBound..<html.endIndex),
            let bodyEnd = html.range(of: "</tbody>", range: bodyStart.upperBound..<html.endIndex)
        else { return [] }
        return html[bodyStart.upperBound..<bodyEnd.lowerBound].components(separatedBy: "<tr").dropFirst().compactMap { row in
            guard let href = row.range(of: "href=\"") else { return nil }
            let rest = row[href.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    static func stripTags(_ text: String) -> String {
        var output = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { output.append(character) }
        }
        return output
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Splits CSV text (RFC 4180: quoted fields may hold commas, quotes and line breaks).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var characters = text.makeIterator()
    var pending: Character? = nil
    while let character = pending ?? characters.next() {
        pending = nil
        if quoted {
            if character == "\"" {
                if let next = characters.next() {
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else { quoted = false }
            } else { field.append(character) }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            row.append(field); field = ""
        } else if character == "\r\n" || character == "\n" {
            row.append(field); field = ""
            rows.append(row); row = []
        } else {
            field.append(character)
        }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

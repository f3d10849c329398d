import Crypto
import Foundation
import MizanCore
import PostgresDriver

/// Writes a cycle's anonymised ballots, its projects and the stored outcome for auditors, with a
/// `SHA256SUMS` file that `sha256sum -c` accepts.
///
/// Ballots stream from `COPY … TO STDOUT` through a 64 KiB buffer to disk, so a million ballots
/// never sit in memory. Everything is written into a hidden folder beside the destination and
/// renamed into place at the end, so a failed export leaves nothing behind.
public enum BallotExport {
    public typealias Format = ExportFormat

    /// Ballots in `format` (one file per scope, numbered like the canonical `.pb`), the projects
    /// with their votes per channel, `outcome.json` when an outcome is stored, and `SHA256SUMS`.
    /// `beforeManifest` runs once those files are complete (the caller appends its audit entry
    /// there); the files it returns are written and listed in `SHA256SUMS` too, before the folder
    /// appears.
    public static func export(
        cycle: Cycle, format: Format, to directory: URL, on connection: PostgresConnection,
        progress: ((String) -> Void)? = nil, beforeManifest: () throws -> [ExportAttachment] = { [] }
    ) throws -> ExportedFiles {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.path) {
            let contents = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            guard contents.isEmpty else { throw ExportError("\(directory.path) exists and is not empty; export into a new folder") }
            try? manager.removeItem(at: directory)
        }
        let parent = directory.deletingLastPathComponent()
        guard manager.fileExists(atPath: parent.path) else { throw ExportError("the folder \(parent.path) does not exist") }
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ExportError("cannot create a folder in \(parent.path): \(error.localizedDescription)")
        }
        do {
            try CanonicalBallots.allowLongWork(on: connection)
            var sums: [ExportedFile] = []
            var ballots = 0
            let scopes = try TallyScope.all(for: cycle, on: connection)
            for scope in scopes {
                let name = "\(scope.fileStem).\(format.rawValue)"
                let report: (Int) -> Void = { count in progress?("\(name): \(count) ballots written") }
                let file = try FileSink(staging.appendingPathComponent(name))
                switch format {
                case .pb:
                    ballots += try CanonicalBallots.write(cycle: cycle, scope: scope, on: connection, into: file.write, progress: report).ballots
                case .csv:
                    try CanonicalBallots.select(cycle: cycle, scope: scope, on: connection)
                    try file.write("ballot_id,receipt,channel,project,weight\n")
                    let order = cycle.ballot.kind == "ranked" ? "c.weight, c.proposal_id" : "c.proposal_id"
                    var lines = 0
                    try connection.copyOut(SQL(unsafeRaw: """
                        COPY (SELECT dense_rank() OVER (ORDER BY b.receipt_code), b.receipt_code, b.channel, c.proposal_id, c.weight
                              FROM \(CanonicalBallots.scopedChoices)
                              ORDER BY b.receipt_code, \(order)) TO STDOUT WITH (FORMAT csv)
                        """)) { chunk in
                        try file.write(chunk)
                        lines += 1
                        if lines % 250_000 == 0 { progress?("\(name): \(lines) choices written") }
                    }
                    ballots += try countBallots(on: connection)
                case .json:
                    try CanonicalBallots.select(cycle: cycle, scope: scope, on: connection)
                    let order = cycle.ballot.kind == "ranked" ? "c.weight, c.proposal_id" : "c.proposal_id"
                    try file.write("[\n")
                    var count = 0
                    // Values are numbers, receipt codes and channel names: nothing COPY would escape.
                    try connection.copyOut(SQL(unsafeRaw: """
                        COPY (SELECT json_build_object('ballot_id', row_number() OVER (ORDER BY b.receipt_code), 'receipt', b.receipt_code,
                                     'channel', b.channel, 'choices', json_agg(json_build_object('project', c.proposal_id, 'weight', c.weight)
                                     ORDER BY \(order)))
                              FROM \(CanonicalBallots.scopedChoices)
                              GROUP BY b.id, b.receipt_code, b.channel ORDER BY b.receipt_code) TO STDOUT
                        """)) { chunk in
                        if count > 0 { try file.write(",\n") }
                        try file.write(UnsafeRawBufferPointer(rebasing: chunk.dropLast()))
                        count += 1
                        if count % 100_000 == 0 { report(count) }
                    }
                    try file.write(count > 0 ? "\n]\n" : "]\n")
                    ballots += count
                }
                sums.append(ExportedFile(name: name, sha256: try file.finish()))
            }
            sums.append(try writeProjects(cycle: cycle, scopes: scopes, json: format == .json, into: staging, on: connection))
            let paper = try CycleStore.paperCounts(cycle.id, on: connection)
            if !paper.isEmpty {
                // Place names are the staff's text: quoted as CSV quotes them.
                let file = try FileSink(staging.appendingPathComponent("paper_counts.csv"))
                try file.write("place,spoiled,blank\n" + paper.map { "\"\($0.place.replacingOccurrences(of: "\"", with: "\"\""))\",\($0.spoiled),\($0.blank)\n" }.joined())
                sums.append(ExportedFile(name: "paper_counts.csv", sha256: try file.finish()))
            }
            var hasOutcome = false
            if let outcome = try TallyStore.outcomeJSON(cycle: cycle, on: connection) {
                let file = try FileSink(staging.appendingPathComponent("outcome.json"))
                try file.write(outcome + "\n")
                sums.append(ExportedFile(name: "outcome.json", sha256: try file.finish()))
                hasOutcome = true
            }
            for attachment in try beforeManifest() {
                guard !attachment.name.contains("/"), !sums.contains(where: { $0.name == attachment.name }) else {
                    throw ExportError("cannot add \(attachment.name) to the export")
                }
                let file = try FileSink(staging.appendingPathComponent(attachment.name))
                try file.write(attachment.contents)
                sums.append(ExportedFile(name: attachment.name, sha256: try file.finish()))
            }
            sums.sort { $0.name < $1.name }
            let manifest = try FileSink(staging.appendingPathComponent("SHA256SUMS"))
            try manifest.write(sums.map { "\($0.sha256)  \($0.name)\n" }.joined())
            _ = try manifest.finish()
            try manager.moveItem(at: staging, to: directory)
            return ExportedFiles(files: sums, ballots: ballots, hasOutcome: hasOutcome)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    static func countBallots(on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(DISTINCT b.id) FROM \(SQL(unsafeRaw: CanonicalBallots.scopedChoices))").single().decode(Int.self, 0)
    }

    /// Projects with official costs and the votes they got on each channel, scope by scope, under
    /// the rule every published count follows (`Breakdown`): a count under 10 is written `<10`,
    /// and when exactly one channel of a project is withheld another is too (`[c]`), so the total
    /// minus the shown channels never gives it. The exact supporters per project are the outcome's
    /// (`outcome.json`), which `mizan verify` recomputes from the ballots.
    static func writeProjects(
        cycle: Cycle, scopes: [TallyScope], json: Bool, into folder: URL, on connection: PostgresConnection
    ) throws -> ExportedFile {
        let name = json ? "projects.json" : "projects.csv"
        let file = try FileSink(folder.appendingPathComponent(name))
        let perChannel = """
            SELECT p.id, p.district_id, p.title, p.category, p.official_cost_centimes,
                   count(v.ballot_id) FILTER (WHERE v.channel = 'web') AS web, count(v.ballot_id) FILTER (WHERE v.channel = 'code') AS code,
                   count(v.ballot_id) FILTER (WHERE v.channel = 'paper') AS paper
            FROM proposals p LEFT JOIN (SELECT c.proposal_id, c.ballot_id, b.channel FROM \(CanonicalBallots.scopedChoices)) v
                 ON v.proposal_id = p.id
            WHERE \(CanonicalBallots.projectFilter.text)
            GROUP BY p.id ORDER BY p.id
            """
        try file.write(json ? "[\n" : "project_id,district_id,title,category,cost_mad,votes_web,votes_code,votes_paper,votes_total\n")
        var first = true
        for scope in scopes {
            try CanonicalBallots.select(cycle: cycle, scope: scope, on: connection)
            let rows = try connection.query(SQL(unsafeRaw: """
                SELECT x.id, x.district_id, x.title, x.category, x.official_cost_centimes,
                       to_char(x.official_cost_centimes / 100.0, 'FM999999999999990.00'), x.web, x.code, x.paper
                FROM (\(perChannel)) x ORDER BY x.id
                """))
            for row in rows.rows {
                let votes = Breakdown(counting: [
                    (key: "web", count: try row.decode(Int.self, 6)), (key: "code", count: try row.decode(Int.self, 7)),
                    (key: "paper", count: try row.decode(Int.self, 8)),
                ])
                let counts = votes.cells.map(\.count) + [votes.total]
                let id = try row.decode(Int.self, 0)
                let district = try row.decodeIfPresent(Int.self, 1)
                let title = try row.decode(String.self, 2)
                let category = try row.decode(String.self, 3)
                if json {
                    let cost = try row.decodeIfPresent(Int64.self, 4)
                    let fields: [(String, JSON)] = [
                        ("project_id", .int(id)), ("district_id", district.map(JSON.int) ?? .null), ("title", .string(title)),
                        ("category", .string(category)), ("cost_centimes", cost.map { JSON.number($0) } ?? .null),
                    ]
                    let votesFields: [(String, JSON)] = zip(["votes_web", "votes_code", "votes_paper", "votes_total"], counts).map { key, count in
                        (key, count.value.map { JSON.int($0) } ?? JSON.string(count.csvText))
                    }
                    try file.write((first ? "" : ",\n") + JSON.object(fields + votesFields).text)
                    first = false
                } else {
                    let fields = [String(id), district.map(String.init) ?? "", csvField(title), csvField(category), try row.decodeIfPresent(String.self, 5) ?? ""]
                    try file.write((fields + counts.map(\.csvText)).joined(separator: ",") + "\n")
                }
            }
        }
        if json { try file.write(first ? "]\n" : "\n]\n") }
        return ExportedFile(name: name, sha256: try file.finish())
    }

    /// A CSV field, quoted when needed; text typed by citizens that a spreadsheet would take for a
    /// formula gets a leading apostrophe.
    static func csvField(_ value: String) -> String {
        let safe = value.first.map { "=+-@\t\r".contains($0) } == true ? "'" + value : value
        if !safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A file written through a 64 KiB buffer while its SHA-256 is computed.
final class FileSink {
    private let handle: FileHandle
    private let path: String
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    private var closed = false

    init(_ url: URL) throws {
        path = url.path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError("cannot write \(path)")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 16)
    }

    deinit { if !closed { try? handle.close() } }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: chunk)
        buffer.append(contentsOf: chunk)
        if buffer.count >= 1 << 16 { try drain() }
    }

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try write(UnsafeRawBufferPointer($0)) }
    }

    private func drain() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ExportError("cannot write \(path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes the file; returns its SHA-256 in hex.
    func finish() throws -> String {
        try drain()
        try? handle.synchronize()
        closed = true
        try handle.close()
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension PostgresStores {
    var exports: any ExportRepository { PostgresExports(connection: connection) }
}

struct PostgresExports: ExportRepository {
    let connection: PostgresConnection

    func export(
        cycle: Cycle, format: ExportFormat, to directory: URL, progress: ((String) -> Void)?,
        beforeManifest: () throws -> [ExportAttachment]
    ) throws -> ExportedFiles {
        try BallotExport.export(cycle: cycle, format: format, to: directory, on: connection, progress: progress, beforeManifest: beforeManifest)
    }
}

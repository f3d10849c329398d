import Foundation

/// Writes a cycle's open data (ballots, projects, outcome, `SHA256SUMS`) into a new folder.
public protocol ExportRepository {
    /// Ballots in `format` (one file per scope, numbered like the canonical `.pb`), the projects
    /// with their votes per channel (counts under 10 withheld), `outcome.json` when an outcome is
    /// stored, and `SHA256SUMS`, written into a hidden folder renamed to `directory` at the end,
    /// so a failed export leaves nothing behind. `beforeManifest` runs once those files are
    /// complete; the files it returns are written too and listed in `SHA256SUMS` like the others,
    /// and then the folder appears.
    func export(
        cycle: Cycle, format: ExportFormat, to directory: URL, progress: ((String) -> Void)?,
        beforeManifest: () throws -> [ExportAttachment]
    ) throws -> ExportedFiles
}

/// A small file the use case adds to an export (`audit_head.json`).
public struct ExportAttachment: Sendable {
    public let name: String
    public let contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// The ballot file format of an export.
public enum ExportFormat: String, CaseIterable, Sendable {
    case pb, csv, json
}

/// What an export wrote.
public struct ExportedFiles: Sendable {
    /// File names with their SHA-256, in `SHA256SUMS` order.
    public let files: [ExportedFile]
    public let ballots: Int
    public let hasOutcome: Bool

    public init(files: [ExportedFile], ballots: Int, hasOutcome: Bool) {
        self.files = files
        self.ballots = ballots
        self.hasOutcome = hasOutcome
    }
}

public struct ExportedFile: Sendable, Equatable {
    public let name: String
    public let sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}

/// Why an export could not be written, in words staff can act on.
public struct ExportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

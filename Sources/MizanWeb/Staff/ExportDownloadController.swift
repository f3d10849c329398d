import Foundation
import Hummingbird
import MizanCore

/// A cycle's export as one download, for admins and auditors: the same `ExportCycle` use case as
/// `mizan export` writes the folder (its audit entry, signed audit head and `SHA256SUMS`
/// included) into a private temporary folder, which is sent as a `ustar` archive and deleted
/// before the archive's last bytes leave, so nothing of it outlives the download.
struct ExportDownloadController {
    let forms: CycleForms
    var catalogs: Catalogs { forms.catalogs }

    func addRoutes(to group: RouterGroup<WebContext>, language: Language) {
        group.get(.staffCycleExport) { request, context in
            try context.requireRole(.admin, .auditor)
            return try await page(request, cycle: context.parameters.require("id", as: CycleID.self), format: "pb", message: nil, language: language)
        }
        group.post(.staffCycleExport) { request, context in
            try await download(request, context: context, cycle: context.parameters.require("id", as: CycleID.self), language)
        }
    }

    func page(
        _ request: Request, cycle id: CycleID, format: String, message: String?, language: Language, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try await forms.page(request, cycle: id, url: .staffCycleExport(id), language: language, status: status) { cycle, csrf in
            ExportPage(cycle: cycle, format: format, message: message, csrf: csrf, catalogs: catalogs, language: language)
        }
    }

    func download(_ request: Request, context: WebContext, cycle id: CycleID, _ language: Language) async throws -> Response {
        let member = try context.requireRole(.admin, .auditor)
        let fields = try await FormFields.read(request, limit: .staff)
        guard forms.csrf.isValid(request, field: fields["csrf"]) else { throw CSRFRejected() }
        let typed = fields["format"] ?? ""
        if let problem = fields.problem {
            return try await page(request, cycle: id, format: typed, message: problem.message(catalogs, language), language: language, status: problem.status)
        }
        guard let format = ExportFormat(rawValue: typed) else {
            return try await page(
                request, cycle: id, format: "pb", message: catalogs.text("uploads_export_bad_format", language), language: language, status: .badRequest)
        }
        PrivateFolder.sweep()
        let folder = try PrivateFolder()
        let name = "cycle-\(id)-\(format.rawValue)"
        let directory = folder.url.appendingPathComponent(name)
        do {
            _ = try await ExportCycle(storage: forms.storage, secrets: forms.secrets).execute(
                .init(cycle: id, format: format, directory: directory, actor: member.username))
        } catch let error as TallyError {
            folder.remove()
            guard case .wrongPhase = error else { throw error }
            return try await page(
                request, cycle: id, format: typed, message: catalogs.text("uploads_export_not_closed", language), language: language,
                status: .conflict)
        } catch {
            folder.remove()
            throw error
        }
        let files: [(name: String, url: URL, size: Int)]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { file in
                let url = directory.appendingPathComponent(file)
                let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
                return (file, url, size)
            }
        } catch {
            folder.remove()
            throw error
        }
        let modified = Date()
        let body = ResponseBody(contentLength: UstarArchive.length(of: files.map(\.size))) { writer in
            defer { folder.remove() }
            for file in files {
                try await writer.write(ByteBuffer(bytes: try UstarArchive.header(name: "\(name)/\(file.name)", size: file.size, modified: modified)))
                let handle = try FileHandle(forReadingFrom: file.url)
                defer { try? handle.close() }
                var written = 0
                while written < file.size, let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                    let bytes = chunk.prefix(file.size - written)
                    try await writer.write(ByteBuffer(bytes: bytes))
                    written += bytes.count
                }
                guard written == file.size else { throw UstarArchive.Unrepresentable(name: file.name) }
                try await writer.write(ByteBuffer(bytes: UstarArchive.padding(after: file.size)))
            }
            // Gone before the archive is complete: a client holding the whole file knows the
            // folder no longer exists.
            folder.remove()
            try await writer.write(ByteBuffer(bytes: UstarArchive.end))
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/x-tar", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(name).tar\"",
            ],
            body: body)
    }
}

/// A folder only this process's user can read (`mkdtemp`, mode 0700), under the system's
/// temporary folder, for files that must not outlive a request.
struct PrivateFolder: Sendable {
    static let prefix = "mizan-export-"
    let url: URL

    init() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/\(Self.prefix)XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CocoaError(.fileWriteUnknown)
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Removes such folders left over for more than `age` seconds (a download the server never
    /// began to send, a crash), so none outlives its request by long.
    static func sweep(olderThan age: TimeInterval = 3600) {
        let manager = FileManager.default
        let parent = manager.temporaryDirectory
        for name in (try? manager.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            let url = parent.appendingPathComponent(name)
            if let modified = (try? manager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                Date().timeIntervalSince(modified) > age
            {
                try? manager.removeItem(at: url)
            }
        }
    }
}

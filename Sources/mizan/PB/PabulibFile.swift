import Foundation
import PBEngine

/// A `.pb` file read into what the rules need. The reader's per-voter document is dropped once
/// the ballots are merged into a profile, so a million-voter file does not stay in memory twice.
struct PabulibFile {
    let path: String
    let instance: Instance
    let voteType: VoteType
    /// META `vote_type` exactly as written (`choose-1` reads as approval but is worth showing).
    let voteTypeWord: String
    let profile: Profile

    /// Files larger than this show a progress bar while they are read.
    static let progressThreshold = 50 << 20
    /// Bytes handed to the reader at a time: large enough to keep system calls rare, small enough
    /// that the file never has to fit in memory.
    static let chunkSize = 1 << 20

    /// Reads `path` in chunks; a malformed file is a user error naming the file and the line.
    static func load(_ path: String) throws -> PabulibFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CommandFailure.user("\(path): no such file")
        }
        guard !isFolder.boolValue else { throw CommandFailure.user("\(path) is a folder, not a .pb file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure.user("\(path): cannot open it (check its permissions)")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var progress = size > progressThreshold ? ProgressBar(total: size, label: "reading \(path)") : nil

        var reader = PabulibReader()
        let document: PabulibDocument
        do {
            var done = 0
            while true {
                let chunk: Data?
                do { chunk = try handle.read(upToCount: chunkSize) } catch {
                    throw CommandFailure.system("cannot read \(path): \(error.localizedDescription)")
                }
                guard let chunk, !chunk.isEmpty else { break }
                try chunk.withUnsafeBytes { try reader.consume($0) }
                done += chunk.count
                progress?.update(done)
            }
            progress?.finish()
            document = try reader.finish()
        } catch let error as PabulibError {
            progress?.finish()
            throw CommandFailure.user("\(path): line \(error.line): \(error.message)")
        }
        let word = document.instance.metaValue("vote_type") ?? document.voteType.rawValue
        return PabulibFile(
            path: path, instance: document.instance, voteType: document.voteType, voteTypeWord: word,
            profile: document.profile)
    }
}

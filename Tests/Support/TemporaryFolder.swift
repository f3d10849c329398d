import Foundation
import Synchronization

/// Folders tests write files into, removed when the test process ends, so a run leaves nothing
/// behind in the temporary directory however its tests end.
public enum TemporaryFolder {
    private static let folders = Mutex<[URL]>([])

    /// A new, empty folder named `prefix-…`.
    public static func make(_ prefix: String) throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let first = folders.withLock { list -> Bool in
            list.append(folder)
            return list.count == 1
        }
        if first { atexit { TemporaryFolder.removeAll() } }
        return folder
    }

    static func removeAll() {
        let list = folders.withLock { list -> [URL] in
            defer { list = [] }
            return list
        }
        for folder in list { try? FileManager.default.removeItem(at: folder) }
    }
}

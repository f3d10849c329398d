import Foundation

/// The reference data beside the repository (`<repo>/../shared`), when this checkout has it.
///
/// It is not part of the repository, so tests that need it are enabled only when it is there
/// and say why they were skipped otherwise.
enum SharedData {
    /// `<repo>/../shared`; this file is `<repo>/Tests/PBEngineTests/SharedData.swift`.
    static let root: URL? = {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return existingFolder(repository.deletingLastPathComponent().appendingPathComponent("shared"))
    }()

    /// Real Pabulib `.pb` files.
    static let pabulib: URL? = root.flatMap { existingFolder($0.appendingPathComponent("pabulib")) }

    /// What pabutools computed for each of them, as `NAME.json`.
    static let golden: URL? = pabulib.flatMap { existingFolder($0.appendingPathComponent("golden")) }

    /// Names of the `.pb` files, sorted; empty when the folder is absent.
    static let pabulibFileNames: [String] = {
        guard let pabulib,
              let names = try? FileManager.default.contentsOfDirectory(atPath: pabulib.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".pb") }.sorted()
    }()

    private static func existingFolder(_ url: URL) -> URL? {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue ? url : nil
    }
}

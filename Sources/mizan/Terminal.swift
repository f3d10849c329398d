import Foundation

/// Writes to standard error without Glibc's `stderr` global, which Swift 6 rejects as shared state.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

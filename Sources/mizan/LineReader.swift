import Foundation

/// Reads a file line by line in 64 KiB chunks, so a registry of a million lines never sits in
/// memory, and reports how far it got for the progress bar.
struct LineReader {
    let path: String

    /// Calls `body` with each line's bytes (without the newline) and its 1-based number.
    func forEachLine(progress: (_ bytesRead: Int) -> Void = { _ in }, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure.user("cannot open \(path)") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var lineNumber = 0
        var bytesRead = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 65_536) ?? Data() } catch {
                throw CommandFailure.system("cannot read \(path): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            bytesRead += chunk.count
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                try body(pending[start..<newline], lineNumber)
                start = newline + 1
            }
            pending.removeFirst(start)
            progress(bytesRead)
        }
        if !pending.isEmpty {
            lineNumber += 1
            try body(pending[...], lineNumber)
        }
    }
}

/// A progress bar on standard error, redrawn in place on a terminal and printed every 10 % when
/// the output is a log file.
struct ProgressBar {
    let total: Int
    let label: String
    private var lastShown = -1
    private let isTerminal = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    mutating func update(_ done: Int) {
        let percent = min(100, done * 100 / total)
        guard percent != lastShown, isTerminal || percent / 10 != lastShown / 10 || percent == 100 else { return }
        lastShown = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let text = "\(label) [\(bar)] \(percent)%"
        FileHandle.standardError.write(Data((isTerminal ? "\r" + text : text + "\n").utf8))
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

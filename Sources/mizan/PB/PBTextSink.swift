import Foundation

/// Where `pb generate` writes: text gathered into 1 MiB blocks before each write, so a million
/// ballots take a few dozen system calls and never sit in memory at once.
protocol PBTextSink {
    mutating func write(_ text: String) throws
}

/// A buffered writer to a file handle (a file, or standard output).
struct BufferedFileSink: PBTextSink {
    let handle: FileHandle
    let name: String
    private var buffer: [UInt8] = []
    static let blockSize = 1 << 20

    init(handle: FileHandle, name: String) {
        self.handle = handle
        self.name = name
        buffer.reserveCapacity(Self.blockSize + 4096)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.blockSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw CommandFailure.system("cannot write \(name): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

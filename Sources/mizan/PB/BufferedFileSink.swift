import Foundation

/// Where `pb generate` writes: bytes gathered into 1 MiB blocks before each write, so a million
/// ballots take a few dozen system calls and never sit in memory at once. Ballot lines are written
/// straight into the block, since building a `String` per ballot dominated the run time.
struct BufferedFileSink {
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

    /// Lets `build` append bytes straight into the block.
    mutating func write(_ build: (inout [UInt8]) -> Void) throws {
        build(&buffer)
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

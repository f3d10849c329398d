import Foundation

/// The POSIX `ustar` tar format (POSIX.1-1988, as `tar -x` reads it everywhere), the one place that
/// knows it: the export download sends a cycle's folder as one archive, files only, one level
/// deep, each entry made of a 512-byte header, the contents and zero padding to 512 bytes, and the
/// archive closed by two zero blocks.
enum UstarArchive {
    static let blockSize = 512

    /// Why a file cannot go into an archive.
    struct Unrepresentable: Error {
        let name: String
    }

    /// The header of a regular file named `name` (at most 100 bytes of UTF-8, no NUL) holding
    /// `size` bytes, readable by everyone.
    static func header(name: String, size: Int, modified: Date) throws -> [UInt8] {
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 100, !nameBytes.contains(0), size >= 0, size < 0o77777777777 else {
            throw Unrepresentable(name: name)
        }
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) { block.replaceSubrange(offset..<(offset + bytes.count), with: bytes) }
        /// An octal number right-aligned in `width - 1` digits and a NUL, as tar writes them.
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8) + [0]
        }
        put(nameBytes, at: 0)
        put(octal(0o644, width: 8), at: 100)  // mode
        put(octal(0, width: 8), at: 108)  // owner
        put(octal(0, width: 8), at: 116)  // group
        put(octal(size, width: 12), at: 124)
        put(octal(max(0, Int(modified.timeIntervalSince1970)), width: 12), at: 136)
        put(Array("        ".utf8), at: 148)  // the checksum counts its own field as spaces
        block[156] = UInt8(ascii: "0")  // a regular file
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(Array((String(repeating: "0", count: 6 - String(checksum, radix: 8).count) + String(checksum, radix: 8)).utf8) + [0, 0x20], at: 148)
        return block
    }

    /// Zero bytes that fill a file of `size` bytes up to a whole block.
    static func padding(after size: Int) -> [UInt8] {
        [UInt8](repeating: 0, count: (blockSize - size % blockSize) % blockSize)
    }

    /// The two zero blocks that end an archive.
    static let end = [UInt8](repeating: 0, count: 2 * blockSize)

    /// The length of an archive of files of these sizes.
    static func length(of sizes: [Int]) -> Int {
        sizes.reduce(end.count) { $0 + blockSize + $1 + padding(after: $1).count }
    }
}

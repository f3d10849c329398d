/// Byte strings → consecutive indices, looked up straight from the bytes of a line.
///
/// A ballot names its projects by id, and a large file has hundreds of thousands of such names;
/// hashing the bytes in place avoids building a `String` for each one just to query a
/// dictionary. The same table interns repeated voter values (`internet`, a district name).
struct ByteKeyTable {
    private var keyBytes: [UInt8] = []
    private var keyRanges: [Range<Int>] = []
    /// Open addressing, linear probing; `-1` marks a free slot. Kept at most half full.
    private var slots: [Int32] = Array(repeating: -1, count: 16)

    var count: Int { keyRanges.count }

    /// Adds `key` as the next index and returns nil, or returns the index it already has.
    mutating func insert(_ key: UnsafeRawBufferPointer) -> Int? {
        if let existing = index(of: key) { return existing }
        if (keyRanges.count + 1) * 2 > slots.count { grow() }
        let start = keyBytes.count
        keyBytes.append(contentsOf: key)
        keyRanges.append(start..<keyBytes.count)
        place(Int32(keyRanges.count - 1), hash: Self.hash(key))
        return nil
    }

    func index(of key: UnsafeRawBufferPointer) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
        return keyBytes.withUnsafeBytes { stored in
            while true {
                let candidate = Int(slots[slot])
                if candidate < 0 { return nil }
                let range = keyRanges[candidate]
                if range.count == key.count,
                   key.count == 0 || memoryEqual(stored.baseAddress! + range.lowerBound, key.baseAddress!, key.count) {
                    return candidate
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for (index, range) in keyRanges.enumerated() {
            let hash = keyBytes.withUnsafeBytes { Self.hash(UnsafeRawBufferPointer(rebasing: $0[range])) }
            place(Int32(index), hash: hash)
        }
    }

    private mutating func place(_ index: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }

    /// Eight bytes at a time with a multiply-xorshift mix: ids and voter values are short, and
    /// hashing them must cost less than the dictionary lookup it replaces.
    private static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let count = key.count
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(count)
        var i = 0
        while i + 8 <= count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xbf58_476d_1ce4_e5b9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        while i < count {
            tail = tail << 8 | UInt64(key[i])
            i += 1
        }
        h = (h ^ tail) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 29)
    }
}

/// Byte equality without Foundation's `memcmp`, which PBEngine does not import.
@inline(__always)
func memoryEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

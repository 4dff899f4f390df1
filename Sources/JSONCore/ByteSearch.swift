/// Substring search over raw bytes: a cheap test before a JSON scan on a hot path (does this chunk mention "error"?).
public enum ByteSearch {
    /// Whether `needle`'s UTF-8 bytes occur in `haystack`.
    ///
    /// Runs once per streamed event, so candidates are found 8 positions at a time: a position is one when its byte
    /// is the needle's first and the next byte its second (JSON needles start with a quote, which alone would match
    /// at every string). Each candidate is then compared in full.
    public static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let pattern = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard pattern.count >= 2 else { return pattern.isEmpty || haystack.contains(pattern[0]) }
        guard pattern.count <= haystack.count else { return false }
        let last = haystack.count - pattern.count  // the last position a match can start at
        let ones: UInt64 = 0x0101_0101_0101_0101
        let first = ones &* UInt64(pattern[0])
        let second = ones &* UInt64(pattern[1])
        var position = 0
        // Two overlapping words: bytes position..<position+8 and position+1..<position+9.
        while position &+ 9 <= haystack.count && position <= last {
            let here = UInt64(littleEndian: haystack.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let next = UInt64(littleEndian: haystack.loadUnaligned(fromByteOffset: position &+ 1, as: UInt64.self))
            var candidates = zeroBytes(here ^ first) & zeroBytes(next ^ second)
            while candidates != 0 {
                let start = position &+ candidates.trailingZeroBitCount &>> 3
                if start <= last && matches(pattern, in: haystack, at: start) { return true }
                candidates &= candidates &- 1
            }
            position &+= 8
        }
        while position <= last {
            if matches(pattern, in: haystack, at: position) { return true }
            position += 1
        }
        return false
    }

    /// High bit set in every zero byte of `word` (and possibly in some bytes above a zero byte, from the borrow:
    /// callers confirm each candidate, and no zero byte is ever missed).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private static func matches(_ pattern: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, at start: Int) -> Bool {
        var index = 0
        while index < pattern.count && haystack[start + index] == pattern[index] { index += 1 }
        return index == pattern.count
    }
}

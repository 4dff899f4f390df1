import Glibc

/// Byte searches for the hot paths, 8 bytes at a time (SWAR): a substring test before a JSON scan (does this chunk
/// mention "error"?), the next of two bytes (a line break in an SSE stream). The JSON reader's string scanning uses
/// the same zero-byte test (`zeroBytes`).
public enum ByteSearch {
    /// The first position at or after `start` holding `first` or `second`; `bytes.count` when there is none.
    @inlinable
    public static func firstIndex(of first: UInt8, or second: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let firsts = ones &* UInt64(first)
        let seconds = ones &* UInt64(second)
        var position = start
        while position &+ 8 <= bytes.count {
            // Little-endian: the first byte is lowest, so the lowest flag (the exact one, see `zeroBytes`) is the match.
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let found = zeroBytes(word ^ firsts) | zeroBytes(word ^ seconds)
            if found != 0 { return position &+ found.trailingZeroBitCount &>> 3 }
            position &+= 8
        }
        while position < bytes.count && bytes[position] != first && bytes[position] != second { position += 1 }
        return position
    }

    /// Whether two buffers hold the same bytes (`memcmp`: a stream event's few hundred bytes, compared once per
    /// event, where a byte-by-byte comparison cost about four instructions a byte).
    public static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let first = left.baseAddress, let second = right.baseAddress else { return true }  // both empty
        return memcmp(first, second, left.count) == 0
    }

    /// Whether `text` up to its first `terminator` byte (all of it when it has none) is `literal`, byte for byte
    /// (`memcmp` over the string's own storage: comparing UTF-8 views index by index cost ~1,100 instructions for a
    /// request path).
    public static func equal(_ text: String, before terminator: UInt8, _ literal: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            let end = utf8.firstIndex(of: terminator) ?? utf8.count
            let pattern = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            return equal(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[..<end]), pattern)
        }
    }

    /// Whether `bytes` begin with `prefix` (written in lower case), ASCII letters compared without case: a media
    /// type or a header name checked without building a lower-cased copy.
    public static func hasPrefix(_ bytes: UnsafeRawBufferPointer, ignoringCase prefix: StaticString) -> Bool {
        let pattern = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard pattern.count <= bytes.count else { return false }
        for index in pattern.indices where asciiLowercased(bytes[index]) != pattern[index] { return false }
        return true
    }

    /// An ASCII letter in lower case; any other byte (UTF-8 continuation bytes included) as it is.
    @inlinable
    public static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

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

    /// Where `pattern` first occurs in `haystack` at or after `start`: a needle sought through a long text (a key
    /// through a whole record). `memchr` (which reads many bytes an instruction) finds the needle's rarest byte, and
    /// each such place is compared whole; where `contains`, made for short texts, reads ~1.5 instructions a byte.
    public static func firstIndex(
        of pattern: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from start: Int
    ) -> Int? {
        guard start >= 0, start <= haystack.count, pattern.count <= haystack.count - start else { return nil }
        guard let base = haystack.baseAddress, let needle = pattern.baseAddress else {
            return pattern.isEmpty ? start : nil
        }
        let anchor = rarestByteOffset(in: pattern)
        let lastAnchor = haystack.count - pattern.count + anchor  // where the anchor byte of the last fit lies
        var from = start + anchor
        while from <= lastAnchor {
            guard let hit = memchr(base + from, Int32(pattern[anchor]), lastAnchor - from + 1) else { return nil }
            let candidate = base.distance(to: UnsafeRawPointer(hit)) - anchor
            if memcmp(base + candidate, needle, pattern.count) == 0 { return candidate }
            from = candidate + anchor + 1
        }
        return nil
    }

    /// `firstIndex(of:in:from:)` for arrays.
    public static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { haystack in pattern.withUnsafeBytes { firstIndex(of: $0, in: haystack, from: start) } }
    }

    /// The offset of the byte of `pattern` least common in records' text, so that few places match it.
    private static func rarestByteOffset(in pattern: UnsafeRawBufferPointer) -> Int {
        var rarest = 0
        var rarestRank = Int.max
        for (offset, byte) in pattern.enumerated() where commonness(byte) < rarestRank {
            rarest = offset
            rarestRank = commonness(byte)
        }
        return rarest
    }

    /// How common a byte is in JSON records of English text: lower is rarer. Lower-case letters by their frequency
    /// in English (z rarest, e most common); JSON's own punctuation and digits (times, counts) are everywhere.
    private static func commonness(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            let letters: StaticString = "zqxjkvbpygfwmucldrhsnioate"
            let order = UnsafeBufferPointer(start: letters.utf8Start, count: letters.utf8CodeUnitCount)
            return order.firstIndex(of: byte) ?? 0
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return 3
        case 0x80...: return 2
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return 22
        case UInt8(ascii: "\""), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "{"),
             UInt8(ascii: "}"): return 40
        default: return 15
        }
    }

    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit set in every zero byte of `word`: `(x - 0x01…) & ~x & 0x80…`. No zero byte is ever missed; a
    /// borrow can also flag bytes above the first zero byte, never below it — so the lowest flag is exact, and
    /// higher ones are candidates to confirm.
    @inlinable
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highBits
    }

    @inline(__always)
    private static func matches(_ pattern: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, at start: Int) -> Bool {
        var index = 0
        while index < pattern.count && haystack[start + index] == pattern[index] { index += 1 }
        return index == pattern.count
    }
}

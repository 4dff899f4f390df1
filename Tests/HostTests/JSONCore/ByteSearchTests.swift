import JSONCore
import Testing

/// `ByteSearch.contains` agrees with a plain search at every offset, near matches and word edges included; `equal`
/// with a comparison of the bytes.
@Suite("Byte search")
struct ByteSearchTests {
    private func contains(_ haystack: [UInt8], _ needle: StaticString) -> Bool {
        haystack.withUnsafeBytes { ByteSearch.contains($0, needle) }
    }

    private func naive(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return needle.isEmpty }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }

    @Test("equal: same bytes and length; any byte or the length differing is not; two empty buffers are")
    func equal() {
        let text = Array(#"data: {"choices":[{"delta":{"content":" t1"}}]}"#.utf8)
        func same(_ left: [UInt8], _ right: [UInt8]) -> Bool {
            left.withUnsafeBytes { a in right.withUnsafeBytes { b in ByteSearch.equal(a, b) } }
        }
        #expect(same(text, text))
        for index in text.indices {
            var other = text
            other[index] ^= 0x01
            #expect(!same(text, other), "byte \(index)")
        }
        #expect(!same(text, Array(text.dropLast())))
        #expect(!same([], text) && !same(text, []))
        #expect(same([], []))
    }

    @Test("the needle at every position of haystacks of every length up to 40, and every near miss")
    func everyOffset() {
        let needle = Array(#""error""#.utf8)
        for length in 0...40 {
            for position in 0...max(0, length - needle.count) where length >= needle.count {
                var haystack = Array(repeating: UInt8(ascii: "\""), count: length)  // quotes everywhere: first-byte noise
                haystack.replaceSubrange(position..<position + needle.count, with: needle)
                #expect(contains(haystack, #""error""#), "length \(length), at \(position)")
                // Each byte of the match changed in turn: never found.
                for broken in 0..<needle.count {
                    var miss = haystack
                    miss[position + broken] = UInt8(ascii: "x")
                    #expect(contains(miss, #""error""#) == naive(miss, needle), "length \(length), at \(position), byte \(broken)")
                }
            }
            let plain = Array(repeating: UInt8(ascii: "e"), count: length)
            #expect(!contains(plain, #""error""#))
        }
    }

    /// 0–63 bytes drawn from `alphabet` by a linear congruential generator (the same haystacks every run).
    private static func pseudoRandomHaystack(of alphabet: [UInt8], seed: inout UInt64) -> [UInt8] {
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed
        }
        return (0..<Int(next() >> 58)).map { _ in alphabet[Int(next() >> 61) % alphabet.count] }
    }

    @Test("agrees with a plain search on pseudo-random haystacks over a small alphabet")
    func randomHaystacks() {
        var seed: UInt64 = 42
        for _ in 0..<3_000 {
            let haystack = Self.pseudoRandomHaystack(of: Array(#""erou"#.utf8), seed: &seed)
            #expect(contains(haystack, #""error""#) == naive(haystack, Array(#""error""#.utf8)))
            #expect(contains(haystack, "ro") == naive(haystack, Array("ro".utf8)))
        }
    }

    @Test("firstIndex(of:in:from:) finds the first occurrence at or after the start, as a plain search does")
    func firstOccurrenceFrom() {
        func naiveFirst(_ haystack: [UInt8], _ needle: [UInt8], from start: Int) -> Int? {
            guard needle.count <= haystack.count - start else { return nil }
            return (start...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
        }
        var seed: UInt64 = 7
        for _ in 0..<2_000 {
            let haystack = Self.pseudoRandomHaystack(of: Array("sk-ab".utf8), seed: &seed)
            let length = haystack.count
            for needle in [Array("sk-a".utf8), Array("ab".utf8), Array("b".utf8)] {
                for start in [0, length / 3, length] {
                    let found = haystack.withUnsafeBytes { bytes in
                        needle.withUnsafeBytes { ByteSearch.firstIndex(of: $0, in: bytes, from: start) }
                    }
                    #expect(found == naiveFirst(haystack, needle, from: start), "\(haystack) \(needle) \(start)")
                }
            }
        }
    }

    @Test("the first of two bytes is found at every position, from every start, whichever of the two it is")
    func firstOfTwo() {
        var bytes = Array(repeating: UInt8(ascii: "a"), count: 40)
        func first(from start: Int) -> Int {
            bytes.withUnsafeBytes { ByteSearch.firstIndex(of: 0x0A, or: 0x0D, in: $0, from: start) }
        }
        for position in 0..<bytes.count {
            for byte: UInt8 in [0x0A, 0x0D] {
                bytes[position] = byte
                #expect(first(from: 0) == position)
                #expect(first(from: position) == position)
                #expect(first(from: position + 1) == bytes.count)
                bytes[position] = UInt8(ascii: "a")
            }
        }
        // Neighbouring values (0x0B, 0x0C, 0x0E, 0x8A) are not matches, and the earlier of two matches wins.
        bytes = Array("ab\u{0B}\u{0C}\u{0E}cdefgh\rij\nk".utf8) + [0x8A]
        #expect(first(from: 0) == 11)
        #expect(first(from: 12) == 14)
    }

    @Test("needles of one byte, none, or longer than the haystack")
    func shortAndLong() {
        #expect(contains(Array("abc".utf8), "c"))
        #expect(!contains(Array("abc".utf8), "d"))
        #expect(contains(Array("abc".utf8), ""))
        #expect(!contains(Array("ab".utf8), "abc"))
        #expect(!contains([], "a"))
    }

    @Test("a prefix in any ASCII letter case, and nothing that only looks like it")
    func prefixIgnoringCase() {
        func has(_ text: String, _ prefix: StaticString) -> Bool {
            Array(text.utf8).withUnsafeBytes { ByteSearch.hasPrefix($0, ignoringCase: prefix) }
        }
        #expect(has("text/event-stream", "text/event-stream"))
        #expect(has("Text/Event-Stream; charset=utf-8", "text/event-stream"))
        #expect(has("TEXT/EVENT-STREAM", "text/event-stream"))
        #expect(has("anything", ""))
        #expect(!has("text/event-strea", "text/event-stream"))
        #expect(!has("application/json", "text/event-stream"))
        #expect(!has("text\u{0F}event-stream", "text/event-stream"))  // '/' (0x2F) is no case of 0x0F
        #expect(!has("", "a"))
    }

    @Test("a string up to a terminator byte equals a literal byte for byte: case, length and what follows count")
    func equalBeforeTerminator() {
        let query = UInt8(ascii: "?")
        #expect(ByteSearch.equal("/v1/messages", before: query, "/v1/messages"))
        #expect(ByteSearch.equal("/v1/messages?beta=true", before: query, "/v1/messages"))
        #expect(ByteSearch.equal("?x", before: query, ""))
        #expect(ByteSearch.equal("", before: query, ""))
        #expect(!ByteSearch.equal("/V1/messages", before: query, "/v1/messages"))
        #expect(!ByteSearch.equal("/v1/message", before: query, "/v1/messages"))
        #expect(!ByteSearch.equal("/v1/messages/", before: query, "/v1/messages"))
        #expect(!ByteSearch.equal("/v1/messages\u{E9}", before: query, "/v1/messages"))
        #expect(!ByteSearch.equal("?/v1/messages", before: query, "/v1/messages"))
        // A string short enough to be stored inline reads the same as one on the heap.
        #expect(ByteSearch.equal(String("/m?".dropLast()), before: query, "/m"))
    }
}

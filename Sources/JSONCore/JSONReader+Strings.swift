/// Where a string literal sits in the input, as found by ``JSONReader/readString()``.
struct ScannedString {
    /// The literal including both quotes.
    let range: Range<Int>
    /// False when the content can be used byte for byte, true when it has backslash escapes to decode.
    let hasEscapes: Bool

    /// The bytes between the quotes.
    var content: Range<Int> { range.lowerBound + 1 ..< range.upperBound - 1 }
}

extension JSONReader {
    /// Reads a string literal starting at the opening quote (which the caller has seen), checking escapes,
    /// surrogate pairs, control characters and UTF-8 on the way.
    mutating func readString() throws(JSONError) -> ScannedString {
        let start = position
        let end = bytes.count
        position += 1
        var hasEscapes = false
        while true {
            // Most string content is plain ASCII text (the closing quote of a short string is found without a
            // byte loop).
            position = Self.endOfPlainRun(in: bytes, from: position)
            guard position < end else { throw JSONError.unterminatedString(startingAt: start, in: bytes) }
            let byte = bytes[position]
            if byte == ASCII.quote {
                position += 1
                return ScannedString(range: start..<position, hasEscapes: hasEscapes)
            } else if byte == ASCII.backslash {
                hasEscapes = true
                try readEscape(inStringStartingAt: start)
            } else if byte < 0x20 {
                throw JSONError.controlCharacter(at: position, in: bytes)
            } else if byte < 0x80 {
                position += 1
            } else {
                let length = UTF8Validation.sequenceLength(at: position, in: bytes)
                guard length > 0 else { throw JSONError.invalidUTF8(at: position, in: bytes) }
                position += length
            }
        }
    }

    /// Where the plain run starting at `position` ends: the first quote, backslash, control character or non-ASCII
    /// byte at or after it, found 8 bytes at a time; `bytes.count` when there is none.
    @inline(__always)
    static func endOfPlainRun(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var position = start
        while position &+ 8 <= bytes.count {
            // Little-endian order puts the first byte lowest, where borrows start (see `attentionMask`).
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let attention = attentionMask(word)
            if attention != 0 { return position &+ attention.trailingZeroBitCount &>> 3 }
            position &+= 8
        }
        guard position < bytes.count else { return position }
        // Fewer than 8 bytes left (every string the writer escapes ends so): one word of them, padded above with a
        // plain letter, which never needs attention and never borrows, so any flag is a real byte's.
        var word: UInt64 = 0x4141_4141_4141_4141
        var shift: UInt64 = 0
        for index in position..<bytes.count {
            word = word & ~(0xFF &<< shift) | UInt64(bytes[index]) &<< shift
            shift &+= 8
        }
        let attention = attentionMask(word)
        return attention != 0 ? position &+ attention.trailingZeroBitCount &>> 3 : bytes.count
    }

    /// Non-zero when the 8 bytes of `word` hold a quote, a backslash, a control character or a non-ASCII byte; its
    /// lowest set bit is the high bit of the first such byte.
    ///
    /// Classic SWAR tests (`ByteSearch.zeroBytes`): a quote or backslash is a zero byte of the word xor'ed with it,
    /// and `(x - 0x20…) & ~x` flags bytes below 0x20 the same way. A borrow can flag bytes above the lowest real hit,
    /// never below it, so the lowest flag is exact when the word was loaded little-endian (first byte lowest).
    @inline(__always)
    static func attentionMask(_ word: UInt64) -> UInt64 {
        let ones = ByteSearch.ones
        let hasQuote = ByteSearch.zeroBytes(word ^ (ones &* UInt64(ASCII.quote)))
        let hasBackslash = ByteSearch.zeroBytes(word ^ (ones &* UInt64(ASCII.backslash)))
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & ByteSearch.highBits
    }

    /// Reads one escape at the backslash at `position`; a `\u` high surrogate must be followed by a `\u` low one.
    private mutating func readEscape(inStringStartingAt start: Int) throws(JSONError) {
        guard position + 1 < bytes.count else { throw JSONError.unterminatedString(startingAt: start, in: bytes) }
        switch bytes[position + 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash,
             UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case ASCII.lowercaseU:
            let escapeStart = position
            let unit = try readUnicodeEscape()
            switch unit {
            case 0xD800...0xDBFF:
                let followedByEscape = position + 1 < bytes.count
                    && bytes[position] == ASCII.backslash && bytes[position + 1] == ASCII.lowercaseU
                guard followedByEscape, case 0xDC00...0xDFFF = try readUnicodeEscape() else {
                    throw JSONError.unpairedSurrogate(unit, at: escapeStart, in: bytes)
                }
            case 0xDC00...0xDFFF:
                throw JSONError.unpairedSurrogate(unit, at: escapeStart, in: bytes)
            default:
                break
            }
        default:
            throw JSONError.invalidEscape(at: position, in: bytes)
        }
    }

    /// Reads `\uXXXX` at `position` and returns the UTF-16 code unit.
    private mutating func readUnicodeEscape() throws(JSONError) -> UInt16 {
        guard let unit = Self.hexCodeUnit(at: position + 2, in: bytes) else {
            throw JSONError.invalidEscape(at: position, in: bytes)
        }
        position += 6
        return unit
    }

    /// The value of the 4 hex digits at `offset`, or nil when they are not all there.
    @inline(__always)
    static func hexCodeUnit(at offset: Int, in bytes: UnsafeRawBufferPointer) -> UInt16? {
        guard offset + 4 <= bytes.count else { return nil }
        var unit: UInt16 = 0
        for index in offset..<offset + 4 {
            guard let digit = ASCII.hexValue(bytes[index]) else { return nil }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }
}

/// Turns the content of an already-checked string literal into text.
///
/// Every function here assumes ``JSONReader/readString()`` accepted the literal first, so it does not
/// re-check escapes or UTF-8.
enum JSONStringDecoder {
    /// Appends the decoded UTF-8 of the literal content `content` of `bytes` to `output`.
    static func append(_ content: Range<Int>, of bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        var runStart = content.lowerBound
        var position = content.lowerBound
        while position < content.upperBound {
            guard bytes[position] == ASCII.backslash else {
                position += 1
                continue
            }
            // Copy the plain run before the escape in one go.
            output.appendRaw(UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
            position = appendEscape(at: position, of: bytes, to: &output)
            runStart = position
        }
        output.appendRaw(UnsafeRawBufferPointer(rebasing: bytes[runStart..<content.upperBound]))
    }

    /// The text of a checked literal.
    static func string(from literal: ScannedString, in bytes: UnsafeRawBufferPointer) -> String {
        guard literal.hasEscapes else { return String(copying: UnsafeRawBufferPointer(rebasing: bytes[literal.content])) }
        var output: [UInt8] = []
        output.reserveCapacity(literal.content.count)
        append(literal.content, of: bytes, to: &output)
        return output.withUnsafeBytes { String(copying: $0) }
    }

    /// Decodes the escape at `offset` (a backslash), appends its UTF-8 and returns the offset after it.
    private static func appendEscape(at offset: Int, of bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Int {
        var decoder = EscapeDecoder(bytes: bytes, position: offset)
        let scalar = decoder.nextScalar()
        UTF8.encode(scalar) { output.append($0) }
        return decoder.position
    }
}

/// Decodes one backslash escape of a checked literal, joining `\uD83D\uDE00`-style surrogate pairs.
struct EscapeDecoder {
    /// The document holding the escape.
    let bytes: UnsafeRawBufferPointer
    /// On a backslash before ``nextScalar()``; after the escape afterwards.
    var position: Int

    /// The scalar the escape at `position` stands for.
    mutating func nextScalar() -> Unicode.Scalar {
        let letter = bytes[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case ASCII.lowercaseU: break
        default: return Unicode.Scalar(letter)  // " \ and /
        }
        let unit = JSONReader.hexCodeUnit(at: position, in: bytes) ?? 0xFFFD
        position += 4
        guard (0xD800...0xDBFF).contains(unit) else { return Unicode.Scalar(unit) ?? "\u{FFFD}" }
        let low = JSONReader.hexCodeUnit(at: position + 2, in: bytes) ?? 0xDC00
        position += 6
        let value = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low &- 0xDC00)
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}

/// The decoded UTF-8 bytes of a checked literal's content, one at a time, for comparing keys without allocating.
struct DecodedBytes: IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private let hasEscapes: Bool
    /// Bytes of a decoded escape still to hand out, lowest byte first.
    private var pending: UInt32 = 0
    private var pendingCount = 0

    /// Iterates over `content` of `bytes`; with `hasEscapes` false the bytes are handed out as they are.
    init(_ content: Range<Int>, of bytes: UnsafeRawBufferPointer, hasEscapes: Bool) {
        self.bytes = bytes
        self.position = content.lowerBound
        self.end = content.upperBound
        self.hasEscapes = hasEscapes
    }

    /// The next decoded byte, or nil after the last.
    mutating func next() -> UInt8? {
        if pendingCount > 0 {
            let byte = UInt8(truncatingIfNeeded: pending)
            pending >>= 8
            pendingCount -= 1
            return byte
        }
        guard position < end else { return nil }
        let byte = bytes[position]
        guard hasEscapes, byte == ASCII.backslash else {
            position += 1
            return byte
        }
        var decoder = EscapeDecoder(bytes: bytes, position: position)
        let scalar = decoder.nextScalar()
        position = decoder.position
        var shift: UInt32 = 0
        UTF8.encode(scalar) { unit in
            pending |= UInt32(unit) << shift
            shift += 8
            pendingCount += 1
        }
        return next()
    }

    /// True when both iterators yield the same bytes.
    static func areEqual(_ lhs: DecodedBytes, _ rhs: DecodedBytes) -> Bool {
        var lhs = lhs
        var rhs = rhs
        while true {
            let left = lhs.next()
            guard left == rhs.next() else { return false }
            if left == nil { return true }
        }
    }
}

extension String {
    /// Copies UTF-8 bytes into a new string (ill-formed bytes become U+FFFD, though callers pass checked bytes).
    init(copying utf8: UnsafeRawBufferPointer) {
        self.init(unsafeUninitializedCapacity: utf8.count) { destination in
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: utf8)
            return utf8.count
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends raw bytes with a single copy.
    @inline(__always)
    mutating func appendRaw(_ raw: UnsafeRawBufferPointer) {
        guard !raw.isEmpty else { return }
        raw.withMemoryRebound(to: UInt8.self) { append(contentsOf: $0) }
    }
}

/// Reads raw JSON bytes without building a document: the proxy's hot path.
///
/// Everything here makes one pass over the input, checks the full RFC 8259 grammar on the way (so a range
/// is only ever returned for a well-formed document), walks the raw buffer by index and does not allocate
/// per byte. Ranges are byte offsets into the buffer passed in; slice the same buffer with them.
///
/// THREAD: pure functions; call from any thread, including an event loop.
/// LIFETIME: buffers are only read during the call; returned ranges stay meaningful as long as the caller's bytes do.
public enum JSONScanner {
    /// Arrays and objects that may be open at once; deeper input is rejected rather than overflowing a stack.
    public static let maximumDepth = 512

    /// A member of the top-level object, as found by `topLevelMembers(in:)`.
    public struct Member: Sendable, Equatable {
        /// The decoded key.
        public let key: String
        /// The key's string literal, quotes included.
        public let keyRange: Range<Int>
        /// The member's value, exactly as written (no surrounding whitespace).
        public let valueRange: Range<Int>
    }

    /// Checks that `bytes` holds exactly one JSON value (RFC 8259, strict), without allocating.
    ///
    /// - Throws: ``JSONError`` at the first problem: trailing commas, comments, leading zeros, bad escapes or
    ///   UTF-8 in strings, nesting deeper than 512 levels, trailing characters.
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONError) {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        try reader.skipValue(depth: 0)
        try reader.expectEndOfInput()
    }

    /// The byte range of the value of the top-level member named `key`, or nil when there is none.
    ///
    /// A key given more than once resolves to its last value, as ``JSONValue`` parsing does. The key in the
    /// document may be written with escapes (`"mod\u0065l"` matches `model`).
    ///
    /// - Throws: ``JSONError`` when the document is malformed anywhere, or of kind
    ///   ``JSONError/Kind/notAnObject`` when its top-level value is not an object.
    public static func topLevelValue(forKey key: String, in bytes: UnsafeRawBufferPointer) throws(JSONError) -> Range<Int>? {
        var key = key
        return try key.withUTF8 { utf8 in
            Result { () throws(JSONError) -> Range<Int>? in
                let pattern = KeyPattern(bytes: UnsafeRawBufferPointer(utf8), hasEscapes: false)
                var found: Range<Int>?
                try forEachTopLevelMember(in: bytes) { literal, value in
                    if literal.matches(pattern, in: bytes) { found = value }
                }
                return found
            }
        }.get()
    }

    /// Every member of the top-level object in source order, repeated keys included, from one pass.
    ///
    /// Use this to pick several members at once (`model`, `stream`, `stream_options`); for a repeated key
    /// the last one is what ``JSONValue`` parsing keeps.
    ///
    /// - Throws: as `topLevelValue(forKey:in:)`.
    public static func topLevelMembers(in bytes: UnsafeRawBufferPointer) throws(JSONError) -> [Member] {
        try topLevelMembers(in: bytes, offsetBy: 0)
    }

    /// `topLevelMembers(in:)` with `offset` added to every range: pass where `bytes` starts within a larger buffer
    /// to get ranges into that buffer.
    public static func topLevelMembers(in bytes: UnsafeRawBufferPointer, offsetBy offset: Int) throws(JSONError) -> [Member] {
        var members: [Member] = []
        members.reserveCapacity(16)  // most objects have fewer members: no regrowing on the way
        try forEachTopLevelMember(in: bytes) { literal, value in
            let key = JSONStringDecoder.string(from: literal, in: bytes)
            members.append(Member(key: key, keyRange: literal.range.shifted(by: offset), valueRange: value.shifted(by: offset)))
        }
        return members
    }

    /// Visits the members of the top-level object of `bytes`, checking the whole document on the way, without building
    /// a list: `body` gets each key's bytes between its quotes, whether they hold escapes (then they are not the
    /// decoded key: decode the literal, quotes included, at `keyLiteral`), and the value's range. For readers that
    /// look for a few known keys in each of many small documents — a recorded stream's chunks, once per event.
    ///
    /// - Throws: ``JSONError`` when the document is malformed anywhere (members before the problem have been
    ///   visited), or of kind ``JSONError/Kind/notAnObject`` when its top-level value is not an object.
    public static func forEachTopLevelMember(
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ key: UnsafeRawBufferPointer, _ keyLiteral: Range<Int>, _ hasEscapes: Bool, _ value: Range<Int>) -> Void
    ) throws(JSONError) {
        try forEachTopLevelMember(in: bytes) { (key: ScannedString, value: Range<Int>) in
            body(UnsafeRawBufferPointer(rebasing: bytes[key.content]), key.range, key.hasEscapes, value)
        }
    }

    /// Decodes one JSON string literal, quotes included (e.g. the bytes at a range `find` returned), to text.
    ///
    /// - Throws: ``JSONError`` when `literal` is not exactly one well-formed string literal.
    public static func decodeString(_ literal: UnsafeRawBufferPointer) throws(JSONError) -> String {
        let scanned = try checkedStringLiteral(literal)
        return JSONStringDecoder.string(from: scanned, in: literal)
    }

    /// Where the text of the JSON string literal `literal` (quotes included) lies in it when the literal holds it
    /// as is — no escape, no control character, no non-ASCII byte (nothing to decode or to check as UTF-8) — so it
    /// can be used in place; nil otherwise (decode it with ``decodeString(_:)``, which also refuses a malformed one).
    public static func plainStringContent(_ literal: UnsafeRawBufferPointer) -> Range<Int>? {
        guard literal.count >= 2, literal[0] == ASCII.quote, literal[literal.count - 1] == ASCII.quote else {
            return nil
        }
        let content = UnsafeRawBufferPointer(rebasing: literal[1..<literal.count - 1])
        return JSONReader.endOfPlainRun(in: content, from: 0) == content.count ? 1..<literal.count - 1 : nil
    }

    /// Decodes one JSON string literal, quotes included, appending its UTF-8 to `output`.
    ///
    /// The byte form of ``decodeString(_:)``, for copying a value straight into an outgoing buffer.
    ///
    /// - Throws: ``JSONError`` when `literal` is not exactly one well-formed string literal; `output` is
    ///   then left unchanged.
    public static func decodeString(_ literal: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(JSONError) {
        let scanned = try checkedStringLiteral(literal)
        JSONStringDecoder.append(scanned.content, of: literal, to: &output)
    }

    /// Reads the top-level object of `bytes`, calling `body` with each member's key literal and value range.
    static func forEachTopLevelMember(
        in bytes: UnsafeRawBufferPointer,
        _ body: (ScannedString, Range<Int>) -> Void
    ) throws(JSONError) {
        var reader = JSONReader(bytes)
        reader.skipWhitespace()
        guard reader.currentByte == ASCII.openBrace else {
            if reader.isAtEnd { throw reader.unexpected(.value) }
            throw JSONError.notAnObject(at: reader.position, in: bytes)
        }
        if try reader.enterContainer(depth: 0) == .items {
            repeat {
                let key = try reader.readMemberKey()
                let start = reader.position
                try reader.skipValue(depth: 1)
                body(key, start..<reader.position)
            } while try reader.moveToNextItem(inObject: true)
        }
        try reader.expectEndOfInput()
    }

    private static func checkedStringLiteral(_ literal: UnsafeRawBufferPointer) throws(JSONError) -> ScannedString {
        var reader = JSONReader(literal)
        guard reader.currentByte == ASCII.quote else { throw reader.unexpected(.quote) }
        let scanned = try reader.readString()
        guard reader.isAtEnd else { throw JSONError.trailingCharacters(at: reader.position, in: literal) }
        return scanned
    }
}

extension Range<Int> {
    fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

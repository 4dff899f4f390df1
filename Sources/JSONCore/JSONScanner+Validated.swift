extension JSONScanner {
    /// The members of an object that this scanner has **already validated** — an element of
    /// ``topLevelElements(in:)-(UnsafeRawBufferPointer)``, a member value of ``topLevelMembers(in:)``, a section of
    /// either — found without checking the grammar again.
    ///
    /// A validating pass costs most of the work of reading a document; code that reads an object and then the
    /// objects inside it would otherwise check the inner bytes once per level. This walk only finds boundaries
    /// (string ends, bracket depth), several times cheaper.
    ///
    /// On input that was not validated it never reads outside `bytes`, but what it returns is unspecified (it
    /// throws where it finds no structure it can follow).
    ///
    /// - Parameters:
    ///   - bytes: exactly the object, `{` to `}`.
    ///   - offset: added to every range (where `bytes` starts within a larger buffer).
    public static func membersOfValidatedObject(in bytes: UnsafeRawBufferPointer, offsetBy offset: Int = 0)
        throws(JSONError) -> [Member] {
        var cursor = ValidatedCursor(bytes)
        var members: [Member] = []
        members.reserveCapacity(16)  // most objects have fewer members: no regrowing on the way
        var escapedKeys: [Int] = []
        try cursor.walkObject { key, value in
            if key.hasEscapes { escapedKeys.append(members.count) }
            members.append(Member(key: key.hasEscapes ? "" : JSONStringDecoder.string(from: key, in: bytes),
                                  keyRange: key.range.lowerBound + offset..<key.range.upperBound + offset,
                                  valueRange: value.lowerBound + offset..<value.upperBound + offset))
        }
        // Keys with escapes (rare) are decoded by the checking decoder, so bad input cannot mislead the decoder.
        for index in escapedKeys {
            let range = members[index].keyRange
            let literal = UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound - offset..<range.upperBound - offset])
            members[index] = Member(key: try decodeString(literal), keyRange: range, valueRange: members[index].valueRange)
        }
        return members
    }

    /// Visits the members of an object this scanner has already validated (see
    /// ``membersOfValidatedObject(in:offsetBy:)``) without building a list: `body` gets each key's bytes between
    /// its quotes, whether they hold escapes (then they are not the decoded key: decode the literal, quotes
    /// included, at `keyLiteral`), and the value's range. For readers that look for a few known keys in each of
    /// many small objects — the stream reconstruction, per event.
    public static func forEachMemberOfValidatedObject(
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ key: UnsafeRawBufferPointer, _ keyLiteral: Range<Int>, _ hasEscapes: Bool, _ value: Range<Int>) -> Void
    ) throws(JSONError) {
        var cursor = ValidatedCursor(bytes)
        try cursor.walkObject { key, value in
            body(UnsafeRawBufferPointer(rebasing: bytes[key.content]), key.range, key.hasEscapes, value)
        }
    }

    /// The elements of an array this scanner has already validated, without checking the grammar again (see
    /// ``membersOfValidatedObject(in:offsetBy:)``); nil when `bytes` is not an array.
    public static func elementsOfValidatedArray(in bytes: UnsafeRawBufferPointer) throws(JSONError) -> [Range<Int>]? {
        var cursor = ValidatedCursor(bytes)
        cursor.skipWhitespace()
        guard cursor.current == ASCII.openBracket else { return nil }
        cursor.position += 1
        var elements: [Range<Int>] = []
        cursor.skipWhitespace()
        if cursor.current == ASCII.closeBracket { return elements }
        while true {
            let start = cursor.position
            try cursor.skipValue()
            elements.append(start..<cursor.position)
            cursor.skipWhitespace()
            switch cursor.current {
            case ASCII.comma: cursor.position += 1; cursor.skipWhitespace()
            case ASCII.closeBracket: return elements
            default: throw cursor.unexpected(.commaOrBracket)
            }
        }
    }
}

/// Boundaries of valid JSON: where strings, containers and scalars end. Every read is bounds-checked; nothing
/// else is checked.
private struct ValidatedCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The byte at `position`, or 0 past the end.
    @inline(__always)
    var current: UInt8 { position < bytes.count ? bytes[position] : 0 }

    func unexpected(_ expected: JSONError.Expectation) -> JSONError {
        JSONError.unexpected(at: min(position, bytes.count), in: bytes, expected: expected)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        position = JSONReader.endOfWhitespace(in: bytes, from: position)
    }

    /// Calls `body` with each member's key literal and value range.
    mutating func walkObject(_ body: (ScannedString, Range<Int>) -> Void) throws(JSONError) {
        skipWhitespace()
        guard current == ASCII.openBrace else { throw JSONError.notAnObject(at: min(position, bytes.count), in: bytes) }
        position += 1
        skipWhitespace()
        if current == ASCII.closeBrace { return }
        while true {
            guard current == ASCII.quote else { throw unexpected(.key) }
            let key = try skipString()
            skipWhitespace()
            guard current == ASCII.colon else { throw unexpected(.colon) }
            position += 1
            skipWhitespace()
            let start = position
            try skipValue()
            body(key, start..<position)
            skipWhitespace()
            switch current {
            case ASCII.comma: position += 1; skipWhitespace()
            case ASCII.closeBrace: return
            default: throw unexpected(.commaOrBrace)
            }
        }
    }

    /// Moves past the value at `position`.
    mutating func skipValue() throws(JSONError) {
        switch current {
        case ASCII.quote:
            _ = try skipString()
        case ASCII.openBrace, ASCII.openBracket:
            try skipContainer()
        case 0:
            throw unexpected(.value)
        default:
            // A number or a literal: up to the next delimiter.
            while position < bytes.count {
                switch bytes[position] {
                case ASCII.comma, ASCII.closeBrace, ASCII.closeBracket,
                     ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab: return
                default: position += 1
                }
            }
        }
    }

    /// Moves past the string literal at `position` (its opening quote).
    mutating func skipString() throws(JSONError) -> ScannedString {
        let start = position
        position += 1
        var hasEscapes = false
        while true {
            position = JSONReader.endOfPlainRun(in: bytes, from: position)
            guard position < bytes.count else { throw JSONError.unterminatedString(startingAt: start, in: bytes) }
            switch bytes[position] {
            case ASCII.quote:
                position += 1
                return ScannedString(range: start..<position, hasEscapes: hasEscapes)
            case ASCII.backslash:
                hasEscapes = true
                position += 2  // the escaped byte can be a quote; `\uXXXX`'s digits are plain
            default:
                position += 1  // non-ASCII or a control byte: content, in valid JSON
            }
        }
    }

    /// Moves past the object or array at `position`, counting brackets outside strings.
    private mutating func skipContainer() throws(JSONError) {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case ASCII.quote:
                _ = try skipString()
                continue
            case ASCII.openBrace, ASCII.openBracket:
                depth += 1
            case ASCII.closeBrace, ASCII.closeBracket:
                depth -= 1
                if depth == 0 {
                    position += 1
                    return
                }
            default:
                break
            }
            position += 1
        }
        throw unexpected(.value)
    }
}

/// A cursor over raw JSON bytes that checks the RFC 8259 grammar as it moves, without allocating.
///
/// The scanner, the path finder and the document parser are all built on it, so there is exactly one
/// definition of what valid JSON is. Methods leave `position` just past what they read; on error they
/// throw a ``JSONError`` pointing into `bytes`.
///
/// LIFETIME: borrows `bytes`; never keep a reader beyond the buffer's scope.
struct JSONReader {
    /// Arrays and objects that may be open at once (see ``JSONScanner/maximumDepth``).
    static let maximumDepth = JSONScanner.maximumDepth

    /// The whole input; offsets in errors and ranges are relative to its start.
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    var position: Int

    /// A reader at `position` (default: the start) of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// True once every byte has been read.
    var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, or 0 at the end. No token starts with 0, so comparing it with any grammar byte is
    /// safe without a separate end check; a real 0 byte in the input is told apart when the error is made.
    @inline(__always)
    var currentByte: UInt8 { position < bytes.count ? bytes[position] : 0 }

    /// Moves past spaces, tabs, line feeds and carriage returns — the only whitespace RFC 8259 allows.
    @inline(__always)
    mutating func skipWhitespace() {
        position = Self.endOfWhitespace(in: bytes, from: position)
    }

    /// Where the run of JSON whitespace starting at `start` ends.
    @inline(__always)
    static func endOfWhitespace(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab: position += 1
            default: return position
            }
        }
        return position
    }

    /// The error for whatever is at `position`, given what the grammar wanted there.
    func unexpected(_ expected: JSONError.Expectation) -> JSONError {
        JSONError.unexpected(at: position, in: bytes, expected: expected)
    }

    /// Throws unless only whitespace is left; called after the one top-level value.
    mutating func expectEndOfInput() throws(JSONError) {
        skipWhitespace()
        guard isAtEnd else { throw JSONError.trailingCharacters(at: position, in: bytes) }
    }

    /// Reads `true`, `false` or `null`, whose first byte the caller has already seen.
    mutating func readLiteral(_ word: StaticString) throws(JSONError) {
        let expected = word.utf8Start
        for index in 0..<word.utf8CodeUnitCount {
            guard position < bytes.count, bytes[position] == expected[index] else { throw unexpected(.literal(word)) }
            position += 1
        }
    }

    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func readNumber() throws(JSONError) {
        if currentByte == ASCII.minus { position += 1 }
        let first = currentByte
        if first == ASCII.zero {
            position += 1
            // "01" is not "0" followed by junk: say what is really wrong.
            if ASCII.isDigit(currentByte) { throw JSONError.invalidNumber(.leadingZero, at: position - 1, in: bytes) }
        } else if ASCII.isDigit(first) {
            skipDigits()
        } else {
            throw JSONError.invalidNumber(.missingIntegerDigits, at: position, in: bytes)
        }
        if currentByte == ASCII.period {
            position += 1
            guard ASCII.isDigit(currentByte) else {
                throw JSONError.invalidNumber(.missingFractionDigits, at: position, in: bytes)
            }
            skipDigits()
        }
        if currentByte == ASCII.lowercaseE || currentByte == ASCII.uppercaseE {
            position += 1
            if currentByte == ASCII.plus || currentByte == ASCII.minus { position += 1 }
            guard ASCII.isDigit(currentByte) else {
                throw JSONError.invalidNumber(.missingExponentDigits, at: position, in: bytes)
            }
            skipDigits()
        }
    }

    @inline(__always)
    private mutating func skipDigits() {
        while position < bytes.count, ASCII.isDigit(bytes[position]) { position += 1 }
    }
}

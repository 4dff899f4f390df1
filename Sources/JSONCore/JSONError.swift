/// An error found while reading JSON text or a JSON path.
///
/// A struct over a private code, so new failure kinds can be added without breaking callers; match on
/// ``kind`` and show ``description`` to people. Line and column are worked out once, when the error is
/// thrown, because the scanner never tracks lines on its hot path.
///
/// THREAD: a plain value; use it from any thread.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset of the problem from the start of the input (for path errors: from the start of the path).
    public let offset: Int
    /// The 1-based line of ``offset``; lines end at `\n`.
    public let line: Int
    /// The 1-based column of ``offset``, counted in Unicode scalars from the start of its line.
    public let column: Int

    private let code: Code

    private enum Code: Equatable, Sendable {
        case unexpectedCharacter(Unicode.Scalar?, UInt8, expected: Expectation)
        case unexpectedEndOfInput(expected: Expectation)
        case unterminatedString
        case invalidEscape(UInt8)
        case invalidUnicodeEscape
        case unpairedSurrogate(UInt16)
        case controlCharacterInString(UInt8)
        case invalidUTF8(UInt8)
        case invalidNumber(NumberProblem)
        case nestingTooDeep
        case trailingCharacters
        case notAnObject
        case invalidPath(String, problem: String)
    }

    /// What the reader was looking for when it met something else; only used to word messages.
    enum Expectation: Sendable, Equatable {
        /// Any JSON value.
        case value
        /// A member key (a string).
        case key
        /// The colon after a key.
        case colon
        /// The end of a member inside an object.
        case commaOrBrace
        /// The end of an element inside an array.
        case commaOrBracket
        /// The rest of `true`, `false` or `null`.
        case literal(StaticString)
        /// The opening quote of a string literal.
        case quote

        /// Compares by wording (`StaticString` has no `==` of its own).
        static func == (lhs: Expectation, rhs: Expectation) -> Bool { lhs.text == rhs.text }

        /// The wording used after "expected".
        var text: String {
            switch self {
            case .value: "a value"
            case .key: "a string key"
            case .colon: "':'"
            case .commaOrBrace: "',' or '}'"
            case .commaOrBracket: "',' or ']'"
            case .literal(let word): "'\(word)'"
            case .quote: "'\"'"
            }
        }
    }

    /// Why a number was rejected.
    enum NumberProblem: Sendable, Equatable {
        /// `01`: only a lone zero may start with 0.
        case leadingZero
        /// `-` with no digit after it.
        case missingIntegerDigits
        /// `1.` with no digit after the point.
        case missingFractionDigits
        /// `1e` or `1e+` with no exponent digit.
        case missingExponentDigits
    }

    private init(_ code: Code, offset: Int, line: Int, column: Int) {
        self.code = code
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// The broad category of the failure, for code that reacts differently to different failures.
    public var kind: Kind {
        switch code {
        case .unexpectedCharacter: .unexpectedCharacter
        case .unexpectedEndOfInput: .unexpectedEndOfInput
        case .unterminatedString: .unterminatedString
        case .invalidEscape, .invalidUnicodeEscape: .invalidEscape
        case .unpairedSurrogate: .unpairedSurrogate
        case .controlCharacterInString: .controlCharacterInString
        case .invalidUTF8: .invalidUTF8
        case .invalidNumber: .invalidNumber
        case .nestingTooDeep: .nestingTooDeep
        case .trailingCharacters: .trailingCharacters
        case .notAnObject: .notAnObject
        case .invalidPath: .invalidPath
        }
    }

    /// What went wrong, without the position: `unterminated string`, `leading zero in number`.
    public var reason: String {
        switch code {
        case .unexpectedCharacter(let scalar, let byte, _):
            guard let scalar else { return "unexpected byte \(Self.hex(byte))" }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return "unexpected control character \(Self.codePoint(scalar.value))"
            }
            if scalar.isASCII { return "unexpected character '\(scalar)'" }
            return "unexpected character '\(scalar)' (\(Self.codePoint(scalar.value)))"
        case .unexpectedEndOfInput: return "unexpected end of input"
        case .unterminatedString: return "unterminated string"
        case .invalidEscape(let byte):
            let shown = byte >= 0x20 && byte < 0x7F ? "'\\\(Unicode.Scalar(byte))'" : "\\ followed by byte \(Self.hex(byte))"
            return "invalid escape \(shown) in string"
        case .invalidUnicodeEscape: return "invalid \\u escape in string"
        case .unpairedSurrogate(let unit): return "unpaired surrogate \\u\(Self.hexDigits(UInt32(unit), width: 4)) in string"
        case .controlCharacterInString(let byte): return "unescaped control character \(Self.codePoint(UInt32(byte))) in string"
        case .invalidUTF8(let byte): return "invalid UTF-8 byte \(Self.hex(byte)) in string"
        case .invalidNumber(.leadingZero): return "leading zero in number"
        case .invalidNumber(.missingIntegerDigits): return "missing digit after '-' in number"
        case .invalidNumber(.missingFractionDigits): return "missing digit after '.' in number"
        case .invalidNumber(.missingExponentDigits): return "missing digit in exponent of number"
        case .nestingTooDeep: return "nesting deeper than \(JSONReader.maximumDepth) levels"
        case .trailingCharacters: return "trailing characters after the JSON value"
        case .notAnObject: return "top-level value is not an object"
        case .invalidPath(let path, _): return "invalid path '\(path)'"
        }
    }

    /// The full message, e.g. `unexpected character '}' at line 3, column 14 (byte 57), expected a value`.
    public var description: String {
        switch code {
        case .invalidPath(_, let problem):
            return "\(reason): \(problem) at byte \(offset)"
        case .unterminatedString:
            return "unterminated string starting at \(position)"
        case .unexpectedCharacter(_, _, let expected), .unexpectedEndOfInput(let expected):
            return "\(reason) at \(position), expected \(expected.text)"
        case .invalidUnicodeEscape:
            return "\(reason) at \(position), expected 4 hex digits"
        default:
            return "\(reason) at \(position)"
        }
    }

    private var position: String { "line \(line), column \(column) (byte \(offset))" }

    private static func hex(_ byte: UInt8) -> String { "0x" + hexDigits(UInt32(byte), width: 2) }
    private static func codePoint(_ value: UInt32) -> String { "U+" + hexDigits(value, width: 4) }
    private static func hexDigits(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

// MARK: - Making errors

extension JSONError {
    /// Makes an error at `offset` in `bytes`, working out its line and column now (throwing is rare, scanning is not).
    private init(_ code: Code, at offset: Int, in bytes: UnsafeRawBufferPointer) {
        var line = 1
        var column = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // continuation bytes belong to the scalar before them
                column += 1
            }
        }
        self.init(code, offset: offset, line: line, column: column)
    }

    /// The byte at `offset` was not what the grammar allows (or the input ended there).
    static func unexpected(at offset: Int, in bytes: UnsafeRawBufferPointer, expected: Expectation) -> JSONError {
        guard offset < bytes.count else { return JSONError(.unexpectedEndOfInput(expected: expected), at: offset, in: bytes) }
        let byte = bytes[offset]
        let length = UTF8Validation.sequenceLength(at: offset, in: bytes)
        var scalar: Unicode.Scalar? = nil
        if length > 0 {
            var decoder = UTF8()
            var iterator = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]).makeIterator()
            if case .scalarValue(let decoded) = decoder.decode(&iterator) { scalar = decoded }
        }
        return JSONError(.unexpectedCharacter(scalar, byte, expected: expected), at: offset, in: bytes)
    }

    /// A string literal starting at `offset` that never closes.
    static func unterminatedString(startingAt offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.unterminatedString, at: offset, in: bytes)
    }

    /// A bad backslash escape at `offset`; `\u` escapes get their own wording.
    static func invalidEscape(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        let next = offset + 1 < bytes.count ? bytes[offset + 1] : 0
        return JSONError(next == UInt8(ascii: "u") ? .invalidUnicodeEscape : .invalidEscape(next), at: offset, in: bytes)
    }

    /// A `\u` surrogate escape at `offset` that is not half of a valid pair.
    static func unpairedSurrogate(_ unit: UInt16, at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.unpairedSurrogate(unit), at: offset, in: bytes)
    }

    /// A raw control character inside a string literal at `offset`.
    static func controlCharacter(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.controlCharacterInString(bytes[offset]), at: offset, in: bytes)
    }

    /// Ill-formed UTF-8 inside a string literal, starting at `offset`.
    static func invalidUTF8(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.invalidUTF8(bytes[offset]), at: offset, in: bytes)
    }

    /// A number that breaks the grammar at `offset`.
    static func invalidNumber(_ problem: NumberProblem, at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.invalidNumber(problem), at: offset, in: bytes)
    }

    /// A container opening at `offset` beyond the depth limit.
    static func nestingTooDeep(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.nestingTooDeep, at: offset, in: bytes)
    }

    /// Something other than whitespace at `offset` after the value.
    static func trailingCharacters(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.trailingCharacters, at: offset, in: bytes)
    }

    /// A top-level value at `offset` that is not an object, for member lookups.
    static func notAnObject(at offset: Int, in bytes: UnsafeRawBufferPointer) -> JSONError {
        JSONError(.notAnObject, at: offset, in: bytes)
    }

    /// A path that does not follow the path syntax; `offset` counts bytes into the path text.
    static func invalidPath(_ path: String, problem: String, at offset: Int) -> JSONError {
        JSONError(.invalidPath(path, problem: problem), offset: offset, line: 1, column: offset + 1)
    }
}

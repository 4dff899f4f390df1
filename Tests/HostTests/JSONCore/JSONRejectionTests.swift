import JSONCore
import Testing

@Suite("JSON rejection")
struct JSONRejectionTests {
    /// One malformed input and exactly what the error must say.
    struct Case: Sendable, CustomTestStringConvertible {
        let input: [UInt8]
        let kind: JSONError.Kind
        let message: String
        var offset: Int { Int(message.split(separator: "(byte ").last!.prefix { $0.isNumber })! }
        var testDescription: String { message }

        init(_ text: String, _ kind: JSONError.Kind, _ message: String) {
            self.init(bytes: Array(text.utf8), kind, message)
        }

        init(bytes: [UInt8], _ kind: JSONError.Kind, _ message: String) {
            input = bytes
            self.kind = kind
            self.message = message
        }
    }

    static let cases: [Case] = [
        // Trailing commas and comments.
        Case("[1,]", .unexpectedCharacter, "unexpected character ']' at line 1, column 4 (byte 3), expected a value"),
        Case(#"{"a":1,}"#, .unexpectedCharacter, "unexpected character '}' at line 1, column 8 (byte 7), expected a string key"),
        Case("// c\n{}", .unexpectedCharacter, "unexpected character '/' at line 1, column 1 (byte 0), expected a value"),
        Case(#"{"a":1 /* x */}"#, .unexpectedCharacter, "unexpected character '/' at line 1, column 8 (byte 7), expected ',' or '}'"),
        // Structure.
        Case("", .unexpectedEndOfInput, "unexpected end of input at line 1, column 1 (byte 0), expected a value"),
        Case("  \n ", .unexpectedEndOfInput, "unexpected end of input at line 2, column 2 (byte 4), expected a value"),
        Case("[1,2", .unexpectedEndOfInput, "unexpected end of input at line 1, column 5 (byte 4), expected ',' or ']'"),
        Case(#"{"a" 1}"#, .unexpectedCharacter, "unexpected character '1' at line 1, column 6 (byte 5), expected ':'"),
        Case("{1:2}", .unexpectedCharacter, "unexpected character '1' at line 1, column 2 (byte 1), expected a string key"),
        Case("[1 2]", .unexpectedCharacter, "unexpected character '2' at line 1, column 4 (byte 3), expected ',' or ']'"),
        Case("[1}", .unexpectedCharacter, "unexpected character '}' at line 1, column 3 (byte 2), expected ',' or ']'"),
        Case("'a'", .unexpectedCharacter, "unexpected character ''' at line 1, column 1 (byte 0), expected a value"),
        Case("NaN", .unexpectedCharacter, "unexpected character 'N' at line 1, column 1 (byte 0), expected a value"),
        Case("tru", .unexpectedEndOfInput, "unexpected end of input at line 1, column 4 (byte 3), expected 'true'"),
        Case("nul1", .unexpectedCharacter, "unexpected character '1' at line 1, column 4 (byte 3), expected 'null'"),
        Case("{“a”:1}", .unexpectedCharacter, "unexpected character '“' (U+201C) at line 1, column 2 (byte 1), expected a string key"),
        Case("[\u{01}]", .unexpectedCharacter, "unexpected control character U+0001 at line 1, column 2 (byte 1), expected a value"),
        Case(bytes: [0x5B, 0xFF, 0x5D], .unexpectedCharacter, "unexpected byte 0xFF at line 1, column 2 (byte 1), expected a value"),
        Case("[1] x", .trailingCharacters, "trailing characters after the JSON value at line 1, column 5 (byte 4)"),
        Case(#"{"a":1}{}"#, .trailingCharacters, "trailing characters after the JSON value at line 1, column 8 (byte 7)"),
        Case("truex", .trailingCharacters, "trailing characters after the JSON value at line 1, column 5 (byte 4)"),
        // Numbers.
        Case("[01]", .invalidNumber, "leading zero in number at line 1, column 2 (byte 1)"),
        Case("-00", .invalidNumber, "leading zero in number at line 1, column 2 (byte 1)"),
        Case("-", .invalidNumber, "missing digit after '-' in number at line 1, column 2 (byte 1)"),
        Case("-a", .invalidNumber, "missing digit after '-' in number at line 1, column 2 (byte 1)"),
        Case("1.", .invalidNumber, "missing digit after '.' in number at line 1, column 3 (byte 2)"),
        Case("[1.e5]", .invalidNumber, "missing digit after '.' in number at line 1, column 4 (byte 3)"),
        Case("1e+", .invalidNumber, "missing digit in exponent of number at line 1, column 4 (byte 3)"),
        Case(".5", .unexpectedCharacter, "unexpected character '.' at line 1, column 1 (byte 0), expected a value"),
        Case("+1", .unexpectedCharacter, "unexpected character '+' at line 1, column 1 (byte 0), expected a value"),
        Case("0x10", .trailingCharacters, "trailing characters after the JSON value at line 1, column 2 (byte 1)"),
        // Strings.
        Case(#""abc"#, .unterminatedString, "unterminated string starting at line 1, column 1 (byte 0)"),
        Case(#"{"a":"b\"}"#, .unterminatedString, "unterminated string starting at line 1, column 6 (byte 5)"),
        Case(#"["ab\"#, .unterminatedString, "unterminated string starting at line 1, column 2 (byte 1)"),
        Case(#""\x""#, .invalidEscape, #"invalid escape '\x' in string at line 1, column 2 (byte 1)"#),
        Case(#""\'""#, .invalidEscape, #"invalid escape '\'' in string at line 1, column 2 (byte 1)"#),
        Case(#""\u12G4""#, .invalidEscape, #"invalid \u escape in string at line 1, column 2 (byte 1), expected 4 hex digits"#),
        Case(#""\u12"#, .invalidEscape, #"invalid \u escape in string at line 1, column 2 (byte 1), expected 4 hex digits"#),
        Case(#""\uD800""#, .unpairedSurrogate, #"unpaired surrogate \uD800 in string at line 1, column 2 (byte 1)"#),
        Case(#""x\udc00""#, .unpairedSurrogate, #"unpaired surrogate \uDC00 in string at line 1, column 3 (byte 2)"#),
        Case(#""\uD83D\u0041""#, .unpairedSurrogate, #"unpaired surrogate \uD83D in string at line 1, column 2 (byte 1)"#),
        Case(#""\uD83D\uD83D\uDE00""#, .unpairedSurrogate, #"unpaired surrogate \uD83D in string at line 1, column 2 (byte 1)"#),
        Case("\"a\tb\"", .controlCharacterInString, "unescaped control character U+0009 in string at line 1, column 3 (byte 2)"),
        Case("[\"line\nbreak\"]", .controlCharacterInString, "unescaped control character U+000A in string at line 1, column 7 (byte 6)"),
        Case(bytes: [0x22, 0xC3, 0x28, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xC3 in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0x61, 0xC0, 0xAF, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xC0 in string at line 1, column 3 (byte 2)"),
        Case(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xED in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xF4 in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0xE0, 0x80, 0x80, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xE0 in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xF5 in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0x80, 0x22], .invalidUTF8, "invalid UTF-8 byte 0x80 in string at line 1, column 2 (byte 1)"),
        Case(bytes: [0x22, 0xE2, 0x82, 0x22], .invalidUTF8, "invalid UTF-8 byte 0xE2 in string at line 1, column 2 (byte 1)"),
        // Long strings take the 8-bytes-at-a-time path; problems inside it are still found at the right byte.
        Case("\"0123456789abcdef\u{7F}\u{1F}\"", .controlCharacterInString,
             "unescaped control character U+001F in string at line 1, column 19 (byte 18)"),
        Case(bytes: Array("\"0123456789".utf8) + [0xFF] + Array("abcdefgh\"".utf8), .invalidUTF8,
             "invalid UTF-8 byte 0xFF in string at line 1, column 12 (byte 11)"),
        Case(#""0123456789abcdefghijklmnopqrstuvwxyz\q""#, .invalidEscape,
             #"invalid escape '\q' in string at line 1, column 38 (byte 37)"#),
        // Line and column count lines and scalars, the offset counts bytes.
        Case("{\n  \"model\": \"gpt\",\n  \"messages\": [1, 2,\n  ]\n}", .unexpectedCharacter,
             "unexpected character ']' at line 4, column 3 (byte 43), expected a value"),
        Case("[\"中文\",\n \"é\", x]", .unexpectedCharacter, "unexpected character 'x' at line 2, column 7 (byte 18), expected a value"),
    ]

    @Test("malformed input is rejected with a precise message", arguments: cases)
    func rejection(_ rejected: Case) throws {
        let error = try #require(JSONFixtures.error { () throws(JSONError) in _ = try JSONValue(parsing: rejected.input) })
        #expect(error.description == rejected.message)
        #expect(error.kind == rejected.kind)
        #expect(error.offset == rejected.offset)
        // The scanner agrees with the parser on every rejection, to the byte.
        let scanned = JSONFixtures.error { () throws(JSONError) in try JSONScanner.validate(rejected.input) }
        #expect(scanned == error)
    }

    @Test("nesting deeper than 512 levels is an error, never a stack overflow")
    func depthLimit() throws {
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = try #require(JSONFixtures.parseError(tooDeep))
        #expect(error.kind == .nestingTooDeep)
        #expect(error.description == "nesting deeper than 512 levels at line 1, column 513 (byte 512)")
        #expect(JSONFixtures.error { () throws(JSONError) in try JSONScanner.validate(JSONFixtures.bytes(tooDeep)) } == error)

        let mixed = String(repeating: #"{"a":["#, count: 300)
        #expect(JSONFixtures.parseError(mixed)?.description == "nesting deeper than 512 levels at line 1, column 1537 (byte 1536)")

        let absurd = JSONFixtures.bytes(String(repeating: "[", count: 1_000_000))
        #expect(JSONFixtures.error { () throws(JSONError) in _ = try JSONValue(parsing: absurd) }?.offset == 512)
        #expect(JSONFixtures.error { () throws(JSONError) in try JSONScanner.validate(absurd) }?.offset == 512)
        #expect(JSONFixtures.error { () throws(JSONError) in _ = try JSONScanner.find(path: "[0][0]", in: absurd) }?.kind == .nestingTooDeep)
    }

    @Test("errors compare by kind, place and detail")
    func errorEquality() {
        let first = JSONFixtures.parseError("[1,]")
        #expect(first == JSONFixtures.parseError("[1,]"))
        #expect(first != JSONFixtures.parseError("[1, ]"))
        #expect(first?.reason == "unexpected character ']'")
        #expect(first?.line == 1 && first?.column == 4)
        #expect(JSONError.Kind.invalidUTF8.description == "invalidUTF8")
        // Typed throws: the caught error is a JSONError without a cast.
        do throws(JSONError) {
            _ = try JSONValue(parsing: "[")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unexpectedEndOfInput)
        }
    }
}

import JSONCore
import Testing

@Suite("JSON scanner")
struct JSONScannerTests {
    @Test("validate accepts every fixture, as raw buffer and as array", arguments: JSONFixtures.all)
    func validateAcceptsFixtures(_ text: String) throws {
        let bytes = JSONFixtures.bytes(text)
        try JSONScanner.validate(bytes)
        try bytes.withUnsafeBytes { try JSONScanner.validate($0) }
    }

    @Test("topLevelValue returns the exact range, ignoring the same key nested deeper")
    func topLevelValuePicksTheTopLevel() throws {
        let bytes = JSONFixtures.bytes(#"{"metadata":{"model":"nested"},"messages":[{"model":"deeper"}], "model" : "gpt-4o" ,"stream":false}"#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.topLevelValue(forKey: "model", in: bytes)) == #""gpt-4o""#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.topLevelValue(forKey: "metadata", in: bytes)) == #"{"model":"nested"}"#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.topLevelValue(forKey: "stream", in: bytes)) == "false")
        #expect(try JSONScanner.topLevelValue(forKey: "mode", in: bytes) == nil)
        #expect(try JSONScanner.topLevelValue(forKey: "", in: bytes) == nil)
        let range = try bytes.withUnsafeBytes { try JSONScanner.topLevelValue(forKey: "messages", in: $0) }
        #expect(JSONFixtures.text(bytes, range) == #"[{"model":"deeper"}]"#)
    }

    @Test("topLevelValue takes the last of a repeated key and matches escaped keys")
    func topLevelValueDuplicatesAndEscapes() throws {
        let bytes = JSONFixtures.bytes(#"{"model":"first","x":1,"mod\u0065l":"second","🎉":[],"\ud83c\udf89":{}}"#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.topLevelValue(forKey: "model", in: bytes)) == #""second""#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.topLevelValue(forKey: "🎉", in: bytes)) == "{}")
        #expect(try JSONValue(parsing: bytes)["model"] == "second")
    }

    @Test("topLevelValue rejects non-objects and malformed documents, even past the key")
    func topLevelValueErrors() {
        func error(_ text: String) -> JSONError? {
            JSONFixtures.error { () throws(JSONError) in _ = try JSONScanner.topLevelValue(forKey: "a", in: JSONFixtures.bytes(text)) }
        }
        #expect(error(" [1]")?.description == "top-level value is not an object at line 1, column 2 (byte 1)")
        #expect(error(#""a""#)?.kind == .notAnObject)
        #expect(error("")?.kind == .unexpectedEndOfInput)
        #expect(error(#"{"a":1,}"#)?.offset == 7)
        #expect(error(#"{"a":1,"b":01}"#)?.kind == .invalidNumber)
        #expect(error(#"{"a":1} x"#)?.kind == .trailingCharacters)
    }

    @Test("topLevelMembers lists every member once, in order, with exact ranges")
    func topLevelMembers() throws {
        let text = JSONFixtures.openAIRequest
        let bytes = JSONFixtures.bytes(text)
        let members = try JSONScanner.topLevelMembers(in: bytes)
        #expect(members.map(\.key) == ["model", "messages", "temperature", "top_p", "max_tokens", "stream", "stream_options", "tools", "seed", "user"])
        let parsed = try #require(try JSONValue(parsing: text).objectValue)
        for member in members {
            #expect(JSONFixtures.text(bytes, member.keyRange) == "\"\(member.key)\"")
            #expect(try JSONValue(parsing: bytes[member.valueRange]).isIdentical(to: try #require(parsed[member.key])))
        }
        let options = try #require(members.last { $0.key == "stream_options" })
        #expect(JSONFixtures.text(bytes, options.valueRange) == #"{"include_usage":true}"#)
        #expect(try JSONScanner.topLevelMembers(in: JSONFixtures.bytes(" { } ")).isEmpty)
        let repeated = try JSONScanner.topLevelMembers(in: JSONFixtures.bytes(#"{"a":1,"a":2}"#))
        #expect(repeated.map(\.valueRange) == [5..<6, 11..<12])
    }

    @Test("topLevelMembers offsetBy gives ranges into the enclosing buffer")
    func topLevelMembersOffset() throws {
        let whole = JSONFixtures.bytes(#"[1,{"a":"x","b":[2]}]"#)
        let members = try whole.withUnsafeBytes { buffer in
            try JSONScanner.topLevelMembers(in: UnsafeRawBufferPointer(rebasing: buffer[3..<20]), offsetBy: 3)
        }
        #expect(members.map { JSONFixtures.text(whole, $0.valueRange) } == [#""x""#, "[2]"])
        #expect(members.map { JSONFixtures.text(whole, $0.keyRange) } == [#""a""#, #""b""#])
    }

    @Test("strings: the byte that ends a plain run is found at every position of an 8-byte word")
    func stringRunBoundaries() throws {
        // The reader skips plain ASCII 8 bytes at a time and jumps to the first byte that needs a look; put that
        // byte (closing quote, escape, multi-byte UTF-8, control character) at each offset of the first two words,
        // after runs that include bytes a borrow could misflag (0x21 just above the control range, '#' after '"').
        for length in 0..<20 {
            let run = (0..<length).map { index in index % 3 == 0 ? "!" : index % 3 == 1 ? "#" : "a" }.joined()
            let suffixes: [(json: String, decoded: String)] = [("", ""), (#"\n"#, "\n"), ("é", "é"), (#"\""#, "\""), ("😀z", "😀z")]
            for (suffix, decoded) in suffixes {
                let literal = "\"" + run + suffix + "\""
                let value = try JSONValue(parsing: "[" + literal + "]")
                #expect(value == .array([.string(run + decoded)]), "length \(length) suffix \(suffix)")
                #expect(try JSONScanner.decodeString(JSONFixtures.bytes(literal)) == run + decoded)
                // The writer skips plain runs the same way.
                let written = JSONValue.string(run + decoded).serialized()
                #expect(try JSONValue(parsing: written) == .string(run + decoded), "written as \(written)")
            }
            let control = Array(("\"" + run).utf8) + [0x01] + Array("\"".utf8)
            #expect(throws: JSONError.self) { try JSONScanner.validate(control) }
            let badUTF8 = Array(("\"" + run).utf8) + [0xC0, 0x80] + Array("\"".utf8)
            #expect(throws: JSONError.self) { try JSONScanner.validate(badUTF8) }
            let unterminated = Array(("\"" + run).utf8)
            #expect(throws: JSONError.self) { try JSONScanner.validate(unterminated) }
        }
    }

    @Test("plainStringContent gives the text's range only when the literal holds it as is")
    func plainStringContent() {
        func plain(_ literal: String) -> Range<Int>? {
            Array(literal.utf8).withUnsafeBytes { JSONScanner.plainStringContent($0) }
        }
        #expect(plain(#""gpt-4o""#) == 1..<7)
        #expect(plain(#""""#) == 1..<1)
        #expect(plain(#""/v1/chat/completions?x=1 ~{}\#u{7F}""#) == 1..<30)  // longer than a word; DEL is plain
        #expect(plain(#""a\"b""#) == nil)
        #expect(plain(#""line\nbreak""#) == nil)
        #expect(plain("\"tab\there\"") == nil)  // a raw control character: malformed, for the decoder to refuse
        #expect(plain(#""modèle""#) == nil)
        #expect(plain(#""unterminated"#) == nil)
        #expect(plain("12") == nil)
        #expect(plain(#"""#) == nil)
    }

    @Test("decodeString decodes a literal, checking it is exactly one")
    func decodeString() throws {
        #expect(try JSONScanner.decodeString(JSONFixtures.bytes(#""a\"b\u00e9\uD83D\uDE00\n""#)) == "a\"bé😀\n")
        #expect(try JSONScanner.decodeString(#""plain""#.utf8) == "plain")
        var output = Array("> ".utf8)
        try JSONFixtures.bytes(#""x\/y""#).withUnsafeBytes { try JSONScanner.decodeString($0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "> x/y")
        try JSONScanner.decodeString(JSONFixtures.bytes(#""\t😀""#), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "> x/y\t😀")
        let bytes = JSONFixtures.bytes(JSONFixtures.anthropicEvents[2])
        let range = try #require(try JSONScanner.find(path: "delta.partial_json", in: bytes))
        #expect(try JSONScanner.decodeString(bytes[range]) == "{\"command\": \"ls")

        let notAString = JSONFixtures.error { () throws(JSONError) in _ = try JSONScanner.decodeString(JSONFixtures.bytes("12")) }
        #expect(notAString?.description == "unexpected character '1' at line 1, column 1 (byte 0), expected '\"'")
        let extra = JSONFixtures.error { () throws(JSONError) in _ = try JSONScanner.decodeString(JSONFixtures.bytes(#""a" "#)) }
        #expect(extra?.kind == .trailingCharacters)
        let broken = JSONFixtures.error { () throws(JSONError) in _ = try JSONScanner.decodeString(JSONFixtures.bytes(#""\uDE00""#)) }
        #expect(broken?.kind == .unpairedSurrogate)
        var untouched: [UInt8] = [1]
        let failed = JSONFixtures.error {
            try JSONFixtures.bytes(#""ab"#).withUnsafeBytes { try JSONScanner.decodeString($0, into: &untouched) }
        }
        #expect(failed?.kind == .unterminatedString)
        #expect(untouched == [1])
    }

    @Test("a 10 MB request validates and its members and last message are found")
    func largeDocument() throws {
        let message = #"{"role":"user","content":"Lorem ipsum dolor sit amet, ünïcödé 中文 😀 \"quoted\" \\ \n tab\t and numbers 12345.678e-9 [not an array] {not an object}"},"#
        let repetitions = 10_000_000 / message.utf8.count + 1
        var bytes = Array(#"{"model":"claude-sonnet-4-5","messages":["#.utf8)
        bytes.reserveCapacity(repetitions * message.utf8.count + 200)
        for _ in 0..<repetitions { bytes.append(contentsOf: message.utf8) }
        bytes.append(contentsOf: #"{"role":"assistant","content":[{"type":"text","text":"last"}]}],"stream":true,"max_tokens":4096}"#.utf8)
        #expect(bytes.count > 10_000_000)

        try JSONScanner.validate(bytes)
        let members = try JSONScanner.topLevelMembers(in: bytes)
        #expect(members.map(\.key) == ["model", "messages", "stream", "max_tokens"])
        #expect(JSONFixtures.text(bytes, members[2].valueRange) == "true")
        #expect(JSONFixtures.text(bytes, try JSONScanner.find(path: "messages[-1].content[0].text", in: bytes)) == #""last""#)
        #expect(JSONFixtures.text(bytes, try JSONScanner.find(path: "messages[-2].role", in: bytes)) == #""user""#)
        #expect(try JSONScanner.find(path: "messages[\(repetitions + 1)]", in: bytes) == nil)

        // One bad byte near the end is found at its exact offset.
        let badOffset = bytes.count - 30
        bytes[badOffset] = 0x01
        let error = JSONFixtures.error { () throws(JSONError) in try JSONScanner.validate(bytes) }
        #expect(error?.offset == badOffset)
        #expect(error?.kind == .controlCharacterInString)
    }
}

@Suite("JSON scanner: numbers from scanned bytes")
struct JSONScannerIntegerTests {
    @Test("integers within 64 bits are read; anything else is nil", arguments: [
        ("42", 42), ("-7", -7), ("0", 0), ("9223372036854775807", Int.max), ("-9223372036854775807", -Int.max),
        ("9223372036854775808", nil), ("12345678901234567890", nil), ("1.5", nil), ("1e3", nil), ("+1", nil),
        ("", nil), ("-", nil), ("\"3\"", nil), ("null", nil),
    ] as [(String, Int?)])
    func integers(text: String, expected: Int?) {
        #expect(JSONScanner.integer(in: Array(text.utf8)) == expected)
        #expect(Array(text.utf8).withUnsafeBytes { JSONScanner.integer(in: $0) } == expected)
    }

    @Test("short decimals come out bit for bit as a full conversion gives them; other texts are left to it")
    func shortDecimals() {
        func short(_ text: String) -> Double? { JSONScanner.shortDecimal(in: Array(text.utf8)) }
        // Generated decimals of every length up to 15 digits, including the hard cases of rounding (0.1, 0.3…).
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.1", "0.3", "1.005", "123456789012345", "0.000000000000001", "99999.9999999999",
                     "12.5", "0.07", "-3.14159", "007.5", "1.100"]
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...15, using: &generator)
            var digits = String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let point = Int.random(in: 0...count, using: &generator)
            if point > 0 && point < count { digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point)) }
            texts.append(Bool.random(using: &generator) ? "-" + digits : digits)
        }
        for text in texts {
            let expected = Double(text)
            #expect(expected != nil, "\(text)")
            #expect(short(text)?.bitPattern == expected?.bitPattern, "\(text)")
        }
        // Not short decimals: the caller converts them in full (or refuses them).
        for text in ["1e3", "1E-7", "1234567890123456", "0.1234567890123456", "0.00000000000000000000001", ".5",
                     "5.", "-", "", "--1", "1.2.3",
                     "+1", "0x1p3", "1 ", "inf", "\"3\""] {
            #expect(short(text) == nil, "\(text)")
        }
        #expect(short("-0")?.sign == .minus)
    }
}

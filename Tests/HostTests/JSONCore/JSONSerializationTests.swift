import JSONCore
import Testing

@Suite("JSON serialization")
struct JSONSerializationTests {
    @Test("strings are escaped exactly as JSON.stringify escapes them")
    func escaping() {
        let text = "quote\" backslash\\ slash/ \u{08}\u{0C}\n\r\t \u{00}\u{01}\u{1F}\u{7F} é 😀 \u{2028}\u{2029}"
        let expected = #""quote\" backslash\\ slash/ \b\f\n\r\t \u0000\u0001\u001f"# + "\u{7F} é 😀 \u{2028}\u{2029}\""
        #expect(JSONValue.string(text).serialized() == expected)
        #expect(JSONString.quoted(text) == expected)
        #expect(JSONString.quoted(text[...]) == expected)
        #expect(JSONString.quoted("") == #""""#)
    }

    @Test("long plain runs and escapes at every position in an 8-byte block", arguments: 0..<17)
    func escapesAtEveryOffset(_ offset: Int) throws {
        let plain = String(repeating: "a", count: offset) + "\n" + String(repeating: "b", count: 20 - offset) + "é\""
        let literal = JSONString.quoted(plain)
        #expect(literal == "\"" + String(repeating: "a", count: offset) + #"\n"# + String(repeating: "b", count: 20 - offset) + #"é\"""#)
        #expect(try JSONValue(parsing: literal) == .string(plain))
    }

    @Test("short strings: each kind of byte that needs attention at each position of the last, partial word",
          arguments: 0..<16)
    func shortStrings(_ length: Int) throws {
        func naive(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\u{01}": out += "\\u0001"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let plain = String(repeating: "k", count: length)
        #expect(JSONString.quoted(plain) == "\"" + plain + "\"")
        for special in ["\"", "\\", "\n", "\u{01}", "é"] where length > 0 {
            for position in 0..<length {
                var characters = Array(plain)
                characters[position] = Character(special)
                let text = String(characters)
                #expect(JSONString.quoted(text) == naive(text), "\(length) \(position) \(special.debugDescription)")
                #expect(try JSONValue(parsing: JSONString.quoted(text)) == .string(text))
            }
        }
        // An ill-formed byte in the tail is repaired where it stands.
        var bytes = Array(plain.utf8) + [0xFF]
        var output: [UInt8] = []
        bytes.withUnsafeBytes { JSONString.encode(utf8: $0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "\"" + plain + "\u{FFFD}\"")
        bytes = [0xFF] + Array(plain.utf8)
        output = []
        bytes.withUnsafeBytes { JSONString.encode(utf8: $0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "\"\u{FFFD}" + plain + "\"")
    }

    @Test("raw UTF-8 bytes are encoded with ill-formed sequences replaced by U+FFFD")
    func encodeRawBytes() {
        var output: [UInt8] = Array("x=".utf8)
        let bytes: [UInt8] = Array("ok \"é\" ".utf8) + [0xFF, 0xC3] + Array(" 😀\t".utf8)
        bytes.withUnsafeBytes { JSONString.encode(utf8: $0, into: &output) }
        #expect(String(decoding: output, as: UTF8.self) == "x=\"ok \\\"é\\\" \u{FFFD}\u{FFFD} 😀\\t\"")
        var appended: [UInt8] = []
        JSONString.encode("a/b", into: &appended)
        JSONString.encode("c"[...], into: &appended)
        #expect(String(decoding: appended, as: UTF8.self) == #""a/b""c""#)
    }

    @Test("pretty printing matches JSON.stringify(value, null, 2)")
    func prettyPrinting() throws {
        let value = try JSONValue(parsing: #"{"model":"m","messages":[{"role":"user","content":"hi"}],"empty":{},"none":[],"n":[1,2.50]}"#)
        let expected = """
            {
              "model": "m",
              "messages": [
                {
                  "role": "user",
                  "content": "hi"
                }
              ],
              "empty": {},
              "none": [],
              "n": [
                1,
                2.50
              ]
            }
            """
        #expect(value.serialized(pretty: true) == expected)
        #expect(try JSONValue(parsing: expected).isIdentical(to: value))
        #expect(JSONValue.string("x").serialized(pretty: true) == #""x""#)
    }

    @Test("write(into:) appends to what the buffer holds")
    func writeAppends() {
        var buffer = Array("data: ".utf8)
        let chunk: JSONValue = ["type": "ping"]
        chunk.write(into: &buffer)
        buffer.append(contentsOf: "\n\n".utf8)
        #expect(String(decoding: buffer, as: UTF8.self) == "data: {\"type\":\"ping\"}\n\n")
        #expect(chunk.description == #"{"type":"ping"}"#)
    }

    @Test("doubles are written as JavaScript writes them", arguments: [
        (1.0, "1"), (0.5, "0.5"), (-2.25, "-2.25"), (0.1, "0.1"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1e16, "10000000000000000"), (123456789.125, "123456789.125"), (0.000001, "0.000001"), (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"), (-0.0, "0"), (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (0.1 + 0.2, "0.30000000000000004"), (123e25, "1.23e+27"), (4.35, "4.35"), (100.0, "100"), (0.00012, "0.00012"),
    ])
    func doubleFormatting(_ value: Double, _ expected: String) throws {
        #expect(JSONValue.double(value) == .number(expected))
        #expect(JSONValue.double(value).numberText == expected)
        #expect(try #require(JSONValue.double(value).doubleValue) == value)
    }

    @Test("non-finite doubles and invalid number text become null")
    func unrepresentableNumbers() {
        #expect(JSONValue.double(.infinity) == .null)
        #expect(JSONValue.double(-.infinity) == .null)
        #expect(JSONValue.double(.nan) == .null)
        let handMade: JSONValue = [.number("NaN"), .number("+1"), .number("01"), .number(""), .number("1.0")]
        #expect(handMade.serialized() == "[null,null,null,null,1.0]")
    }

    @Test("integers are written in full")
    func integers() {
        #expect(JSONValue.int(Int.max).serialized() == "9223372036854775807")
        #expect(JSONValue.int(Int.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.int(0).serialized() == "0")
    }
}

import JSONCore
import Testing

@testable import Host

/// The writer records are built with: commas, nesting, escaping and number forms, checked as exact text.
@Suite("JSON text writer")
struct JSONTextWriterTests {
    static func text(_ build: (inout JSONTextWriter) -> Void) -> String {
        var writer = JSONTextWriter(capacity: 64)
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("objects and arrays nest with commas only between members and elements")
    func layout() throws {
        let text = Self.text { json in
            json.beginObject()
            json.key("a"); json.int(1)
            json.key("empty"); json.beginObject(); json.endObject()
            json.key("list"); json.beginArray()
            json.int(1); json.beginObject(); json.key("x"); json.null(); json.endObject(); json.beginArray(); json.endArray()
            json.endArray()
            json.key(text: "name \"q\""); json.string("line\nbreak é")
            json.key("none"); json.string(nil)
            json.key("flag"); json.bool(false)
            json.key("doc"); json.value(["k": [1, true]])
            json.key("raw"); json.json(Array(#"{"r":[]}"#.utf8))
            json.endObject()
        }
        #expect(text == #"{"a":1,"empty":{},"list":[1,{"x":null},[]],"name \"q\"":"line\nbreak é","none":null,"#
            + #""flag":false,"doc":{"k":[1,true]},"raw":{"r":[]}}"#)
        #expect(try JSONValue(parsing: text)["list"]?[1]?["x"] == .null)
    }

    @Test("milliseconds are written to the microsecond from integers, in the shortest form")
    func milliseconds() {
        let cases: [(Double?, String)] = [
            (12.5, "12.5"), (0.07, "0.07"), (3, "3"), (0, "0"), (1.0004, "1"), (1.0005, "1.001"), (0.001, "0.001"),
            (-2.25, "-2.25"), (-0.0004, "0"), (302.1234, "302.123"), (123456789.012, "123456789.012"),
            (nil, "null"), (.infinity, "null"), (.nan, "null"), (3e20, "300000000000000000000"),
        ]
        for (value, expected) in cases {
            #expect(Self.text { $0.milliseconds(value) } == expected, "\(String(describing: value))")
        }
        #expect(Self.text { $0.double(0.1 + 0.2) } == "0.30000000000000004")
        #expect(Self.text { $0.double(1e21) } == "1e+21")
    }
}

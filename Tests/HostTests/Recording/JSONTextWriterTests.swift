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

    @Test("integers are written in full, signed, and keys and literals take their commas")
    func integersAndKeys() throws {
        let values = [0, 7, -7, 10, 99, 100, 1_000_000, -1_234_567_890, Int.max, Int.min]
        let text = Self.text { json in
            json.beginArray()
            for value in values { json.int(value) }
            json.int(nil)
            json.bool(true)
            json.endArray()
        }
        #expect(text == "[0,7,-7,10,99,100,1000000,-1234567890,9223372036854775807,-9223372036854775808,null,true]")
        let headers = Self.text { json in
            json.beginObject()
            json.key(lowercasing: "Content-Type"); json.string("a")
            json.key(lowercasing: "X-API-Key"); json.null()
            json.key(lowercasing: "Bad Name\u{1}É"); json.bool(false)
            json.key("after"); json.int(1)
            json.endObject()
        }
        #expect(headers == #"{"content-type":"a","x-api-key":null,"bad name\u0001é":false,"after":1}"#)
    }

    @Test("a record longer than the capacity it was given grows and stays whole")
    func growsPastCapacity() throws {
        var writer = JSONTextWriter(capacity: 8)
        writer.beginArray()
        for index in 0..<2_000 {
            writer.beginObject()
            writer.key("index"); writer.int(index)
            writer.key(lowercasing: "Name-\(index % 7)"); writer.milliseconds(Double(index) / 8)
            writer.endObject()
        }
        writer.endArray()
        let parsed = try JSONValue(parsing: writer.bytes)
        #expect(parsed[1999]?["index"] == 1999)
        #expect(parsed[1999]?["name-4"] == .double(249.875))
        #expect(parsed[12]?["name-5"] == .double(1.5))
        #expect(writer.bytes.count == String(decoding: writer.bytes, as: UTF8.self).utf8.count)
    }

    @Test("milliseconds are written to the microsecond from integers, in the shortest form")
    func milliseconds() {
        let cases: [(Double?, String)] = [
            (12.5, "12.5"), (0.07, "0.07"), (3, "3"), (0, "0"), (1.0004, "1"), (1.0005, "1.001"), (0.001, "0.001"),
            (-2.25, "-2.25"), (-0.0004, "0"), (302.1234, "302.123"), (123456789.012, "123456789.012"),
            (nil, "null"), (.infinity, "null"), (.nan, "null"), (3e20, "300000000000000000000"), (1.07, "1.07"),
            (-0.005, "-0.005"), (999999999999.999, "999999999999.999"), (10, "10"), (0.5, "0.5"),
        ]
        for (value, expected) in cases {
            #expect(Self.text { $0.milliseconds(value) } == expected, "\(String(describing: value))")
        }
        #expect(Self.text { $0.double(0.1 + 0.2) } == "0.30000000000000004")
        #expect(Self.text { $0.double(1e21) } == "1e+21")
    }
}

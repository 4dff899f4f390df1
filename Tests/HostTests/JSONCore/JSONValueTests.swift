import JSONCore
import Testing

@Suite("JSON values and objects")
struct JSONValueTests {
    @Test("literals build the values they spell, objects in the order written")
    func literals() {
        let name = "hi"
        let value: JSONValue = [
            "type": "text", "text": "say \(name)", "index": 3, "score": 0.25, "ok": true, "none": nil,
            "list": [1, "two", [false]], "nested": ["z": 1, "a": 2],
        ]
        #expect(value.serialized() == #"{"type":"text","text":"say hi","index":3,"score":0.25,"ok":true,"none":null,"list":[1,"two",[false]],"nested":{"z":1,"a":2}}"#)
        #expect(value["index"] == .number("3"))
        #expect(value["score"] == .number("0.25"))
        let object: JSONObject = ["b": 1, "a": 2, "b": 3]
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 3)
    }

    @Test("accessors return values only for the matching case")
    func accessors() throws {
        let value = try JSONValue(parsing: #"{"s":"x","b":false,"i":-42,"f":"12.0","d":12.0,"e":1e2,"big":9223372036854775808,"a":[1],"o":{},"n":null}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == false)
        #expect(value["i"]?.intValue == -42)
        #expect(value["i"]?.doubleValue == -42)
        #expect(value["f"]?.intValue == nil)  // a string, not a number
        #expect(value["d"]?.intValue == nil)  // 12.0 is not written as an integer
        #expect(value["d"]?.doubleValue == 12)
        #expect(value["e"]?.intValue == nil)
        #expect(value["e"]?.doubleValue == 100)
        #expect(value["big"]?.intValue == nil)  // Int.max + 1
        #expect(value["big"]?.doubleValue == 9_223_372_036_854_775_808)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value["o"]?.objectValue == JSONObject())
        #expect(value["n"]?.isNull == true)
        #expect(value["s"]?.isNull == false)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["key"] == nil)
        #expect(value[0] == nil)
        #expect(value["s"]?.intValue == nil && value["s"]?.boolValue == nil && value["s"]?.arrayValue == nil)
        #expect(JSONValue.number("not a number").doubleValue == nil)
    }

    @Test("object members can be set, replaced in place, appended and removed")
    func objectEditing() {
        var object: JSONObject = ["model": "gpt-4o", "stream": true]
        object["model"] = "claude"
        object["max_tokens"] = 100
        #expect(object.keys == ["model", "stream", "max_tokens"])
        #expect(object.contains("stream"))
        #expect(object.removeValue(forKey: "stream") == true)
        #expect(object.removeValue(forKey: "stream") == nil)
        #expect(!object.contains("stream"))
        object["model"] = nil
        #expect(object.count == 1 && !object.isEmpty)
        #expect(Array(object).map(\.key) == ["max_tokens"])
        #expect(object.values == [100])
        #expect(JSONValue.object(object).serialized() == #"{"max_tokens":100}"#)
        #expect(JSONObject().isEmpty)
        #expect(object.description == #"{"max_tokens":100}"#)
    }

    @Test("large objects keep working across the indexing threshold")
    func largeObjectEditing() {
        var object = JSONObject((0..<40).map { (key: "k\($0)", value: JSONValue.int($0)) })
        for index in stride(from: 0, to: 40, by: 2) { object.removeValue(forKey: "k\(index)") }
        #expect(object.count == 20)
        #expect(object["k1"] == 1 && object["k39"] == 39 && object["k2"] == nil)
        object["k1"] = "one"
        object["new"] = nil
        object["added"] = true
        #expect(object.keys.first == "k1" && object.keys.last == "added")
        #expect(object["k1"] == "one")
        for index in stride(from: 1, to: 40, by: 2) { object.removeValue(forKey: "k\(index)") }
        #expect(object.keys == ["added"])
        #expect(object["added"] == true)
    }

    @Test("== ignores member order and number spelling; isIdentical does not")
    func equality() throws {
        let first = try JSONValue(parsing: #"{"a":1,"b":[1.0,{"x":null,"y":"z"}]}"#)
        let second = try JSONValue(parsing: #"{"b":[1,{"y":"z","x":null}],"a":1e0}"#)
        #expect(first == second)
        #expect(!first.isIdentical(to: second))
        #expect(first.isIdentical(to: try JSONValue(parsing: first.serialized())))
        #expect(JSONValue.number("-0") == .number("0"))
        #expect(JSONValue.number("1.50") == .number("15e-1"))
        #expect(JSONValue.number("100") == .number("1E2"))
        #expect(JSONValue.number("0.001") == .number("1e-3"))
        #expect(JSONValue.number("1") != .number("-1"))
        #expect(JSONValue.number("12345678901234567890") != .number("12345678901234567891"))
        #expect(JSONValue.number("1e400") != .number("1e401"))
        #expect(JSONValue.number("abc") == .number("abc"))
        #expect(JSONValue.number("abc") != .number("abd"))
        #expect(["a": 1] as JSONValue != ["a": 1, "b": 2] as JSONValue)
        #expect(["a": 1] as JSONValue != ["b": 1] as JSONValue)
        #expect(JSONValue.string("1") != .number("1"))
        #expect([1, 2] as JSONValue != [2, 1] as JSONValue)
        #expect(JSONValue.null != false)
    }
}

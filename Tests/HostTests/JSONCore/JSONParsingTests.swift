import JSONCore
import Testing

@Suite("JSON parsing")
struct JSONParsingTests {
    @Test("compact API JSON re-serializes byte for byte", arguments: JSONFixtures.all)
    func roundTripIsByteIdentical(_ text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == text)
        #expect(value.serializedBytes() == JSONFixtures.bytes(text))
    }

    @Test("the OpenAI request parses into the expected structure")
    func openAIRequestContent() throws {
        let request = try JSONValue(parsing: JSONFixtures.openAIRequest)
        #expect(request["model"] == "gpt-4o-mini")
        #expect(request["stream"]?.boolValue == true)
        #expect(request["stream_options"]?["include_usage"] == true)
        #expect(request["temperature"]?.numberText == "0.7")
        #expect(request["seed"]?.numberText == "12345678901234567890")
        #expect(request["seed"]?.intValue == nil)  // beyond Int, yet its text survives
        let messages = try #require(request["messages"]?.arrayValue)
        #expect(messages.count == 5)
        #expect(messages[1]["content"]?[0]?["text"] == "What's in this image? Answer in \"one\" word.\n")
        #expect(messages[2]["content"]?.isNull == true)
        let arguments = try #require(messages[2]["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue)
        #expect(arguments == #"{"city":"Zürich","unit":"celsius"}"#)
        #expect(try JSONValue(parsing: arguments)["city"] == "Zürich")
        #expect(messages[4]["content"] == "Thanks! 👍 Und jetzt?")
        #expect(request.objectValue?.keys == [
            "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stream_options", "tools", "seed", "user",
        ])
    }

    @Test("the Anthropic stream events keep thinking signatures and tool input intact")
    func anthropicEventsContent() throws {
        let start = try JSONValue(parsing: JSONFixtures.anthropicEvents[0])
        #expect(start["message"]?["usage"]?["cache_creation_input_tokens"]?.intValue == 159_217)
        let delta = try JSONValue(parsing: JSONFixtures.anthropicEvents[2])
        #expect(delta["delta"]?["partial_json"] == "{\"command\": \"ls")
        let text = try JSONValue(parsing: JSONFixtures.anthropicEvents[3])
        #expect(text["delta"]?["text"] == "Hello\u{2028}world — ünïcödé 🎉")
        let request = try JSONValue(parsing: JSONFixtures.anthropicRequest)
        #expect(request["messages"]?[1]?["content"]?[0]?["signature"] == "EqQBCkYIBxgCKkDx+/sig==")
        #expect(request["messages"]?[2]?["content"]?[0]?["content"] == "total 0\n-rw-r--r-- a.txt\u{07}")
    }

    @Test("number text is kept exactly", arguments: [
        "12345678901234567890", "1.50", "-0", "1e-7", "1E+400", "-12.000e-0010", "0", "0.0", "123456789012345678901234567890.5",
    ])
    func numberTextIsPreserved(_ text: String) throws {
        let value = try JSONValue(parsing: "[\(text)]")
        #expect(value[0]?.numberText == text)
        #expect(value.serialized() == "[\(text)]")
    }

    @Test("escapes decode to the right text")
    func escapesDecode() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD83D\uDE00\u2028""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀\u{2028}"))
        // Upper- and lowercase hex both work, and an escaped key matches its plain spelling.
        let object = try JSONValue(parsing: #"{"mod\u0065l":"x","\ud83c\udf89":1}"#)
        #expect(object["model"] == "x")
        #expect(object["🎉"] == 1)
    }

    @Test("raw UTF-8 of every length passes through")
    func rawUnicode() throws {
        let text = "a é € 😀 中文 \u{10FFFF} \u{2028}\u{2029}"
        let value = try JSONValue(parsing: "\"\(text)\"")
        #expect(value.stringValue == text)
        #expect(value.serialized() == "\"\(text)\"")
    }

    @Test("whitespace around and between tokens is allowed")
    func whitespace() throws {
        let value = try JSONValue(parsing: " \t\r\n{ \"a\" :\n[ 1 ,\t2 ] , \"b\" : { } , \"c\" : [ ] }\r\n ")
        #expect(value.serialized() == #"{"a":[1,2],"b":{},"c":[]}"#)
    }

    @Test("scalars parse at the top level")
    func topLevelScalars() throws {
        #expect(try JSONValue(parsing: "null") == .null)
        #expect(try JSONValue(parsing: " true ") == true)
        #expect(try JSONValue(parsing: "false") == false)
        #expect(try JSONValue(parsing: "-1.5e3") == .number("-1.5e3"))
        #expect(try JSONValue(parsing: #""""#) == "")
    }

    @Test("a repeated key keeps the last value at the first position, like JSON.parse")
    func duplicateKeys() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.serialized() == #"{"a":3,"b":2}"#)
        #expect(value.objectValue?.count == 2)
    }

    @Test("every entry point gives the same value and offsets")
    func entryPoints() throws {
        let text = #"{"k":[true,null]}"#
        let bytes = JSONFixtures.bytes(text)
        let expected: JSONValue = ["k": [true, nil]]
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: text[...]) == expected)
        #expect(try JSONValue(parsing: bytes) == expected)
        #expect(try JSONValue(parsing: (JSONFixtures.bytes("xx") + bytes)[2...]) == expected)
        #expect(try bytes.withUnsafeBytes { try JSONValue(parsing: $0) } == expected)
        // A non-contiguous collection takes the copying path.
        #expect(try JSONValue(parsing: bytes.lazy.map { $0 }) == expected)
        // Slice offsets count from the slice's start.
        let error = JSONFixtures.error { () throws(JSONError) in _ = try JSONValue(parsing: JSONFixtures.bytes("[[1,]")[1...]) }
        #expect(error?.offset == 3)
    }

    @Test("512 levels of nesting parse")
    func depthLimitIsInclusive() throws {
        let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == text)
        let objects = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(try JSONValue(parsing: objects).serialized() == objects)
    }

    @Test("a large object with many keys keeps order and handles duplicates")
    func manyKeys() throws {
        let members = (0..<300).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let value = try JSONValue(parsing: "{\(members),\"k7\":\"again\"}")
        let object = try #require(value.objectValue)
        #expect(object.count == 300)
        #expect(object.keys.first == "k0" && object.keys.last == "k299")
        #expect(object["k7"] == "again")
        #expect(object["k299"] == 299)
    }
}

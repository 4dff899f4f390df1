import JSONCore
import Testing

@Suite("JSON paths")
struct JSONPathTests {
    /// `path` looked up in `text` by the scanner, as the text of the range found.
    private func find(_ path: String, in text: String) throws -> String? {
        let bytes = JSONFixtures.bytes(text)
        return JSONFixtures.text(bytes, try JSONScanner.find(path: path, in: bytes))
    }

    @Test("paths into a realistic request return exact ranges", arguments: [
        ("model", #""gpt-4o-mini""#),
        ("stream_options.include_usage", "true"),
        ("stream_options", #"{"include_usage":true}"#),
        ("messages[-1].content", #""Thanks! 👍 Und jetzt?""#),
        ("messages[0]", #"{"role":"system","content":"You are terse."}"#),
        ("messages[1].content[1].image_url", #"{"url":"https://example.com/cat.png","detail":"low"}"#),
        ("messages[-4].content[-2].text", #""What's in this image? Answer in \"one\" word.\n""#),
        ("messages[2].content", "null"),
        ("messages[2].tool_calls[0].function.arguments", #""{\"city\":\"Zürich\",\"unit\":\"celsius\"}""#),
        ("tools[0].function.parameters.properties.unit.enum[1]", #""fahrenheit""#),
        ("tools[0].function.parameters.required", #"["city"]"#),
        ("seed", "12345678901234567890"),
        ("", JSONFixtures.openAIRequest),
    ])
    func findInRequest(_ path: String, _ expected: String) throws {
        #expect(try find(path, in: JSONFixtures.openAIRequest) == expected)
        // The document model follows the same path to the same value.
        let value = try JSONValue(parsing: JSONFixtures.openAIRequest)
        #expect(try value.value(at: JSONPath(path))?.isIdentical(to: JSONValue(parsing: expected)) == true)
    }

    @Test("paths into a stream chunk", arguments: [
        ("choices[0].delta.tool_calls[1].function.arguments", #""{\"city\": \"Par""#),
        ("choices[0].delta.tool_calls[0].id", #""call_1""#),
        ("choices[-1].finish_reason", "null"),
        ("usage", "null"),
    ])
    func findInChunk(_ path: String, _ expected: String) throws {
        #expect(try find(path, in: JSONFixtures.openAIChunk) == expected)
    }

    @Test("missing steps give nil", arguments: [
        "missing", "choices[1]", "choices[-2]", "choices[0].delta.content", "choices[0].index.deeper", "model[0]",
        "choices.0", "choices[0][0]", "usage.prompt_tokens", "choices[99999999999].x", "choices[-100]", "choices[-65]",
    ])
    func missingSteps(_ path: String) throws {
        #expect(try find(path, in: JSONFixtures.openAIChunk) == nil)
        #expect(try JSONValue(parsing: JSONFixtures.openAIChunk).value(at: JSONPath(path)) == nil)
    }

    @Test("keys with dots, brackets or escapes are written as quoted keys")
    func quotedKeys() throws {
        let text = #"{"metadata":{"user.id":"u1","a[0]":2,"quote\"d":3,"é":4},"user":{"id":"wrong"}}"#
        #expect(try find(#"metadata["user.id"]"#, in: text) == #""u1""#)
        #expect(try find(#"metadata["a[0]"]"#, in: text) == "2")
        #expect(try find(#"metadata["quote\"d"]"#, in: text) == "3")
        #expect(try find(#"metadata["\u00e9"]"#, in: text) == "4")
        #expect(try find(#"metadata.é"#, in: text) == "4")
        #expect(try find(#"["metadata"]["user.id"]"#, in: text) == #""u1""#)
        #expect(try find("metadata.user.id", in: text) == nil)
        let value = try JSONValue(parsing: text)
        #expect(value.value(at: try JSONPath(#"metadata["quote\"d"]"#)) == 3)
    }

    @Test("a repeated key is followed through its last occurrence")
    func duplicateKeysInPaths() throws {
        let text = #"{"a":{"b":1},"x":[],"a":{"c":2}}"#
        #expect(try find("a.c", in: text) == "2")
        #expect(try find("a.b", in: text) == nil)  // the last "a" has no "b", as after parsing
        #expect(try JSONValue(parsing: text).value(at: JSONPath("a.b")) == nil)
    }

    @Test("negative indices count from the end, including past the stack-buffer size")
    func negativeIndices() throws {
        let text = "[" + (0..<200).map { "{\"i\":\($0)}" }.joined(separator: ",") + "]"
        #expect(try find("[-1].i", in: text) == "199")
        #expect(try find("[-64].i", in: text) == "136")
        #expect(try find("[-65].i", in: text) == "135")
        #expect(try find("[-200].i", in: text) == "0")
        #expect(try find("[-201]", in: text) == nil)
        #expect(try find("[150]", in: text) == #"{"i":150}"#)
        #expect(try find("[-1]", in: "[]") == nil)
        #expect(try find("[0]", in: " [ ] ") == nil)
    }

    @Test("malformed paths are rejected before the document is read", arguments: [
        ("a..b", "invalid path 'a..b': empty key at byte 2"),
        (".a", "invalid path '.a': empty key at byte 0"),
        ("a.", "invalid path 'a.': empty key at byte 2"),
        ("a[", "invalid path 'a[': expected an index or a quoted key at byte 2"),
        ("a[1", "invalid path 'a[1': unclosed '[' at byte 1"),
        ("a[x]", "invalid path 'a[x]': expected an index or a quoted key at byte 2"),
        ("a[-0]", "invalid path 'a[-0]': index -0 names no element at byte 2"),
        ("a[1]b", "invalid path 'a[1]b': expected '.' or '[' at byte 4"),
        ("a]", "invalid path 'a]': unexpected ']' at byte 1"),
        (#"a["b]"#, #"invalid path 'a["b]': invalid quoted key at byte 2"#),
        (#"a["b"x]"#, #"invalid path 'a["b"x]': expected ']' at byte 5"#),
        ("a[99999999999999999999]", "invalid path 'a[99999999999999999999]': index too large at byte 2"),
    ])
    func malformedPaths(_ path: String, _ message: String) throws {
        let error = try #require(JSONFixtures.error { _ = try JSONScanner.find(path: path, in: JSONFixtures.bytes("{}")) })
        #expect(error.description == message)
        #expect(error.kind == .invalidPath)
        #expect(JSONFixtures.error { _ = try JSONPath(path) } == error)
        // Even a document that would not reach the bad step reports the path.
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: path, in: JSONFixtures.bytes("[]")) } == error)
    }

    @Test("the whole document is checked, even after the value is found")
    func malformedDocuments() {
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: "a", in: JSONFixtures.bytes(#"{"a":1,"b":[1,]}"#)) }?.offset == 14)
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: "[0]", in: JSONFixtures.bytes("[1,2 3]")) }?.offset == 5)
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: "x", in: JSONFixtures.bytes("[1,]")) }?.offset == 3)
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: "[-1]", in: JSONFixtures.bytes("[1,2]x")) }?.kind == .trailingCharacters)
        #expect(JSONFixtures.error { _ = try JSONScanner.find(path: "a", in: JSONFixtures.bytes("")) }?.kind == .unexpectedEndOfInput)
    }

    @Test("a stored path works on raw buffers and describes itself")
    func storedPath() throws {
        let path = try JSONPath("delta.text")
        #expect(path.description == "delta.text")
        #expect(path == (try JSONPath("delta.text")))
        let bytes = JSONFixtures.bytes(JSONFixtures.anthropicEvents[3])
        let range = try bytes.withUnsafeBytes { try JSONScanner.find(path: path, in: $0) }
        #expect(try JSONScanner.decodeString(bytes[try #require(range)]) == "Hello\u{2028}world — ünïcödé 🎉")
        #expect(try JSONScanner.find(path: path, in: bytes) == range)
    }
}

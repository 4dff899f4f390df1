import JSONCore
import PluginABI
import Testing

@testable import Host

/// How tool call deltas are told apart when the upstream's `index` alone does not do it: by their `id`.
extension OpenAIStreamConversionTests {
    /// A chunk with one tool call delta and no `index` at all.
    static func indexlessToolDelta(id: String, name: String, arguments: String) -> String {
        let function = #"{"name":"\#(name)","arguments":\#(JSONString.quoted(arguments))}"#
        return chunk(#"{"tool_calls":[{"id":"\#(id)","type":"function","function":\#(function)}]}"#)
    }

    @Test("parallel tool calls sent as index 0 with their own ids (Ollama, Gemini, ai-dynamo) become one block each")
    func parallelToolCallsSharingIndexZero() throws {
        let first = #"{"filePath":"a.py"}"#
        let second = #"{"filePath":"b.py"}"#
        let output = try Self.run([
            Self.toolDelta(0, id: "call_a", name: "file_write", arguments: first),
            Self.toolDelta(0, id: "call_b", name: "file_write", arguments: second),
            Self.chunk("{}", finish: "tool_calls"), Self.usage(prompt: 30, completion: 16), "[DONE]",
        ])
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
            AnthropicGolden.toolStart(0, id: "toolu_call_a", name: "file_write"), AnthropicGolden.inputJSON(0, first),
            AnthropicGolden.stop(0),
            AnthropicGolden.toolStart(1, id: "toolu_call_b", name: "file_write"), AnthropicGolden.inputJSON(1, second),
            AnthropicGolden.stop(1),
            AnthropicGolden.messageDelta("tool_use", input: 30, output: 16), AnthropicGolden.messageStop,
        ])
        #expect(output.ends == [LESSLLM_OK])
    }

    @Test("under a shared index 0, deltas without an id continue the latest call, each keeping its own arguments")
    func sharedIndexContinuationsFollowTheLatestCall() throws {
        let output = try Self.run([
            Self.toolDelta(0, id: "call_a", name: "file_write", arguments: #"{"filePath":"#),
            Self.toolDelta(0, arguments: #""a.py"}"#),
            Self.toolDelta(0, id: "call_b", name: "file_read", arguments: #"{"filePath":"#),
            Self.toolDelta(0, arguments: #""b.py"}"#),
            Self.chunk("{}", finish: "tool_calls"), "[DONE]",
        ])
        #expect(Array(output.parsed.dropFirst(2).dropLast(2)) == [
            AnthropicGolden.toolStart(0, id: "toolu_call_a", name: "file_write"),
            AnthropicGolden.inputJSON(0, #"{"filePath":"#), AnthropicGolden.inputJSON(0, #""a.py"}"#),
            AnthropicGolden.stop(0),
            AnthropicGolden.toolStart(1, id: "toolu_call_b", name: "file_read"),
            AnthropicGolden.inputJSON(1, #"{"filePath":"#), AnthropicGolden.inputJSON(1, #""b.py"}"#),
            AnthropicGolden.stop(1),
        ])
        let message = try #require(AnthropicStreamAccumulator.accumulate(output.parsed).message)
        #expect(message["content"] == json(#"""
            [{"type":"tool_use","id":"toolu_call_a","name":"file_write","input":{"filePath":"a.py"}},
             {"type":"tool_use","id":"toolu_call_b","name":"file_read","input":{"filePath":"b.py"}}]
            """#))
        #expect(message["stop_reason"] == "tool_use")
    }

    @Test("an id repeated on every delta of interleaved calls does not split them")
    func repeatedIDsKeepInterleavedCallsWhole() throws {
        let output = try Self.run([
            Self.toolDelta(0, id: "call_a", name: "weather", arguments: #"{"city":"#),
            Self.toolDelta(1, id: "call_b", name: "time", arguments: #"{"tz":"#),
            Self.toolDelta(0, id: "call_a", arguments: #""Paris"}"#),
            Self.toolDelta(1, id: "call_b", arguments: #""UTC"}"#),
            Self.chunk("{}", finish: "tool_calls"), "[DONE]",
        ])
        #expect(Array(output.parsed.dropFirst(2).dropLast(2)) == [
            AnthropicGolden.toolStart(0, id: "toolu_call_a", name: "weather"),
            AnthropicGolden.inputJSON(0, #"{"city":"#), AnthropicGolden.inputJSON(0, #""Paris"}"#),
            AnthropicGolden.stop(0),
            AnthropicGolden.toolStart(1, id: "toolu_call_b", name: "time"),
            AnthropicGolden.inputJSON(1, #"{"tz":"#), AnthropicGolden.inputJSON(1, #""UTC"}"#), AnthropicGolden.stop(1),
        ])
    }

    @Test("parallel tool calls sent without an index are told apart by their ids")
    func indexlessParallelToolCalls() throws {
        let output = try Self.run([
            Self.indexlessToolDelta(id: "call_1", name: "a", arguments: #"{"n":1}"#),
            Self.indexlessToolDelta(id: "call_2", name: "b", arguments: #"{"n":2}"#),
            Self.chunk("{}", finish: "stop"), "[DONE]",
        ])
        let message = try #require(AnthropicStreamAccumulator.accumulate(output.parsed).message)
        #expect(message["content"] == json(#"""
            [{"type":"tool_use","id":"toolu_call_1","name":"a","input":{"n":1}},
             {"type":"tool_use","id":"toolu_call_2","name":"b","input":{"n":2}}]
            """#))
        #expect(message["stop_reason"] == "tool_use")
    }
}

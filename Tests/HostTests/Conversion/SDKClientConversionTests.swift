import Foundation
import JSONCore
import PluginABI
import Testing

@testable import Host

/// The official SDKs' own stream helpers accept what the converter emits: the bytes the host would write are
/// served to `anthropic` `messages.stream(...).get_final_message()` and `openai`
/// `chat.completions.stream(...).get_final_completion()` over a mock transport (PEER_BUGS #3, #19).
///
/// Needs the end-to-end test environment (`python3 -m venv .venv && .venv/bin/pip install -r
/// Tests/e2e/requirements.txt`); skipped without it.
@Suite("Conversion: official SDK stream helpers", .enabled(if: SDKClients.available))
struct SDKClientConversionTests {
    @Test("the Anthropic SDK accumulates our converted stream: thinking, text, parallel tools, usage (PEER_BUGS #3, #19)")
    func peerBug19_anthropicSDKAcceptsConvertedStream() throws {
        let output = try OpenAIStreamConversionTests.run([
            OpenAIStreamConversionTests.chunk(#"{"role":"assistant","reasoning_content":"Plan."}"#),
            OpenAIStreamConversionTests.chunk(#"{"content":"Calling two tools."}"#),
            OpenAIStreamConversionTests.toolDelta(0, id: "call_a", name: "weather", arguments: #"{"city":"#),
            OpenAIStreamConversionTests.toolDelta(1, id: "call_b", name: "time", arguments: #"{"tz":"#),
            OpenAIStreamConversionTests.toolDelta(0, arguments: #""Paris"}"#),
            OpenAIStreamConversionTests.toolDelta(1, arguments: #""UTC"}"#),
            OpenAIStreamConversionTests.chunk("{}", finish: "tool_calls"),
            OpenAIStreamConversionTests.usage(prompt: 100, completion: 20, cached: 60), "[DONE]",
        ])
        let sse = output.events.map { "event: \($0.type)\ndata: \($0.data)\n\n" }.joined()
        let message = try SDKClients.finalMessage(dialect: "anthropic", sse: sse)
        #expect(message["content"] == json(#"""
            [{"type":"thinking","thinking":"Plan.","signature":""},{"type":"text","text":"Calling two tools."},
             {"type":"tool_use","id":"toolu_call_a","name":"weather","input":{"city":"Paris"}},
             {"type":"tool_use","id":"toolu_call_b","name":"time","input":{"tz":"UTC"}}]
            """#))
        #expect(message["stop_reason"] == "tool_use")
        #expect(message["usage"]?["input_tokens"] == 40)
        #expect(message["usage"]?["cache_read_input_tokens"] == 60)
        #expect(message["usage"]?["output_tokens"] == 20)
    }

    @Test("the OpenAI SDK's stream helper accumulates our converted stream: reasoning, tools, usage (PEER_BUGS #19, #23)")
    func peerBug19_openAISDKAcceptsConvertedStream() throws {
        let output = try AnthropicStreamConversionTests.run([
            AnthropicUpstream.messageStart(input: 20, cacheRead: 80),
            AnthropicUpstream.blockStart(0, #"{"type":"thinking","thinking":"","signature":""}"#),
            AnthropicUpstream.delta(0, #"{"type":"thinking_delta","thinking":"Plan."}"#),
            AnthropicUpstream.delta(0, #"{"type":"signature_delta","signature":"sig+/=="}"#), AnthropicUpstream.blockStop(0),
            AnthropicUpstream.blockStart(1, #"{"type":"text","text":""}"#), AnthropicUpstream.text(1, "Two tools."), AnthropicUpstream.blockStop(1),
            AnthropicUpstream.blockStart(2, #"{"type":"tool_use","id":"toolu_A","name":"weather","input":{}}"#),
            AnthropicUpstream.delta(2, #"{"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"}"#), AnthropicUpstream.blockStop(2),
            AnthropicUpstream.blockStart(3, #"{"type":"tool_use","id":"toolu_B","name":"time","input":{}}"#),
            AnthropicUpstream.delta(3, #"{"type":"input_json_delta","partial_json":"{}"}"#), AnthropicUpstream.blockStop(3),
            AnthropicUpstream.messageDelta("tool_use", output: 33), AnthropicUpstream.messageStop,
        ])
        let sse = output.events.map { "data: \($0.data)\n\n" }.joined()
        let completion = try SDKClients.finalMessage(dialect: "openai", sse: sse)
        let message = try #require(completion["choices"]?[0]?["message"])
        #expect(message["content"] == "Two tools.")
        #expect(message["reasoning_content"] == "Plan.")
        #expect(message["reasoning_signature"] == "sig+/==")
        #expect(message["tool_calls"]?[0]?["id"] == "call_toolu_A")
        #expect(message["tool_calls"]?[0]?["function"]?["arguments"] == #"{"city":"Paris"}"#)
        #expect(message["tool_calls"]?[1]?["id"] == "call_toolu_B")
        #expect(message["tool_calls"]?[1]?["function"]?["name"] == "time")
        #expect(completion["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(completion["usage"]?["prompt_tokens"] == 100)
        #expect(completion["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 80)
    }
}

/// Runs the official SDKs from the end-to-end virtualenv.
enum SDKClients {
    static let python = TestPaths.repository.appendingPathComponent(".venv/bin/python").path

    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python),
              let result = try? Subprocess.run(python, ["-c", "import anthropic, openai, httpx"]) else { return false }
        return result.status == 0
    }()

    /// Serves `sse` to the SDK's stream helper and returns the final message (or completion) it accumulated.
    static func finalMessage(dialect: String, sse: String) throws -> JSONValue {
        let folder = try TestPaths.temporaryFolder("sdk-stream")
        let file = folder.appendingPathComponent("stream.sse")
        try Data(sse.utf8).write(to: file)
        let result = try Subprocess.run(python, ["-c", script, dialect, file.path])
        guard result.status == 0 else { throw Rejected(reason: "the \(dialect) SDK rejected the stream: \(result.stderr)") }
        return try JSONValue(parsing: result.stdout)
    }

    struct Rejected: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private static let script = #"""
        import sys
        dialect, path = sys.argv[1], sys.argv[2]
        body = open(path, "rb").read()
        try:  # newer anthropic releases moved to the httpx2 package
            import httpx2 as httpx
        except ImportError:
            import httpx
        if dialect != "anthropic":
            import httpx
        transport = httpx.MockTransport(lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=body))
        http = httpx.Client(transport=transport)
        messages = [{"role": "user", "content": "x"}]
        if dialect == "anthropic":
            import anthropic
            client = anthropic.Anthropic(api_key="k", base_url="http://upstream.test", http_client=http)
            with client.messages.stream(model="m", max_tokens=10, messages=messages) as stream:
                for _ in stream:
                    pass
                print(stream.get_final_message().model_dump_json(exclude_none=True))
        else:
            import openai
            client = openai.OpenAI(api_key="k", base_url="http://upstream.test/v1", http_client=http)
            with client.chat.completions.stream(model="m", messages=messages) as stream:
                for _ in stream:
                    pass
                print(stream.get_final_completion().model_dump_json(exclude_none=True))
        """#
}

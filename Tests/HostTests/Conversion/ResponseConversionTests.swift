import JSONCore
import PluginABI
import Testing

@testable import Host

/// Whole (non-streamed) responses, both directions.
@Suite("Conversion: whole responses")
struct ResponseConversionTests {
    static let anthropicClient = json(#"{"model":"claude-sonnet-4","max_tokens":100,"stop_sequences":["<END>"],"messages":[{"role":"user","content":"Hi"}]}"#)
    static let openAIClient = json(#"{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}"#)

    /// Converts an OpenAI upstream body for an Anthropic client.
    private func forAnthropicClient(_ upstream: String, client: JSONValue = anthropicClient) throws -> RecordingDownstream {
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: client, stream: false)
        context.feedBody(upstream)
        return output
    }

    /// Converts an Anthropic upstream body for an OpenAI client.
    private func forOpenAIClient(_ upstream: String, headers: [(String, String)] = SSE.jsonHead) throws -> RecordingDownstream {
        let (context, output) = try Conversion.response(Conversion.anthropicToOpenAIResponse, clientRequest: Self.openAIClient, stream: false)
        context.feedBody(upstream, headers: headers)
        return output
    }

    private static func completion(choices: String, usage: String = #"{"prompt_tokens":12,"completion_tokens":3}"#) -> String {
        #"{"id":"chatcmpl-up","object":"chat.completion","created":1,"model":"gpt-4o","choices":\#(choices),"usage":\#(usage)}"#
    }

    private static func message(content: String, stopReason: String = "end_turn",
                                usage: String = #"{"input_tokens":12,"output_tokens":3}"#) -> String {
        #"{"id":"msg_up","type":"message","role":"assistant","model":"claude-sonnet-4","content":\#(content),"stop_reason":"\#(stopReason)","stop_sequence":null,"usage":\#(usage)}"#
    }

    // MARK: - OpenAI upstream → Anthropic client

    @Test("text: msg_ id, the client's model, end_turn, usage with cached tokens split out of prompt_tokens")
    func openAIText() throws {
        let output = try forAnthropicClient(Self.completion(
            choices: #"[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}]"#,
            usage: #"{"prompt_tokens":120,"completion_tokens":5,"total_tokens":125,"prompt_tokens_details":{"cached_tokens":100}}"#))
        #expect(output.status == 200)
        #expect(output.header("content-type") == "application/json")
        #expect(output.json == json(#"""
            {"id":"\#(Conversion.messageID)","type":"message","role":"assistant","model":"claude-sonnet-4",
             "content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":5}}
            """#))
        #expect(output.ends == [LESSLLM_OK])
    }

    @Test("tool calls → tool_use blocks with toolu_ ids and parsed input; stop_reason tool_use")
    func openAITools() throws {
        let output = try forAnthropicClient(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
             {"id":"call_a","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
             {"id":"call_b","type":"function","function":{"name":"time","arguments":""}}]},"finish_reason":"tool_calls"}]
            """#))
        #expect(output.json?["content"] == json(#"""
            [{"type":"tool_use","id":"toolu_call_a","name":"weather","input":{"city":"Paris"}},
             {"type":"tool_use","id":"toolu_call_b","name":"time","input":{}}]
            """#))
        #expect(output.json?["stop_reason"] == "tool_use")
    }

    @Test("reasoning_content (DeepSeek) → a thinking block first, with an empty signature")
    func openAIReasoning() throws {
        let output = try forAnthropicClient(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","reasoning_content":"2 and 2 make 4.","content":"4"},"finish_reason":"stop"}]
            """#, usage: #"{"prompt_tokens":12,"completion_tokens":30,"completion_tokens_details":{"reasoning_tokens":20}}"#))
        #expect(output.json?["content"] == json(#"""
            [{"type":"thinking","thinking":"2 and 2 make 4.","signature":""},{"type":"text","text":"4"}]
            """#))
        #expect(output.json?["usage"] == json(#"{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":30}"#))
    }

    @Test("finish_reason → stop_reason", arguments: [
        ("stop", "null", "end_turn", "null"),
        ("length", "null", "max_tokens", "null"),
        ("tool_calls", "null", "tool_use", "null"),
        ("function_call", "null", "tool_use", "null"),
        ("content_filter", "null", "refusal", "null"),
        ("stop", #""<END>""#, "stop_sequence", #""<END>""#),   // vLLM names the sequence; it is one of the request's
        ("stop", #""zzz""#, "end_turn", "null"),            // not one of the request's: a natural stop
    ])
    func openAIFinishReasons(finish: String, matched: String, stopReason: String, stopSequence: String) throws {
        let output = try forAnthropicClient(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"\#(finish)","stop_reason":\#(matched)}]
            """#))
        #expect(output.json?["stop_reason"] == .string(stopReason))
        #expect(output.json?["stop_sequence"] == json(stopSequence))
    }

    @Test("finish reasons that mean the upstream failed are failures, never end_turn", arguments: [
        ("MALFORMED_FUNCTION_CALL", LESSLLM_E_UPSTREAM,
         "The upstream finished with finish_reason 'MALFORMED_FUNCTION_CALL', which means the answer is not complete."),
        ("insufficient_system_resource", LESSLLM_E_OVERLOADED,
         "The upstream stopped the answer for lack of resources (finish_reason insufficient_system_resource)."),
    ])
    func openAIFailingFinishReasons(finish: String, status: lessllm_status, message: String) throws {
        let output = try forAnthropicClient(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"\#(finish)"}]
            """#))
        #expect(output.events.isEmpty)
        #expect(output.failures.map(\.0) == [status])
        #expect(output.failures.first?.1 == message)
    }

    @Test("tool arguments that are not a JSON object fail the response with an upstream error naming the tool")
    func openAIBrokenArguments() throws {
        let output = try forAnthropicClient(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":1"}}]},"finish_reason":"tool_calls"}]
            """#))
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        #expect(output.failures.first?.1.hasPrefix("The upstream's arguments for tool 'f' are not valid JSON (") == true)
    }

    @Test("missing usage is estimated from the request, so it is never zero")
    func openAIMissingUsage() throws {
        let output = try forAnthropicClient(#"""
            {"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"abcdefgh"},"finish_reason":"stop"}]}
            """#)
        let messagesBytes = Self.anthropicClient["messages"]!.serialized().utf8.count
        #expect(output.json?["usage"] == json(#"""
            {"input_tokens":\#((messagesBytes + 3) / 4),"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}
            """#))
    }

    // MARK: - Anthropic upstream → OpenAI client

    @Test("text: chatcmpl- id, created from the exchange id, the client's model; prompt_tokens = input + cache read + cache write")
    func anthropicText() throws {
        let output = try forOpenAIClient(Self.message(
            content: #"[{"type":"text","text":"Hello"},{"type":"text","text":" there!"}]"#,
            usage: #"{"input_tokens":20,"cache_creation_input_tokens":30,"cache_read_input_tokens":100,"output_tokens":5}"#))
        #expect(output.status == 200)
        #expect(output.json == json(#"""
            {"id":"\#(Conversion.completionID)","object":"chat.completion","created":\#(Conversion.created),"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":150,"completion_tokens":5,"total_tokens":155,"prompt_tokens_details":{"cached_tokens":100}}}
            """#))
    }

    @Test("tool_use blocks → tool_calls with call_ ids and arguments strings; finish_reason tool_calls")
    func anthropicTools() throws {
        let output = try forOpenAIClient(Self.message(content: #"""
            [{"type":"text","text":"Let me check."},
             {"type":"tool_use","id":"toolu_01A","name":"weather","input":{"city":"Paris","days":[1,2]}},
             {"type":"tool_use","id":"toolu_01B","name":"time","input":{}}]
            """#, stopReason: "tool_use"))
        #expect(output.json?["choices"] == json(#"""
            [{"index":0,"message":{"role":"assistant","content":"Let me check.","tool_calls":[
              {"id":"call_toolu_01A","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}},
              {"id":"call_toolu_01B","type":"function","function":{"name":"time","arguments":"{}"}}]},
             "logprobs":null,"finish_reason":"tool_calls"}]
            """#))
        let toolsOnly = try forOpenAIClient(Self.message(content: #"[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]"#,
                                                         stopReason: "tool_use"))
        #expect(toolsOnly.json?["choices"]?[0]?["message"]?["content"] == .null)
    }

    @Test("thinking → reasoning_content with the signature untouched in reasoning_signature; redacted → reasoning_redacted")
    func anthropicThinking() throws {
        let signature = #"EqQBCkgIARABGAIiQL+/4fT0p9Gx\/==\u00e9"#
        let output = try forOpenAIClient(Self.message(content: #"""
            [{"type":"thinking","thinking":"Two and two.","signature":"\#(signature)"},
             {"type":"redacted_thinking","data":"ENCRYPTED=="},{"type":"text","text":"4"}]
            """#))
        #expect(output.json?["choices"]?[0]?["message"] == json(#"""
            {"role":"assistant","content":"4","reasoning_content":"Two and two.","reasoning_signature":"\#(signature)",
             "reasoning_redacted":["ENCRYPTED=="]}
            """#))
    }

    @Test("stop_reason → finish_reason", arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("pause_turn", "stop"), ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"), ("tool_use", "tool_calls"), ("refusal", "content_filter"),
    ])
    func anthropicStopReasons(stopReason: String, finishReason: String) throws {
        let output = try forOpenAIClient(Self.message(content: #"[{"type":"text","text":"x"}]"#, stopReason: stopReason))
        #expect(output.json?["choices"]?[0]?["finish_reason"] == .string(finishReason))
    }

    @Test("request ids and rate-limit headers reach the client, also under the OpenAI names")
    func anthropicHeaders() throws {
        let output = try forOpenAIClient(Self.message(content: #"[{"type":"text","text":"x"}]"#), headers: [
            ("Content-Type", "application/json"), ("request-id", "req_01"), ("anthropic-ratelimit-requests-remaining", "99"),
            ("anthropic-ratelimit-tokens-reset", "2026-01-01T00:00:00Z"), ("cf-ray", "abc"), ("content-length", "10"),
        ])
        #expect(output.headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "request-id: req_01", "anthropic-ratelimit-requests-remaining: 99",
            "anthropic-ratelimit-tokens-reset: 2026-01-01T00:00:00Z", "x-request-id: req_01",
            "x-ratelimit-remaining-requests: 99",
        ])
    }

    @Test("header names are matched in any case, forwarded lower-cased, each once")
    func headerNamesInAnyCase() throws {
        let output = try forOpenAIClient(Self.message(content: #"[{"type":"text","text":"x"}]"#), headers: [
            ("CONTENT-TYPE", "Application/JSON"), ("Request-Id", "req_02"), ("Retry-After", "3"),
            ("Retry-After-Ms", "3000"), ("X-Request-Id", "req_up"), ("Anthropic-RateLimit-Requests-Limit", "50"),
            ("Retry-After-Seconds", "no"), ("Request-Identity", "no"), ("request-id", "req_dup"),
        ])
        #expect(output.headers.map { "\($0.0): \($0.1)" } == [
            "content-type: application/json", "request-id: req_02", "retry-after: 3", "retry-after-ms: 3000",
            "x-request-id: req_up", "anthropic-ratelimit-requests-limit: 50", "x-ratelimit-limit-requests: 50",
        ])
    }

    @Test("a 2xx body that is not valid JSON fails with an upstream error quoting it")
    func malformedWholeBody() throws {
        let output = try forOpenAIClient(#"{"type":"message","content":["#)
        #expect(output.failures.map(\.0) == [LESSLLM_E_UPSTREAM])
        #expect(output.failures.first?.1.hasPrefix("The upstream's answer is not valid JSON (") == true)
        #expect(output.failures.first?.1.hasSuffix(#"): {"type":"message","content":["#) == true)
    }

    // MARK: - A streaming client, an upstream that answered with JSON

    @Test("an OpenAI upstream that ignores stream: true still gives an Anthropic streaming client a valid stream")
    func openAIWholeBodyReplayedAsStream() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: OpenAIStreamConversionTests.client, stream: true)
        context.feedBody(Self.completion(choices: #"""
            [{"index":0,"message":{"role":"assistant","reasoning_content":"Hmm.","content":"Calling.","tool_calls":[
             {"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}]
            """#, usage: #"{"prompt_tokens":12,"completion_tokens":3}"#))
        #expect(output.header("content-type") == "text/event-stream")
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: 12), AnthropicGolden.ping,
            AnthropicGolden.thinkingStart(0), AnthropicGolden.thinking(0, "Hmm."), AnthropicGolden.stop(0),
            AnthropicGolden.textStart(1), AnthropicGolden.text(1, "Calling."), AnthropicGolden.stop(1),
            AnthropicGolden.toolStart(2, id: "toolu_call_a", name: "f"), AnthropicGolden.inputJSON(2, #"{"x":1}"#), AnthropicGolden.stop(2),
            AnthropicGolden.messageDelta("tool_use", input: 12, output: 3), AnthropicGolden.messageStop,
        ])
        #expect(AnthropicStreamAccumulator.accumulate(output.parsed).problems.isEmpty)
    }

    @Test("an Anthropic upstream that answered with JSON still gives an OpenAI streaming client a valid stream")
    func anthropicWholeBodyReplayedAsStream() throws {
        let (context, output) = try Conversion.response(
            Conversion.anthropicToOpenAIResponse, clientRequest: AnthropicStreamConversionTests.withUsage, stream: true)
        context.feedBody(Self.message(content: #"""
            [{"type":"text","text":"Calling."},{"type":"tool_use","id":"toolu_1","name":"f","input":{"x":1}}]
            """#, stopReason: "tool_use"))
        #expect(output.header("content-type") == "text/event-stream")
        #expect(output.parsed == [
            OpenAIGolden.role, OpenAIGolden.content("Calling."),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":0,"id":"call_toolu_1","type":"function","function":{"name":"f","arguments":""}}]}"#),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}"#),
            OpenAIGolden.chunk("{}", finish: "tool_calls"), OpenAIGolden.usage(prompt: 12, completion: 3), OpenAIGolden.done,
        ])
    }
}

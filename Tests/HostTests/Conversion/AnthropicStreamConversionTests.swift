import JSONCore
import PluginABI
import Testing

@testable import Host

/// `response:anthropic.messages->openai.chat` on streams: Anthropic events → OpenAI chunks.
@Suite("Conversion: Anthropic stream → OpenAI")
struct AnthropicStreamConversionTests {
    static let withUsage = json(#"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#)
    static let withoutUsage = json(#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)

    static func run(_ events: [JSONValue], client: JSONValue = withUsage, splits: [Int] = []) throws -> RecordingDownstream {
        let (context, output) = try Conversion.response(Conversion.anthropicToOpenAIResponse, clientRequest: client, stream: true)
        context.feedUpstreamBytes(SSE.events(events), splits: splits)
        #expect(output.failures.isEmpty, "unexpected failure: \(output.failures)")
        return output
    }

    static let textStream: [JSONValue] = [
        AnthropicUpstream.messageStart(input: 25, cacheRead: 100), AnthropicUpstream.blockStart(0, #"{"type":"text","text":""}"#),
        AnthropicUpstream.ping, AnthropicUpstream.text(0, "Hello"), AnthropicUpstream.text(0, " world"),
        AnthropicUpstream.blockStop(0), AnthropicUpstream.messageDelta("end_turn", output: 12), AnthropicUpstream.messageStop,
    ]

    @Test("text with include_usage: role chunk first (PEER_BUGS #25), content, finish_reason, usage chunk, [DONE]")
    func textWithUsage() throws {
        let output = try Self.run(Self.textStream)
        #expect(output.status == 200)
        #expect(output.header("content-type") == "text/event-stream")
        #expect(output.parsed == [
            OpenAIGolden.role, OpenAIGolden.content("Hello"), OpenAIGolden.content(" world"),
            OpenAIGolden.chunk("{}", finish: "stop"), OpenAIGolden.usage(prompt: 125, completion: 12, cached: 100), OpenAIGolden.done,
        ])
        #expect(output.events.allSatisfy { $0.type.isEmpty })
        #expect(output.ends == [LESSLLM_OK])
    }

    @Test("without include_usage there is no usage chunk")
    func textWithoutUsage() throws {
        let output = try Self.run(Self.textStream, client: Self.withoutUsage)
        #expect(output.parsed == [
            OpenAIGolden.role, OpenAIGolden.content("Hello"), OpenAIGolden.content(" world"),
            OpenAIGolden.chunk("{}", finish: "stop"), OpenAIGolden.done,
        ])
    }

    @Test("the first chunk carries role assistant even when the upstream starts straight with a block (PEER_BUGS #25)")
    func peerBug25_firstChunkHasRole() throws {
        let (context, output) = try Conversion.response(Conversion.anthropicToOpenAIResponse, clientRequest: Self.withUsage, stream: true)
        context.feedHead()
        context.feedEvents(SSE.events([AnthropicUpstream.messageStart()]))
        #expect(output.parsed == [OpenAIGolden.role])
        context.feedEvents(SSE.events([AnthropicUpstream.blockStart(0, #"{"type":"text","text":""}"#), AnthropicUpstream.text(0, "Hi")]))
        #expect(output.parsed == [OpenAIGolden.role, OpenAIGolden.content("Hi")])
    }

    @Test("two tool_use blocks → tool_calls with index 0 and 1, id and name once each, then their fragments (PEER_BUGS #23)")
    func peerBug23_twoToolUseBlocks() throws {
        let output = try Self.run([
            AnthropicUpstream.messageStart(),
            AnthropicUpstream.blockStart(0, #"{"type":"text","text":""}"#), AnthropicUpstream.text(0, "Both."), AnthropicUpstream.blockStop(0),
            AnthropicUpstream.blockStart(1, #"{"type":"tool_use","id":"toolu_01A","name":"weather","input":{}}"#),
            AnthropicUpstream.delta(1, #"{"type":"input_json_delta","partial_json":""}"#),
            AnthropicUpstream.delta(1, #"{"type":"input_json_delta","partial_json":"{\"city\":"}"#),
            AnthropicUpstream.delta(1, #"{"type":"input_json_delta","partial_json":"\"Paris\"}"}"#), AnthropicUpstream.blockStop(1),
            AnthropicUpstream.blockStart(2, #"{"type":"tool_use","id":"toolu_01B","name":"time","input":{}}"#),
            AnthropicUpstream.delta(2, #"{"type":"input_json_delta","partial_json":"{\"tz\":\"UTC\"}"}"#), AnthropicUpstream.blockStop(2),
            AnthropicUpstream.messageDelta("tool_use", output: 40), AnthropicUpstream.messageStop,
        ], client: Self.withoutUsage)
        #expect(output.parsed == [
            OpenAIGolden.role, OpenAIGolden.content("Both."),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":0,"id":"call_toolu_01A","type":"function","function":{"name":"weather","arguments":""}}]}"#),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"#),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"#),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":1,"id":"call_toolu_01B","type":"function","function":{"name":"time","arguments":""}}]}"#),
            OpenAIGolden.chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":"{\"tz\":\"UTC\"}"}}]}"#),
            OpenAIGolden.chunk("{}", finish: "tool_calls"), OpenAIGolden.done,
        ])
    }

    @Test("thinking → reasoning_content deltas, the signature whole in reasoning_signature; redacted → reasoning_redacted")
    func thinking() throws {
        let signature = "EqQBCkgIARABGAIiQL+/4fT0p9Gx/=="
        let output = try Self.run([
            AnthropicUpstream.messageStart(),
            AnthropicUpstream.blockStart(0, #"{"type":"thinking","thinking":"","signature":""}"#),
            AnthropicUpstream.delta(0, #"{"type":"thinking_delta","thinking":"Two and"}"#),
            AnthropicUpstream.delta(0, #"{"type":"thinking_delta","thinking":" two."}"#),
            AnthropicUpstream.delta(0, #"{"type":"signature_delta","signature":"\#(signature)"}"#), AnthropicUpstream.blockStop(0),
            AnthropicUpstream.blockStart(1, #"{"type":"redacted_thinking","data":"ENCRYPTED=="}"#), AnthropicUpstream.blockStop(1),
            AnthropicUpstream.blockStart(2, #"{"type":"text","text":""}"#), AnthropicUpstream.text(2, "4"), AnthropicUpstream.blockStop(2),
            AnthropicUpstream.messageDelta("end_turn", output: 30), AnthropicUpstream.messageStop,
        ], client: Self.withoutUsage)
        #expect(output.parsed == [
            OpenAIGolden.role, OpenAIGolden.chunk(#"{"reasoning_content":"Two and"}"#), OpenAIGolden.chunk(#"{"reasoning_content":" two."}"#),
            OpenAIGolden.chunk(#"{"reasoning_signature":"\#(signature)"}"#), OpenAIGolden.chunk(#"{"reasoning_redacted":["ENCRYPTED=="]}"#),
            OpenAIGolden.content("4"), OpenAIGolden.chunk("{}", finish: "stop"), OpenAIGolden.done,
        ])
    }

    @Test("stop reasons map to finish reasons; usage from message_delta includes late input and cache counts")
    func stopReasonAndLateUsage() throws {
        let output = try Self.run([
            AnthropicUpstream.messageStart(input: 0),
            AnthropicUpstream.blockStart(0, #"{"type":"text","text":""}"#), AnthropicUpstream.text(0, "abc"), AnthropicUpstream.blockStop(0),
            json(#"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":7,"cache_creation_input_tokens":3,"cache_read_input_tokens":2,"output_tokens":5}}"#),
            AnthropicUpstream.messageStop,
        ])
        #expect(output.parsed.suffix(3) == [
            OpenAIGolden.chunk("{}", finish: "length"), OpenAIGolden.usage(prompt: 12, completion: 5, cached: 2), OpenAIGolden.done])
    }

    @Test("ping, unknown events and server-tool blocks produce nothing")
    func ignoredEvents() throws {
        let output = try Self.run([
            AnthropicUpstream.messageStart(), AnthropicUpstream.ping, json(#"{"type":"future_event","x":1}"#),
            AnthropicUpstream.blockStart(0, #"{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}"#),
            AnthropicUpstream.delta(0, #"{"type":"input_json_delta","partial_json":"{\"query\":\"x\"}"}"#), AnthropicUpstream.blockStop(0),
            AnthropicUpstream.blockStart(1, #"{"type":"text","text":""}"#), AnthropicUpstream.text(1, "Found."), AnthropicUpstream.blockStop(1),
            AnthropicUpstream.ping, AnthropicUpstream.messageDelta("end_turn", output: 3), AnthropicUpstream.messageStop,
        ], client: Self.withoutUsage)
        #expect(output.parsed == [OpenAIGolden.role, OpenAIGolden.content("Found."), OpenAIGolden.chunk("{}", finish: "stop"), OpenAIGolden.done])
    }

    @Test("the same upstream bytes split at arbitrary points convert to the same chunks", arguments: [1, 5, 17, 100])
    func arbitrarySplits(step: Int) throws {
        let total = SSE.events(Self.textStream).utf8.count
        let whole = try Self.run(Self.textStream)
        let split = try Self.run(Self.textStream, splits: Array(stride(from: step, to: total, by: step)))
        #expect(split.parsed == whole.parsed)
        #expect(split.events.count == 6)
    }

    @Test("each upstream event is converted the moment it arrives")
    func convertsEventByEvent() throws {
        let (context, output) = try Conversion.response(Conversion.anthropicToOpenAIResponse, clientRequest: Self.withUsage, stream: true)
        context.feedHead()
        context.feedEvents(SSE.events(Array(Self.textStream.prefix(4))))
        #expect(output.parsed == [OpenAIGolden.role, OpenAIGolden.content("Hello")])
        context.feedEvents(SSE.events([Self.textStream[6]]))
        #expect(output.parsed.last == OpenAIGolden.chunk("{}", finish: "stop"))
        #expect(output.ends.isEmpty)
    }
}

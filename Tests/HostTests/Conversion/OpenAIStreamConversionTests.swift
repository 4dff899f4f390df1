import JSONCore
import PluginABI
import Testing

@testable import Host

/// `response:openai.chat->anthropic.messages` on streams: OpenAI chunks → Anthropic events.
@Suite("Conversion: OpenAI stream → Anthropic")
struct OpenAIStreamConversionTests {
    static let client = json(#"{"model":"claude-sonnet-4","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"#)
    /// The input estimate for `client`: its `messages` bytes / 4, rounded up.
    static let estimate = (client["messages"]!.serialized().utf8.count + 3) / 4

    /// One upstream chunk with a choice delta.
    static func chunk(_ delta: String, finish: String? = nil) -> String {
        #"{"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
    }

    static func toolDelta(_ index: Int, id: String? = nil, name: String? = nil, arguments: String) -> String {
        let head = id.map { #""id":"\#($0)","type":"function","# } ?? ""
        let fn = name.map { #""name":"\#($0)","# } ?? ""
        return chunk(#"{"tool_calls":[{"index":\#(index),\#(head)"function":{\#(fn)"arguments":\#(JSONString.quoted(arguments))}}]}"#)
    }

    static func usage(prompt: Int, completion: Int, cached: Int? = nil) -> String {
        let details = cached.map { #","prompt_tokens_details":{"cached_tokens":\#($0)}"# } ?? ""
        return #"{"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"total_tokens":\#(prompt + completion)\#(details)}}"#
    }

    /// Runs a whole upstream stream through the converter, split into transport chunks at `splits`.
    static func run(_ chunks: [String], splits: [Int] = [], client: JSONValue = client) throws -> RecordingDownstream {
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: client, stream: true)
        context.feedUpstreamBytes(SSE.data(chunks), splits: splits)
        #expect(output.failures.isEmpty, "unexpected failure: \(output.failures)")
        let checked = AnthropicStreamAccumulator.accumulate(output.parsed)
        #expect(checked.problems.isEmpty, "the Anthropic SDK would reject this stream: \(checked.problems)")
        return output
    }

    @Test("text: message_start (estimated input), ping, one text block, message_delta with the real usage, message_stop")
    func text() throws {
        let output = try Self.run([
            Self.chunk(#"{"role":"assistant","content":""}"#), Self.chunk(#"{"content":"Hel"}"#), Self.chunk(#"{"content":"lo"}"#),
            Self.chunk("{}", finish: "stop"), Self.usage(prompt: 10, completion: 2), "[DONE]",
        ])
        #expect(output.status == 200)
        #expect(output.header("content-type") == "text/event-stream")
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping, AnthropicGolden.textStart(0),
            AnthropicGolden.text(0, "Hel"), AnthropicGolden.text(0, "lo"), AnthropicGolden.stop(0),
            AnthropicGolden.messageDelta("end_turn", input: 10, output: 2), AnthropicGolden.messageStop,
        ])
        #expect(output.ends == [LESSLLM_OK])
    }

    @Test("reasoning (reasoning_content or reasoning) → a thinking block before the text block", arguments: ["reasoning_content", "reasoning"])
    func thinking(field: String) throws {
        let output = try Self.run([
            Self.chunk(#"{"role":"assistant","\#(field)":"Let me"}"#), Self.chunk(#"{"\#(field)":" think."}"#),
            Self.chunk(#"{"content":"Four."}"#), Self.chunk("{}", finish: "stop"), Self.usage(prompt: 10, completion: 9), "[DONE]",
        ])
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
            AnthropicGolden.thinkingStart(0), AnthropicGolden.thinking(0, "Let me"), AnthropicGolden.thinking(0, " think."),
            AnthropicGolden.stop(0), AnthropicGolden.textStart(1), AnthropicGolden.text(1, "Four."), AnthropicGolden.stop(1),
            AnthropicGolden.messageDelta("end_turn", input: 10, output: 9), AnthropicGolden.messageStop,
        ])
    }

    @Test("a signature in our reasoning_signature extension closes the thinking block as a signature_delta")
    func thinkingSignature() throws {
        let output = try Self.run([
            Self.chunk(#"{"reasoning_content":"Hmm."}"#), Self.chunk(#"{"reasoning_signature":"c2ln+/=="}"#),
            Self.chunk(#"{"content":"Yes."}"#, finish: "stop"), "[DONE]",
        ])
        #expect(Array(output.parsed[2...5]) == [
            AnthropicGolden.thinkingStart(0), AnthropicGolden.thinking(0, "Hmm."), AnthropicGolden.signature(0, "c2ln+/=="),
            AnthropicGolden.stop(0),
        ])
    }

    @Test("a tool call whose arguments come in N pieces streams them as input_json_delta fragments (PEER_BUGS #1)")
    func peerBug01_toolArgumentsStreamAsInputJSONDelta() throws {
        let pieces = [#"{"ci"#, #"ty": "Pa"#, #"ris", "u"#, #"nits": "°C"}"#]
        let output = try Self.run([Self.toolDelta(0, id: "call_1", name: "get_weather", arguments: "")]
            + pieces.map { Self.toolDelta(0, arguments: $0) }
            + [Self.chunk("{}", finish: "tool_calls"), Self.usage(prompt: 30, completion: 12), "[DONE]"])
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
            AnthropicGolden.toolStart(0, id: "toolu_call_1", name: "get_weather"),
        ] + pieces.map { AnthropicGolden.inputJSON(0, $0) } + [
            AnthropicGolden.stop(0), AnthropicGolden.messageDelta("tool_use", input: 30, output: 12), AnthropicGolden.messageStop,
        ])
        let fragments = output.parsed.compactMap { $0.data["delta"]?["partial_json"]?.stringValue }.joined()
        #expect(fragments == pieces.joined())
        #expect(try JSONValue(parsing: fragments) == json(#"{"city":"Paris","units":"°C"}"#))
    }

    @Test("arguments that arrive whole in the final chunk still reach the client (PEER_BUGS #2)", arguments: [true, false])
    func peerBug02_argumentsOnlyInFinalChunk(withFinishReason: Bool) throws {
        let whole = #"{"path":"/tmp/a.txt","lines":[1,2]}"#
        let last = withFinishReason
            ? Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":\#(JSONString.quoted(whole))}}]}"#, finish: "tool_calls")
            : Self.toolDelta(0, arguments: whole)
        let output = try Self.run([Self.toolDelta(0, id: "call_r", name: "read_file", arguments: ""), last]
            + (withFinishReason ? [] : [Self.chunk("{}", finish: "tool_calls")]) + ["[DONE]"])
        #expect(Array(output.parsed[2...4]) == [
            AnthropicGolden.toolStart(0, id: "toolu_call_r", name: "read_file"), AnthropicGolden.inputJSON(0, whole),
            AnthropicGolden.stop(0),
        ])
        let message = try #require(AnthropicStreamAccumulator.accumulate(output.parsed).message)
        #expect(message["content"]?[0]?["input"] == json(whole))
        #expect(message["stop_reason"] == "tool_use")
    }

    @Test("two parallel tool calls with interleaved deltas become two non-overlapping blocks, in order (PEER_BUGS #18)")
    func peerBug18_twoInterleavedToolCalls() throws {
        let output = try Self.run([
            Self.toolDelta(0, id: "call_a", name: "weather", arguments: ""),
            Self.toolDelta(1, id: "call_b", name: "time", arguments: ""),
            Self.toolDelta(0, arguments: #"{"city":"#), Self.toolDelta(1, arguments: #"{"tz":"#),
            Self.toolDelta(0, arguments: #""Paris"}"#), Self.toolDelta(1, arguments: #""UTC"}"#),
            Self.chunk("{}", finish: "tool_calls"), Self.usage(prompt: 40, completion: 20), "[DONE]",
        ])
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
            AnthropicGolden.toolStart(0, id: "toolu_call_a", name: "weather"),
            AnthropicGolden.inputJSON(0, #"{"city":"#), AnthropicGolden.inputJSON(0, #""Paris"}"#), AnthropicGolden.stop(0),
            AnthropicGolden.toolStart(1, id: "toolu_call_b", name: "time"),
            AnthropicGolden.inputJSON(1, #"{"tz":"#), AnthropicGolden.inputJSON(1, #""UTC"}"#), AnthropicGolden.stop(1),
            AnthropicGolden.messageDelta("tool_use", input: 40, output: 20), AnthropicGolden.messageStop,
        ])
    }

    @Test("three parallel tool calls interleaved round-robin keep their own arguments (PEER_BUGS #18)")
    func peerBug18_threeInterleavedToolCalls() throws {
        let output = try Self.run([
            Self.toolDelta(0, id: "call_1", name: "a", arguments: #"{"n":"#),
            Self.toolDelta(1, id: "call_2", name: "b", arguments: #"{"n":"#),
            Self.toolDelta(2, id: "call_3", name: "c", arguments: #"{"n":"#),
            Self.toolDelta(2, arguments: "3}"), Self.toolDelta(1, arguments: "2}"), Self.toolDelta(0, arguments: "1}"),
            Self.chunk("{}", finish: "tool_calls"), "[DONE]",
        ])
        let message = try #require(AnthropicStreamAccumulator.accumulate(output.parsed).message)
        #expect(message["content"] == json(#"""
            [{"type":"tool_use","id":"toolu_call_1","name":"a","input":{"n":1}},
             {"type":"tool_use","id":"toolu_call_2","name":"b","input":{"n":2}},
             {"type":"tool_use","id":"toolu_call_3","name":"c","input":{"n":3}}]
            """#))
        #expect(output.parsed.map(\.type).filter { $0.hasPrefix("content_block_st") } == [
            "content_block_start", "content_block_stop", "content_block_start", "content_block_stop",
            "content_block_start", "content_block_stop"])
    }

    @Test("sequential tool calls stream live: each block closes as soon as its arguments are whole")
    func sequentialToolCallsStreamLive() throws {
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: Self.client, stream: true)
        context.feedHead()
        context.feedEvents(SSE.data([Self.toolDelta(0, id: "call_a", name: "a", arguments: #"{"x":1}"#)]))
        #expect(output.parsed.suffix(3) == [AnthropicGolden.toolStart(0, id: "toolu_call_a", name: "a"),
                                            AnthropicGolden.inputJSON(0, #"{"x":1}"#), AnthropicGolden.stop(0)])
        context.feedEvents(SSE.data([Self.toolDelta(1, id: "call_b", name: "b", arguments: #"{"y""#)]))
        #expect(output.parsed.suffix(2) == [AnthropicGolden.toolStart(1, id: "toolu_call_b", name: "b"),
                                            AnthropicGolden.inputJSON(1, #"{"y""#)])
    }

    @Test("usage in a trailing chunk with empty choices after finish_reason reaches message_delta (PEER_BUGS #10)")
    func peerBug10_trailingUsageChunk() throws {
        let output = try Self.run([
            Self.chunk(#"{"content":"Hi"}"#), Self.chunk("{}", finish: "stop"),
            Self.usage(prompt: 2_500, completion: 7, cached: 2_455), "[DONE]",
        ])
        #expect(output.parsed.suffix(2) == [
            AnthropicGolden.messageDelta("end_turn", input: 45, output: 7, cacheRead: 2_455), AnthropicGolden.messageStop])
    }

    @Test("reasoning, text and tool calls in one stream: thinking, text, tool_use blocks in order")
    func reasoningTextAndTools() throws {
        let output = try Self.run([
            Self.chunk(#"{"role":"assistant","reasoning_content":"Need the weather."}"#),
            Self.chunk(#"{"content":"Checking"}"#), Self.chunk(#"{"content":" now."}"#),
            Self.toolDelta(0, id: "call_w", name: "weather", arguments: #"{"city""#),
            Self.toolDelta(0, arguments: #":"Oslo"}"#),
            Self.chunk("{}", finish: "tool_calls"), Self.usage(prompt: 50, completion: 25, cached: 10), "[DONE]",
        ])
        #expect(output.parsed == [
            AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
            AnthropicGolden.thinkingStart(0), AnthropicGolden.thinking(0, "Need the weather."), AnthropicGolden.stop(0),
            AnthropicGolden.textStart(1), AnthropicGolden.text(1, "Checking"), AnthropicGolden.text(1, " now."), AnthropicGolden.stop(1),
            AnthropicGolden.toolStart(2, id: "toolu_call_w", name: "weather"), AnthropicGolden.inputJSON(2, #"{"city""#),
            AnthropicGolden.inputJSON(2, #":"Oslo"}"#), AnthropicGolden.stop(2),
            AnthropicGolden.messageDelta("tool_use", input: 40, output: 25, cacheRead: 10), AnthropicGolden.messageStop,
        ])
    }

    @Test("the same upstream bytes split at arbitrary points convert to the same events", arguments: [1, 2, 3, 7, 13, 64, 500])
    func arbitrarySplits(step: Int) throws {
        let chunks = [
            Self.chunk(#"{"role":"assistant","reasoning_content":"Hmm — ünïcödé 🤔"}"#), Self.chunk(#"{"content":"Text"}"#),
            Self.toolDelta(0, id: "call_1", name: "a", arguments: #"{"k":"#), Self.toolDelta(1, id: "call_2", name: "b", arguments: "{}"),
            Self.toolDelta(0, arguments: #""v"}"#), Self.chunk("{}", finish: "tool_calls"), Self.usage(prompt: 9, completion: 9), "[DONE]",
        ]
        let whole = try Self.run(chunks)
        let total = SSE.data(chunks).utf8.count
        let split = try Self.run(chunks, splits: Array(stride(from: step, to: total, by: step)))
        #expect(split.parsed == whole.parsed)
        #expect(split.events.count == 17)
    }

    @Test("each upstream event is converted the moment it arrives")
    func convertsEventByEvent() throws {
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: Self.client, stream: true)
        context.feedHead()
        #expect(output.status == 200 && output.events.isEmpty)
        context.feedEvents(SSE.data([Self.chunk(#"{"role":"assistant","content":"First"}"#)]))
        #expect(output.parsed == [AnthropicGolden.messageStart(input: Self.estimate), AnthropicGolden.ping,
                                  AnthropicGolden.textStart(0), AnthropicGolden.text(0, "First")])
        context.feedEvents(SSE.data([Self.chunk(#"{"content":" second"}"#)]))
        #expect(output.parsed.last == AnthropicGolden.text(0, " second"))
        context.feedEvents(SSE.data([Self.chunk("{}", finish: "stop")]))
        #expect(output.parsed.last == AnthropicGolden.stop(0))  // message_delta waits for the usage and [DONE]
        context.feedEvents(SSE.data(["[DONE]"]))
        #expect(output.parsed.suffix(2).map(\.type) == ["message_delta", "message_stop"])
        #expect(output.ends.isEmpty)
    }

    @Test("message_start's input estimate is never 0 and counts every kind of block (PEER_BUGS #13)")
    func peerBug13_inputEstimateCountsEveryBlockKind() throws {
        let big = json(#"""
            {"model":"claude-sonnet-4","max_tokens":100,"stream":true,"system":"You are a careful assistant.",
             "tools":[{"name":"read","description":"Read a file","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],
             "messages":[{"role":"user","content":"Read a.txt"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"I should read the file first.","signature":"s"},
               {"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a.txt"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"hello world"},
               {"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(String(repeating: "QUFB", count: 400))"}}]}]}
            """#)
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: big, stream: true)
        context.feedHead()
        context.feedEvents(SSE.data([Self.chunk(#"{"content":"ok"}"#)]))
        let image = #""\#(String(repeating: "QUFB", count: 400))""#
        let counted = ["system", "tools", "messages"].map { big[$0]!.serialized().utf8.count }.reduce(0, +) - image.utf8.count
        #expect(output.parsed.first == AnthropicGolden.messageStart(input: (counted + 3) / 4 + 1_600))
    }

    @Test("the input estimate leaves out only long base64 strings; escapes, long text and short base64 count as text")
    func inputEstimateFindsAttachmentsByTheirBytes() throws {
        let base64 = String(repeating: "QUFB", count: 300)
        // Written as raw JSON text: the body reaches the converter as these bytes (an escaped slash `\/` included).
        let system = #"[{"type":"text","text":"\#(String(repeating: "plain text ", count: 120))"}]"#
        let messages = #"""
            [{"role":"user","content":[
             {"type":"text","text":"a quote \" a backslash \\ then the end"},
             {"type":"text","text":"both \\\" and a pair \\\\"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(base64)"}},
             {"type":"document","source":{"type":"base64","media_type":"application/pdf",
              "data":"\#(String(repeating: #"ab\/"#, count: 400))"}},
             {"type":"text","text":"\#(base64)\n"},
             {"type":"text","text":"\#(String(repeating: "QUFB", count: 200))"},
             {"type":"text","text":"ends with a backslash pair \\\\"}]}]
            """#
        let body = #"{"model":"claude-sonnet-4","max_tokens":100,"stream":true,"system":\#(system),"messages":\#(messages)}"#
        let (context, output, _) = try Conversion.harness().open(
            op: Conversion.openAIToAnthropicResponse, body: body, model: "upstream-model", stream: true)
        context.feedHead()
        context.feedEvents(SSE.data([Self.chunk(#"{"content":"ok"}"#)]))
        // The image and the document are the attachments; everything else counts at 4 bytes a token.
        let (counted, attachments) = Self.referenceEstimate([system, messages].map { Array($0.utf8) })
        #expect(attachments == 2)
        let attachmentBytes = (base64.utf8.count + 2) + (1_600 + 2)  // with their quotes
        #expect(counted == system.utf8.count + messages.utf8.count - attachmentBytes)
        #expect(output.parsed.first == AnthropicGolden.messageStart(input: (counted + 3) / 4 + 2 * 1_600))

        // Random strings around the attachment length: base64 (with escaped slashes), base64 with one other piece
        // somewhere (an escape, a space, a non-ASCII letter), and text of every piece.
        var random = SystemRandomNumberGenerator()
        let base64Pieces = ["QUFB", "ab+/", "==", #"\/"#]
        let otherPieces = [#"\""#, #"\\"#, #"\n"#, " ", "é", "x-"]
        for _ in 0..<60 {
            let strings = (0..<4).map { _ in
                var pieces = (0..<Int.random(in: 300...400, using: &random)).map { _ in
                    base64Pieces.randomElement(using: &random)!
                }
                switch Int.random(in: 0..<3, using: &random) {
                case 0: break
                case 1: pieces[Int.random(in: 0..<pieces.count, using: &random)] = otherPieces.randomElement(using: &random)!
                default: pieces = pieces.map { _ in (base64Pieces + otherPieces).randomElement(using: &random)! }
                }
                return pieces.joined()
            }
            let messages = "[" + strings.map { #"{"role":"user","content":"\#($0)"}"# }.joined(separator: ",") + "]"
            let body = #"{"model":"claude-sonnet-4","max_tokens":100,"stream":true,"messages":\#(messages)}"#
            let (context, output, _) = try Conversion.harness().open(
                op: Conversion.openAIToAnthropicResponse, body: body, model: "upstream-model", stream: true)
            context.feedHead()
            context.feedEvents(SSE.data([Self.chunk(#"{"content":"ok"}"#)]))
            let (counted, attachments) = Self.referenceEstimate([Array(messages.utf8)])
            #expect(output.parsed.first == AnthropicGolden.messageStart(input: (counted + 3) / 4 + attachments * 1_600),
                    "\(messages)")
        }
    }

    /// The estimator's rule, walked byte by byte: (bytes counted as text, attachments) over JSON texts.
    static func referenceEstimate(_ texts: [[UInt8]]) -> (counted: Int, attachments: Int) {
        let base64 = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        var counted = 0
        var attachments = 0
        for text in texts {
            var index = 0
            while index < text.count {
                guard text[index] == UInt8(ascii: "\"") else { counted += 1; index += 1; continue }
                let start = index
                var isBase64 = true
                index += 1
                while index < text.count, text[index] != UInt8(ascii: "\"") {
                    if text[index] == UInt8(ascii: "\\") {
                        if index + 1 >= text.count || text[index + 1] != UInt8(ascii: "/") { isBase64 = false }
                        index += 2
                    } else {
                        if !base64.contains(text[index]) { isBase64 = false }
                        index += 1
                    }
                }
                index += 1
                let length = min(index, text.count) - start
                if isBase64 && length >= 1024 { attachments += 1 } else { counted += length }
            }
        }
        return (counted, attachments)
    }

    @Test("usage the upstream never sent is estimated for message_delta, never left at 0")
    func missingUsageIsEstimated() throws {
        let output = try Self.run([Self.chunk(#"{"content":"abcdefghij"}"#, finish: "stop"), "[DONE]"])
        #expect(output.parsed.suffix(2).first == AnthropicGolden.messageDelta("end_turn", input: Self.estimate, output: 3))
    }

    @Test("finish_reason length → max_tokens; a vLLM stop_reason naming a requested sequence → stop_sequence")
    func stopReasons() throws {
        let length = try Self.run([Self.chunk(#"{"content":"abc"}"#, finish: "length"), "[DONE]"])
        #expect(length.parsed.suffix(2).first?.data["delta"] == json(#"{"stop_reason":"max_tokens","stop_sequence":null}"#))
        let client = json(#"{"model":"claude-sonnet-4","max_tokens":100,"stream":true,"stop_sequences":["END"],"messages":[{"role":"user","content":"Hi"}]}"#)
        let sequence = try Self.run([
            #"{"choices":[{"index":0,"delta":{"content":"abc"},"finish_reason":"stop","stop_reason":"END"}]}"#, "[DONE]",
        ], client: client)
        #expect(sequence.parsed.suffix(2).first?.data["delta"] == json(#"{"stop_reason":"stop_sequence","stop_sequence":"END"}"#))
    }
}

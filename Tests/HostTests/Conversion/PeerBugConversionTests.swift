import JSONCore
import PluginABI
import Testing

@testable import Host

/// The conversion rows of PEER_BUGS.md that are not covered next to their mapping (see also peerBug01, 02, 10, 13,
/// 18, 19, 23, 24 and 25 in the stream, SDK and error suites).
@Suite("Conversion: peer gateway bugs")
struct PeerBugConversionTests {
    @Test("the stream checker used by every stream test catches what the Anthropic SDK would reject (PEER_BUGS #3)")
    func peerBug03_streamCheckerCatchesBadOrderAndIndices() throws {
        let start = AnthropicGolden.messageStart(input: 1)
        let end = [AnthropicGolden.messageDelta("end_turn", input: 1, output: 1), AnthropicGolden.messageStop]
        let good = [start, AnthropicGolden.textStart(0), AnthropicGolden.text(0, "a"), AnthropicGolden.stop(0)] + end
        #expect(AnthropicStreamAccumulator.accumulate(good).problems.isEmpty)
        let broken: [[Emitted]] = [
            [AnthropicGolden.textStart(0)] + end,                                                        // before message_start
            [start, AnthropicGolden.textStart(1), AnthropicGolden.stop(1)] + end,                         // unknown index
            [start, AnthropicGolden.textStart(0), AnthropicGolden.textStart(1), AnthropicGolden.stop(1)] + end,  // overlap
            [start, AnthropicGolden.textStart(0), AnthropicGolden.inputJSON(0, "{}"), AnthropicGolden.stop(0)] + end,
            [start, AnthropicGolden.textStart(0)] + end,                                                  // never stopped
            [start, AnthropicGolden.textStart(0), AnthropicGolden.stop(0)],                               // no message_stop
        ]
        for events in broken { #expect(!AnthropicStreamAccumulator.accumulate(events).problems.isEmpty, "\(events)") }
    }

    @Test("the same usage converts to the same counts streamed and whole, both ways (PEER_BUGS #5)")
    func peerBug05_sameUsageStreamedAndWhole() throws {
        let openAIUsage = #"{"prompt_tokens":2500,"completion_tokens":40,"total_tokens":2540,"prompt_tokens_details":{"cached_tokens":2455}}"#
        let (wholeContext, whole) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: false)
        wholeContext.feedBody(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":\#(openAIUsage)}"#)
        let streamed = try OpenAIStreamConversionTests.run([
            OpenAIStreamConversionTests.chunk(#"{"content":"x"}"#, finish: "stop"),
            #"{"choices":[],"usage":\#(openAIUsage)}"#, "[DONE]"])
        #expect(whole.json?["usage"] == json(#"{"input_tokens":45,"cache_creation_input_tokens":0,"cache_read_input_tokens":2455,"output_tokens":40}"#))
        #expect(streamed.parsed.suffix(2).first?.data["usage"] == whole.json?["usage"])

        let anthropicUsage = #"{"input_tokens":6,"cache_creation_input_tokens":159217,"cache_read_input_tokens":0,"output_tokens":2745}"#
        let (context, wholeOpenAI) = try Conversion.response(
            Conversion.anthropicToOpenAIResponse, clientRequest: ResponseConversionTests.openAIClient, stream: false)
        context.feedBody(#"{"type":"message","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn","usage":\#(anthropicUsage)}"#)
        let streamedOpenAI = try AnthropicStreamConversionTests.run([
            AnthropicUpstream.messageStart(input: 6), AnthropicUpstream.blockStart(0, #"{"type":"text","text":""}"#),
            AnthropicUpstream.text(0, "x"), AnthropicUpstream.blockStop(0),
            json(#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":\#(anthropicUsage)}"#), AnthropicUpstream.messageStop])
        #expect(wholeOpenAI.json?["usage"] == json(#"""
            {"prompt_tokens":159223,"completion_tokens":2745,"total_tokens":161968,"prompt_tokens_details":{"cached_tokens":0}}
            """#))
        #expect(streamedOpenAI.parsed.suffix(2).first?.data["usage"] == wholeOpenAI.json?["usage"])
    }

    @Test("a thinking signature survives the tool loop byte for byte, whole and streamed (PEER_BUGS #8)", arguments: [false, true])
    func peerBug08_signatureSurvivesToolLoop(streamed: Bool) throws {
        // Characters a re-serialiser likes to change: escaped slashes, +, =, non-ASCII, U+2028.
        let signature = "ErUBCkYIBRgCIkD+/x/9\u{2028}é=="
        let thinking = "The user wants Paris weather."
        let assistant: JSONValue
        if streamed {
            let output = try AnthropicStreamConversionTests.run([
                AnthropicUpstream.messageStart(),
                AnthropicUpstream.blockStart(0, #"{"type":"thinking","thinking":"","signature":""}"#),
                AnthropicUpstream.delta(0, #"{"type":"thinking_delta","thinking":\#(JSONString.quoted(thinking))}"#),
                AnthropicUpstream.delta(0, #"{"type":"signature_delta","signature":\#(JSONString.quoted(signature))}"#),
                AnthropicUpstream.blockStop(0),
                AnthropicUpstream.blockStart(1, #"{"type":"tool_use","id":"toolu_01X","name":"get_weather","input":{}}"#),
                AnthropicUpstream.delta(1, #"{"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"}"#),
                AnthropicUpstream.blockStop(1), AnthropicUpstream.messageDelta("tool_use", output: 9), AnthropicUpstream.messageStop,
            ])
            assistant = Self.accumulateOpenAIStream(output.parsed)
        } else {
            let (context, output) = try Conversion.response(
                Conversion.anthropicToOpenAIResponse, clientRequest: ResponseConversionTests.openAIClient, stream: false)
            context.feedBody(#"""
                {"type":"message","role":"assistant","content":[{"type":"thinking","thinking":\#(JSONString.quoted(thinking)),"signature":\#(JSONString.quoted(signature))},
                 {"type":"tool_use","id":"toolu_01X","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use",
                 "usage":{"input_tokens":5,"output_tokens":9}}
                """#)
            assistant = try #require(output.json?["choices"]?[0]?["message"])
        }
        #expect(assistant["reasoning_signature"] == .string(signature))

        // The client sends the conversation back as OpenAI SDKs do: the assistant message as received, then the result.
        let nextTurn: JSONValue = ["model": "gpt-4o", "messages": [
            ["role": "user", "content": "Weather in Paris?"], assistant,
            ["role": "tool", "tool_call_id": assistant["tool_calls"]?[0]?["id"] ?? nil, "content": "18C"]]]
        let upstream = try Conversion.request(Conversion.openAIToAnthropicRequest, nextTurn)
        #expect(upstream["messages"]?[1] == json(#"""
            {"role":"assistant","content":[{"type":"thinking","thinking":\#(JSONString.quoted(thinking)),"signature":\#(JSONString.quoted(signature))},
             {"type":"tool_use","id":"toolu_01X","name":"get_weather","input":{"city":"Paris"}}]}
            """#))
        #expect(upstream["messages"]?[1]?["content"]?[0]?["signature"]?.isIdentical(to: .string(signature)) == true)
        #expect(upstream["messages"]?[2] == json(#"{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01X","content":"18C"}]}"#))
    }

    /// Folds OpenAI chunks into a message the way the OpenAI SDK's `accumulate_delta` does: strings concatenate,
    /// tool calls merge by index.
    private static func accumulateOpenAIStream(_ chunks: [Emitted]) -> JSONValue {
        var message = JSONObject()
        var calls: [JSONObject] = []
        for chunk in chunks {
            guard let delta = chunk.data["choices"]?[0]?["delta"]?.objectValue else { continue }
            for member in delta where member.key != "tool_calls" {
                if let text = member.value.stringValue, let existing = message[member.key]?.stringValue {
                    message[member.key] = .string(existing + text)
                } else {
                    message[member.key] = member.value
                }
            }
            for call in delta["tool_calls"]?.arrayValue ?? [] {
                let index = call["index"]?.intValue ?? 0
                if index == calls.count {
                    var fresh = call.objectValue ?? [:]
                    fresh["index"] = nil
                    calls.append(fresh)
                } else if let fragment = call["function"]?["arguments"]?.stringValue {
                    var function = calls[index]["function"]?.objectValue ?? [:]
                    function["arguments"] = .string((function["arguments"]?.stringValue ?? "") + fragment)
                    calls[index]["function"] = .object(function)
                }
            }
        }
        if !calls.isEmpty { message["tool_calls"] = .array(calls.map(JSONValue.object)) }
        return .object(message)
    }

    @Test("max_output_tokens clamps max_tokens per upstream model, exact names before globs, both ways (PEER_BUGS #11)",
          arguments: [
            (Conversion.anthropicToOpenAIRequest, "deepseek-chat", #"{"max_tokens":32000"#, "max_tokens", 8192),
            (Conversion.anthropicToOpenAIRequest, "deepseek-reasoner", #"{"max_tokens":32000"#, "max_tokens", 32000),
            (Conversion.anthropicToOpenAIRequest, "glm-4", #"{"max_tokens":21333"#, "max_tokens", 16384),
            (Conversion.anthropicToOpenAIRequest, "glm-45", #"{"max_tokens":21333"#, "max_tokens", 21333),
            (Conversion.openAIToAnthropicRequest, "deepseek-chat", #"{"max_completion_tokens":21333"#, "max_tokens", 8192),
            (Conversion.openAIToAnthropicRequest, "claude-haiku", "{", "max_tokens", 2048),   // the default, clamped too
            (Conversion.openAIToAnthropicRequest, "other", "{", "max_tokens", 4096),
          ])
    func peerBug11_maxOutputTokensClamp(op: String, model: String, opening: String, field: String, expected: Int) throws {
        let options = #"{"max_output_tokens":{"deepseek-*":8192,"deepseek-reasoner":40000,"glm-?":16384,"claude-*":2048}}"#
        let separator = opening == "{" ? "" : ","
        let body = json(#"\#(opening)\#(separator)"model":"client-model","messages":[{"role":"user","content":"x"}]}"#)
        let converted = try Conversion.request(op, body, model: model, options: options)
        #expect(converted[field] == .int(expected))
    }

    @Test("model globs: '?' is one character also when it is not ASCII, '*' any run",
          arguments: [("mod\u{E8}le-\u{E9}", 1000), ("mod\u{E8}le-e", 1000), ("mod\u{E8}le-\u{E9}\u{E9}", 32000),
                      ("mod\u{E8}le-", 32000), ("x-\u{1F600}-y", 2000), ("x--y", 2000), ("x-y", 32000)])
    func modelGlobs(model: String, expected: Int) throws {
        let options = #"{"max_output_tokens":{"mod\#u{E8}le-?":1000,"x-*-y":2000}}"#
        let body = json(#"{"max_tokens":32000,"model":"client-model","messages":[{"role":"user","content":"x"}]}"#)
        let converted = try Conversion.request(Conversion.anthropicToOpenAIRequest, body, model: model, options: options)
        #expect(converted["max_tokens"] == .int(expected))
    }

    @Test("options are checked when the instance is created")
    func optionsAreChecked() throws {
        for (options, reason) in [
            (#"{"max_outputs":1}"#, "unknown option 'max_outputs' (valid options: default_max_tokens, max_output_tokens, max_tokens_field, replay_reasoning_content)"),
            (#"{"max_output_tokens":{"gpt-*":"lots"}}"#, "options.max_output_tokens.gpt-* must be a positive integer"),
            (#"{"default_max_tokens":0}"#, "options.default_max_tokens must be a positive integer"),
            (#"{"max_tokens_field":"tokens"}"#, "options.max_tokens_field must be auto, max_tokens or max_completion_tokens"),
        ] {
            #expect(throws: (any Error).self) { _ = try Conversion.harness(options: options) }
            do {
                _ = try Conversion.harness(options: options)
            } catch let error as PluginLoadError {
                #expect(error.reason.contains(reason), "\(error.reason)")
            }
        }
    }

    @Test("a thinking block with no or an empty signature still goes upstream as reasoning_content (PEER_BUGS #12)")
    func peerBug12_unsignedThinkingBecomesReasoningContent() throws {
        let converted = try Conversion.request(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"Read a.txt"},
             {"role":"assistant","content":[{"type":"thinking","thinking":"I will read it.","signature":""},
              {"type":"tool_use","id":"toolu_call_1","name":"read","input":{"path":"a.txt"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_call_1","content":"hi"}]},
             {"role":"assistant","content":[{"type":"thinking","thinking":"Now answer."},{"type":"text","text":"It says hi."}]},
             {"role":"user","content":"Thanks"}]}
            """#), model: "deepseek-reasoner")
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":"Read a.txt"},
             {"role":"assistant","content":null,"reasoning_content":"I will read it.",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"a.txt\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"hi"},
             {"role":"assistant","content":"It says hi.","reasoning_content":"Now answer."},
             {"role":"user","content":"Thanks"}]
            """#))
    }

    @Test("no message with empty content ever goes upstream, either way (PEER_BUGS #14)")
    func peerBug14_noEmptyMessages() throws {
        let toOpenAI = try Conversion.request(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"system":"","messages":[{"role":"user","content":""},{"role":"user","content":[{"type":"text","text":""}]},
             {"role":"assistant","content":[{"type":"text","text":""}]},{"role":"user","content":"real"},
             {"role":"assistant","content":[{"type":"thinking","thinking":"only thoughts","signature":"s"}]}]}
            """#))
        #expect(toOpenAI["messages"] == json(#"[{"role":"user","content":"real"}]"#))

        let toAnthropic = try Conversion.request(Conversion.openAIToAnthropicRequest, json(#"""
            {"model":"g","messages":[{"role":"system","content":" "},{"role":"user","content":""},{"role":"user","content":"real"},
             {"role":"assistant","content":""},{"role":"assistant","content":[{"type":"text","text":"  "}]},{"role":"user","content":"more"},
             {"role":"assistant","content":"Sure thing  \n"}]}
            """#))
        // The two user turns left once the empty ones are gone merge, as Anthropic wants roles to alternate.
        #expect(toAnthropic == json(#"""
            {"model":"upstream-model","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"real"},{"type":"text","text":"more"}]},
             {"role":"assistant","content":"Sure thing"}]}
            """#))
        #expect(toAnthropic["messages"]?.arrayValue?.count == 2)

        let nothing = try Conversion.refusal(Conversion.openAIToAnthropicRequest, json(#"{"model":"g","messages":[{"role":"user","content":" "}]}"#))
        #expect(nothing == (LESSLLM_E_INVALID_REQUEST, "messages: at least one non-system message with content is required"))
    }

    @Test("cached tokens count at the cached rate: input_tokens = prompt − cached, both ways (PEER_BUGS #16)")
    func peerBug16_cachedTokensSplitOut() throws {
        let (context, output) = try Conversion.response(
            Conversion.openAIToAnthropicResponse, clientRequest: ResponseConversionTests.anthropicClient, stream: false)
        context.feedBody(#"""
            {"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":800}}}
            """#)
        #expect(output.json?["usage"] == json(#"{"input_tokens":200,"cache_creation_input_tokens":0,"cache_read_input_tokens":800,"output_tokens":10}"#))
        let deepSeek = try OpenAIStreamConversionTests.run([
            OpenAIStreamConversionTests.chunk(#"{"content":"x"}"#, finish: "stop"),
            #"{"choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_cache_hit_tokens":640,"prompt_cache_miss_tokens":360}}"#,
            "[DONE]"])
        #expect(deepSeek.parsed.suffix(2).first?.data["usage"] == json(#"{"input_tokens":360,"cache_creation_input_tokens":0,"cache_read_input_tokens":640,"output_tokens":10}"#))
    }

    @Test("every generated Anthropic tool has exactly name, description and an object input_schema (PEER_BUGS #20)")
    func peerBug20_anthropicToolsMatchTheSchema() throws {
        let converted = try Conversion.request(Conversion.openAIToAnthropicRequest, json(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"tools":[
             {"type":"function","function":{"name":"a","description":"A","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":true}},
             {"type":"function","function":{"name":"b"}},
             {"type":"function","function":{"name":"c","parameters":{"properties":{}},"description":""}},
             {"type":"function","function":{"name":"d","parameters":null}}]}
            """#))
        let tools = try #require(converted["tools"]?.arrayValue)
        #expect(tools.count == 4)
        for tool in tools {
            let keys = Set(tool.objectValue?.keys ?? [])
            #expect(keys.isSubset(of: ["name", "description", "input_schema"]) && keys.contains("name") && keys.contains("input_schema"))
            #expect(tool["input_schema"]?["type"] == "object")
            #expect(tool["description"] == nil || tool["description"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("server tools are stripped for an OpenAI upstream, with a tool_choice naming one (PEER_BUGS #21)")
    func peerBug21_serverToolsStrippedWithToolChoice() throws {
        let converted = try Conversion.request(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"search"}],
             "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":5},
                      {"name":"read","input_schema":{"type":"object"}},{"type":"bash_20250124","name":"bash"}],
             "tool_choice":{"type":"tool","name":"web_search"}}
            """#))
        #expect(converted["tools"] == json(#"[{"type":"function","function":{"name":"read","parameters":{"type":"object","properties":{}}}}]"#))
        #expect(converted["tool_choice"] == nil)
        let onlyServer = try Conversion.request(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"search"}],
             "tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"any"}}
            """#))
        #expect(onlyServer["tools"] == nil && onlyServer["tool_choice"] == nil)
        let kept = try Conversion.request(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"x"}],
             "tools":[{"type":"web_search_20250305","name":"web_search"},{"name":"read","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"tool","name":"read"}}
            """#))
        #expect(kept["tool_choice"] == json(#"{"type":"function","function":{"name":"read"}}"#))
    }

    @Test("three consecutive tool messages become one user turn with three tool_result blocks in order (PEER_BUGS #22)")
    func peerBug22_consecutiveToolResultsMerge() throws {
        let converted = try Conversion.request(Conversion.openAIToAnthropicRequest, json(#"""
            {"model":"g","messages":[{"role":"user","content":"Three cities"},
             {"role":"assistant","content":null,"tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"w","arguments":"{\"c\":\"A\"}"}},
              {"id":"call_2","type":"function","function":{"name":"w","arguments":"{\"c\":\"B\"}"}},
              {"id":"call_3","type":"function","function":{"name":"w","arguments":"{\"c\":\"C\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"a"},{"role":"tool","tool_call_id":"call_2","content":"b"},
             {"role":"tool","tool_call_id":"call_3","content":"c"}]}
            """#))
        #expect(converted["messages"]?[2] == json(#"""
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"1","content":"a"},
             {"type":"tool_result","tool_use_id":"2","content":"b"},{"type":"tool_result","tool_use_id":"3","content":"c"}]}
            """#))
        #expect(converted["messages"]?.arrayValue?.count == 3)
    }
}

/// PEER_BUGS #8 for Gemini: the thought signature on an OpenAI-compatible tool call survives a round trip through
/// an Anthropic client, byte for byte, whatever characters it holds.
@Suite("Gemini thought signatures")
struct GeminiThoughtSignatureTests {
    @Test("peerBug08: a thought signature rides in the tool id and comes back on the tool call",
          arguments: ["CiQBcsjafGkzXl4/+Wq1uRJ8Y3c0VmZxA==", "short", "abcd", "a", "é/+=__gts_ü",
                      String(repeating: "Zz9/", count: 300)])
    func peerBug08GeminiThoughtSignatureRoundTrip(signature: String) throws {
        let (context, output) = try Conversion.response(
            "response:openai.chat->anthropic.messages",
            clientRequest: json(#"{"model":"gemini-2.5-pro","max_tokens":100,"messages":[{"role":"user","content":"x"}]}"#),
            stream: false)
        let call: JSONValue = ["id": "call_1", "type": "function",
                               "function": ["name": "get", "arguments": #"{"a":1}"#],
                               "extra_content": ["google": ["thought_signature": .string(signature)]]]
        let assistant: JSONValue = ["role": "assistant", "content": .null, "tool_calls": [call]]
        let choice: JSONValue = ["index": 0, "message": assistant, "finish_reason": "stop"]
        let usage: JSONValue = ["prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7]
        let body: JSONValue = ["id": "c", "object": "chat.completion", "model": "gemini-2.5-pro", "choices": [choice],
                               "usage": usage]
        context.feedBody(body.serialized())
        let message = try JSONValue(parsing: output.body)
        let toolID = try #require(message["content"]?[0]?["id"]?.stringValue)
        #expect(toolID.hasPrefix("toolu_call_1__gts_"))
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        #expect(toolID.allSatisfy(allowed.contains))
        #expect(message["stop_reason"]?.stringValue == "tool_use")  // Gemini ends tool turns with "stop"

        let toolUse: JSONValue = ["type": "tool_use", "id": .string(toolID), "name": "get", "input": ["a": 1]]
        let toolResult: JSONValue = ["type": "tool_result", "tool_use_id": .string(toolID), "content": "42"]
        let history: [JSONValue] = [["role": "user", "content": "x"], ["role": "assistant", "content": [toolUse]],
                                    ["role": "user", "content": [toolResult]]]
        let turn2: JSONValue = ["model": "gemini-2.5-pro", "max_tokens": 100, "messages": .array(history)]
        let upstream = try Conversion.request("request:anthropic.messages->openai.chat", turn2)
        let sent = try #require(upstream["messages"]?[1]?["tool_calls"]?[0])
        #expect(sent["id"]?.stringValue == "call_1")
        #expect(sent["extra_content"]?["google"]?["thought_signature"]?.stringValue == signature)
        #expect(upstream["messages"]?[2]?["tool_call_id"]?.stringValue == "call_1")
    }

    @Test("a client's tool id reaches an OpenAI upstream without our prefix; a marker only counts as whole characters",
          arguments: [
            ("toolu_call_7", "call_7", nil), ("toolu_é_1", "é_1", nil), ("plain", "plain", nil),
            ("toolu_call_2__gts_YWJj", "call_2", "abc"),
            // A combining mark joins the marker's last "_" into another character: no marker, the id stays whole.
            ("toolu_call_3__gts_\u{301}YWJj", "call_3__gts_\u{301}YWJj", nil),
            ("toolu_é__gts_YWJjZA", "é", "abcd"),
          ] as [(String, String, String?)])
    func clientToolIDs(client: String, upstream: String, signature: String?) throws {
        let toolUse: JSONValue = ["type": "tool_use", "id": .string(client), "name": "get", "input": ["a": 1]]
        let toolResult: JSONValue = ["type": "tool_result", "tool_use_id": .string(client), "content": "42"]
        let request: JSONValue = ["model": "gemini-2.5-pro", "max_tokens": 100, "messages": [
            ["role": "user", "content": "x"], ["role": "assistant", "content": [toolUse]],
            ["role": "user", "content": [toolResult]]]]
        let converted = try Conversion.request("request:anthropic.messages->openai.chat", request)
        let call = try #require(converted["messages"]?[1]?["tool_calls"]?[0])
        #expect(call["id"]?.stringValue == upstream)
        #expect(call["extra_content"]?["google"]?["thought_signature"]?.stringValue == signature)
        #expect(converted["messages"]?[2]?["tool_call_id"]?.stringValue == upstream)
    }
}

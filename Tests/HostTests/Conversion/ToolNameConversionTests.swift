import JSONCore
import PluginABI
import Testing

@testable import Host

/// Tool names over OpenAI's 64 characters (Claude Code's MCP tools): shortened on the way to an OpenAI-compatible
/// upstream, the client's own name given back in the answer, whole or streamed.
@Suite("Conversion: long tool names")
struct ToolNameConversionTests {
    static let long = "mcp__plugin_chrome-devtools-mcp_chrome-devtools__performance_analyze_insight"  // 76
    static let longSibling = "mcp__plugin_chrome-devtools-mcp_chrome-devtools__performance_start_trace_now"  // 75
    static let exact = String(repeating: "t", count: 64)

    /// An Anthropic client's request offering the three tools, with a history that called the long one.
    static let client = json(#"""
        {"model":"claude-sonnet-4","max_tokens":100,"tool_choice":{"type":"tool","name":"\#(long)"},
         "tools":[{"name":"\#(long)","input_schema":{"type":"object","properties":{"insight":{"type":"string"}}}},
                  {"name":"\#(longSibling)","input_schema":{"type":"object","properties":{}}},
                  {"name":"\#(exact)","input_schema":{"type":"object","properties":{}}}],
         "messages":[{"role":"user","content":"Analyse"},
          {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"\#(long)","input":{"insight":"LCP"}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"slow"}]}]}
        """#)

    /// The names the tools went upstream as, in the order of the client's `tools`.
    static func upstreamNames() throws -> [String] {
        let converted = try Conversion.request(Conversion.anthropicToOpenAIRequest, client)
        return (converted["tools"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue }
    }

    @Test("names over 64 characters go upstream as 55 characters and a hash: distinct, stable, valid for OpenAI")
    func shortenedOnTheWayUp() throws {
        let converted = try Conversion.request(Conversion.anthropicToOpenAIRequest, Self.client)
        let names = try Self.upstreamNames()
        let short = names[0]
        #expect(names.count == 3 && names[2] == Self.exact)  // 64 characters: as it is
        #expect(names.allSatisfy { $0.utf8.count <= 64 && $0.allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) } })
        for (name, original) in zip(names.prefix(2), [Self.long, Self.longSibling]) {
            #expect(name.count == 64 && name.hasPrefix(String(original.prefix(55)) + "_"), "\(name)")
            #expect(name.suffix(8).allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(name)")
        }
        #expect(names[0] != names[1])  // same first 55 characters, different names
        #expect(converted["tool_choice"] == json(#"{"type":"function","function":{"name":"\#(short)"}}"#))
        #expect(converted["messages"]?[1]?["tool_calls"]?[0]?["function"]?["name"]?.stringValue == short)
        // The same name shortens the same way in every request of the conversation.
        #expect(try Self.upstreamNames() == names)
    }

    @Test("a whole answer's tool call gets the client's own name back")
    func restoredInAWholeAnswer() throws {
        let (context, output) = try Conversion.response(Conversion.openAIToAnthropicResponse, clientRequest: Self.client,
                                                        stream: false)
        let short = try Self.upstreamNames()[0]
        let call = #"{"id":"call_9","type":"function","function":{"name":"\#(short)","arguments":"{\"insight\":\"CLS\"}"}}"#
        let exactCall = #"{"id":"call_10","type":"function","function":{"name":"\#(Self.exact)","arguments":"{}"}}"#
        context.feedBody(#"""
            {"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":
             {"role":"assistant","content":null,"tool_calls":[\#(call),\#(exactCall)]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":5,"completion_tokens":5}}
            """#)
        let body = try JSONValue(parsing: output.body)
        #expect(body["content"]?[0]?["name"]?.stringValue == Self.long)
        #expect(body["content"]?[0]?["input"] == json(#"{"insight":"CLS"}"#))
        #expect(body["content"]?[1]?["name"]?.stringValue == Self.exact)
    }

    @Test("a streamed tool call gets the client's own name back in its content_block_start")
    func restoredInAStream() throws {
        var object = try #require(Self.client.objectValue)
        object["stream"] = true
        let client = JSONValue.object(object)
        let short = try Self.upstreamNames()[1]
        let output = try OpenAIStreamConversionTests.run([
            OpenAIStreamConversionTests.toolDelta(0, id: "call_s", name: short, arguments: "{}"),
            OpenAIStreamConversionTests.chunk("{}", finish: "tool_calls"), "[DONE]",
        ], client: client)
        let starts = output.parsed.filter { $0.type == "content_block_start" }
        #expect(starts == [AnthropicGolden.toolStart(0, id: "toolu_call_s", name: Self.longSibling)])
    }
}

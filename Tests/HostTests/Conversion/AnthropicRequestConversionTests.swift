import JSONCore
import PluginABI
import Testing

@testable import Host

/// `request:anthropic.messages->openai.chat`: an Anthropic client's request as sent to an OpenAI upstream.
@Suite("Conversion: Anthropic request → OpenAI")
struct AnthropicRequestConversionTests {
    private func convert(_ body: String, model: String = "upstream-model", stream: Bool = false,
                         options: String = "{}") throws -> JSONValue {
        try Conversion.request(Conversion.anthropicToOpenAIRequest, json(body), model: model, stream: stream, options: options)
    }

    @Test("system string, one user turn, max_tokens; the upstream model replaces the client's")
    func textWithSystemString() throws {
        let converted = try convert(#"""
            {"model":"claude-sonnet-4","max_tokens":1024,"system":"Be brief.",
             "messages":[{"role":"user","content":"Hi"}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
             "max_tokens":1024}
            """#))
    }

    @Test("system blocks join into one system message; cache_control has no OpenAI form")
    func systemBlocks() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},
             {"type":"text","text":""},{"type":"text","text":"Use tools."}],
             "messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}},{"type":"text","text":"b"}]}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","messages":[{"role":"system","content":"You are Claude Code.\n\nUse tools."},
             {"role":"user","content":"a\n\nb"}],"max_tokens":10}
            """#))
    }

    @Test("multi-turn conversation keeps order and roles")
    func multiTurn() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[
             {"role":"user","content":"1+1?"},
             {"role":"assistant","content":[{"type":"text","text":"2"}]},
             {"role":"user","content":"and 2+2?"},
             {"role":"assistant","content":"4"}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","messages":[{"role":"user","content":"1+1?"},{"role":"assistant","content":"2"},
             {"role":"user","content":"and 2+2?"},{"role":"assistant","content":"4"}],"max_tokens":10}
            """#))
    }

    @Test("images: base64 source → data URL, url source → plain URL; text stays a part beside them")
    func images() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":[
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
             {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
             {"type":"text","text":"What are these?"}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":[
             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
             {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
             {"type":"text","text":"What are these?"}]}]
            """#))
    }

    @Test("documents: base64 PDF → file part named by its title; a text document → text")
    func documents() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":[
             {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"report.pdf"},
             {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0y"}},
             {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain words"}},
             {"type":"text","text":"Summarise."}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":[
             {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
             {"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0y"}},
             {"type":"text","text":"plain words"},{"type":"text","text":"Summarise."}]}]
            """#))
    }

    @Test("tool_use ⇄ tool_calls and tool_result → tool messages: ids lose the toolu_ prefix, is_error becomes a prefix")
    func toolRoundTrip() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[
             {"role":"user","content":"Weather in Paris and Rome?"},
             {"role":"assistant","content":[{"type":"text","text":"Checking."},
              {"type":"tool_use","id":"toolu_call_1","name":"weather","input":{"city":"Paris"}},
              {"type":"tool_use","id":"toolu_01Rome","name":"weather","input":{"city":"Rome","units":{"t":"C"}}}]},
             {"role":"user","content":[
              {"type":"tool_result","tool_use_id":"toolu_call_1","content":"18C"},
              {"type":"tool_result","tool_use_id":"toolu_01Rome","is_error":true,"content":[{"type":"text","text":"timeout"}]},
              {"type":"text","text":"Go on."}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":"Weather in Paris and Rome?"},
             {"role":"assistant","content":"Checking.","tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
              {"id":"01Rome","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\",\"units\":{\"t\":\"C\"}}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"18C"},
             {"role":"tool","tool_call_id":"01Rome","content":"Error: timeout"},
             {"role":"user","content":"Go on."}]
            """#))
    }

    @Test("an assistant turn with only tool calls has null content; an empty tool result still answers its call")
    func toolCallsOnly() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[
             {"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"run","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"run","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"1","content":"(no content)"}]
            """#))
    }

    @Test("images returned by a tool follow the tool messages in a user message")
    func toolResultImages() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_s","name":"screenshot","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_s","content":[
              {"type":"text","text":"captured"},
              {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4A=="}}]}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"assistant","content":null,"tool_calls":[{"id":"s","type":"function","function":{"name":"screenshot","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"s","content":"captured"},
             {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4A=="}}]}]
            """#))
    }

    @Test("tool definitions: input_schema → parameters (always an object schema), description and strict kept")
    func toolDefinitions() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"x"}],"tools":[
             {"name":"weather","description":"Get weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
              "cache_control":{"type":"ephemeral"}},
             {"name":"noargs","input_schema":{"properties":{}}},
             {"type":"custom","name":"strict_one","input_schema":{"type":"object"},"strict":true}]}
            """#)
        #expect(converted["tools"] == json(#"""
            [{"type":"function","function":{"name":"weather","description":"Get weather",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"noargs","parameters":{"properties":{},"type":"object"}}},
             {"type":"function","function":{"name":"strict_one","parameters":{"type":"object","properties":{}},"strict":true}}]
            """#))
    }

    @Test("tool_choice auto/any/none/tool → auto/required/none/function; disable_parallel_tool_use → parallel_tool_calls false",
          arguments: [
            (#"{"type":"auto"}"#, #""auto""#, false),
            (#"{"type":"any"}"#, #""required""#, false),
            (#"{"type":"none"}"#, #""none""#, false),
            (#"{"type":"tool","name":"weather"}"#, #"{"type":"function","function":{"name":"weather"}}"#, false),
            (#"{"type":"auto","disable_parallel_tool_use":true}"#, #""auto""#, true),
            (#"{"type":"any","disable_parallel_tool_use":true}"#, #""required""#, true),
          ])
    func toolChoice(anthropic: String, openAI: String, serial: Bool) throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":"x"}],
             "tools":[{"name":"weather","input_schema":{"type":"object"}}],"tool_choice":\#(anthropic)}
            """#)
        #expect(converted["tool_choice"] == json(openAI))
        #expect(converted["parallel_tool_calls"] == (serial ? .bool(false) : nil))
    }

    @Test("sampling and metadata: temperature, top_p kept; top_k dropped; stop_sequences → stop; metadata.user_id → user")
    func parameters() throws {
        let converted = try convert(#"""
            {"model":"c","max_tokens":300,"temperature":0.2,"top_p":0.9,"top_k":40,"stop_sequences":["###","END"],
             "metadata":{"user_id":"user-42"},"service_tier":"auto","messages":[{"role":"user","content":"x"}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","messages":[{"role":"user","content":"x"}],"max_tokens":300,"temperature":0.2,"top_p":0.9,
             "stop":["###","END"],"user":"user-42"}
            """#))
    }

    @Test("a metadata.user_id over 64 characters (Claude Code's) goes as a stable 40-character digest")
    func longUserID() throws {
        func user(_ id: String) throws -> JSONValue? {
            try convert(#"{"model":"c","max_tokens":5,"metadata":{"user_id":"\#(id)"},"messages":[{"role":"user","content":"x"}]}"#)["user"]
        }
        let claudeCode = "user_" + String(repeating: "ab12", count: 16) + "_account_9b2d4a6e-1f3c-4e5a-8b7d-2c6f0e1a3b5d"
            + "_session_0f1e2d3c-4b5a-6978-8a9b-cadbecfd0e1f"
        let digest = try #require(try user(claudeCode)?.stringValue)
        #expect(digest.count == 40 && digest.hasPrefix("lessllm-"))
        #expect(digest.dropFirst(8).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(try user(claudeCode)?.stringValue == digest)  // stable
        #expect(try user(claudeCode + "x")?.stringValue != digest)
        let sixtyFour = String(repeating: "u", count: 64)
        #expect(try user(sixtyFour)?.stringValue == sixtyFour)  // short enough: as it is
        #expect(try user(sixtyFour + "u")?.stringValue?.hasPrefix("lessllm-") == true)
    }

    @Test("OpenAI's reasoning models get no temperature or top_p (they take only their default); others keep them")
    func samplingForReasoningModels() throws {
        let body = #"{"model":"c","max_tokens":5,"temperature":0.2,"top_p":0.9,"messages":[{"role":"user","content":"x"}]}"#
        for model in ["gpt-5", "gpt-5-mini-2025-08-07", "o3", "o4-mini"] {
            let converted = try convert(body, model: model)
            #expect(converted["temperature"] == nil && converted["top_p"] == nil, "\(model)")
            #expect(converted["max_completion_tokens"] == 5, "\(model)")
        }
        for model in ["gpt-4o", "deepseek-chat", "llama-3.3-70b"] {
            let converted = try convert(body, model: model)
            #expect(converted["temperature"] == 0.2 && converted["top_p"] == 0.9, "\(model)")
        }
    }

    @Test("a streamed request asks for stream_options.include_usage")
    func streamAsksForUsage() throws {
        let converted = try convert(#"{"model":"c","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"x"}]}"#,
                                    stream: true)
        #expect(converted == json(#"""
            {"model":"upstream-model","messages":[{"role":"user","content":"x"}],"max_tokens":10,"stream":true,
             "stream_options":{"include_usage":true}}
            """#))
    }

    @Test("max_tokens goes out as max_completion_tokens to OpenAI reasoning models (auto), or as configured",
          arguments: [("o3-mini", "{}", "max_completion_tokens"), ("gpt-5", "{}", "max_completion_tokens"),
                      ("gpt-4o", "{}", "max_tokens"), ("deepseek-chat", "{}", "max_tokens"),
                      ("gpt-4o", #"{"max_tokens_field":"max_completion_tokens"}"#, "max_completion_tokens"),
                      ("o3", #"{"max_tokens_field":"max_tokens"}"#, "max_tokens")])
    func maxTokensField(model: String, options: String, field: String) throws {
        let converted = try convert(#"{"model":"c","max_tokens":50,"messages":[{"role":"user","content":"x"}]}"#,
                                    model: model, options: options)
        #expect(converted[field] == 50)
        #expect(converted.objectValue?.keys.filter { $0.hasPrefix("max_") } == [field])
    }

    @Test("thinking blocks (signed or not) become reasoning_content; redacted thinking is dropped; the option turns it off")
    func thinkingHistory() throws {
        let body = #"""
            {"model":"c","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[
             {"role":"user","content":"x"},
             {"role":"assistant","content":[{"type":"thinking","thinking":"Let me think.","signature":"sig=="},
              {"type":"redacted_thinking","data":"opaque"},{"type":"text","text":"Done."}]},
             {"role":"user","content":"y"}]}
            """#
        let converted = try convert(body)
        #expect(converted["messages"]?[1] == json(#"{"role":"assistant","content":"Done.","reasoning_content":"Let me think."}"#))
        #expect(converted["thinking"] == nil)
        let plain = try convert(body, options: #"{"replay_reasoning_content":false}"#)
        #expect(plain["messages"]?[1] == json(#"{"role":"assistant","content":"Done."}"#))
    }

    @Test("content blocks OpenAI cannot take are refused with a 400 naming them")
    func unsupportedContent() throws {
        let urlDocument = try Conversion.refusal(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":[
             {"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]}]}
            """#))
        #expect(urlDocument.status == LESSLLM_E_UNSUPPORTED)
        #expect(urlDocument.message.hasPrefix("messages[0].content[0]: a document with source type 'url'"))
        let unknown = try Conversion.refusal(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"user","content":[{"type":"search_result","source":"s"}]}]}
            """#))
        #expect(unknown.status == LESSLLM_E_UNSUPPORTED)
        #expect(unknown.message.contains("'search_result'"))
        let badRole = try Conversion.refusal(Conversion.anthropicToOpenAIRequest, json(#"""
            {"model":"c","max_tokens":10,"messages":[{"role":"system","content":"x"}]}
            """#))
        #expect(badRole == (LESSLLM_E_INVALID_REQUEST, "messages[0].role must be user or assistant"))
    }
}

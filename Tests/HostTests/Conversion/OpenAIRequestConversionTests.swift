import JSONCore
import PluginABI
import Testing

@testable import Host

/// `request:openai.chat->anthropic.messages`: an OpenAI client's request as sent to an Anthropic upstream.
@Suite("Conversion: OpenAI request → Anthropic")
struct OpenAIRequestConversionTests {
    private func convert(_ body: String, model: String = "upstream-model", stream: Bool = false,
                         options: String = "{}") throws -> JSONValue {
        try Conversion.request(Conversion.openAIToAnthropicRequest, json(body), model: model, stream: stream, options: options)
    }

    private func refusal(_ body: String) throws -> (status: lessllm_status, message: String) {
        try Conversion.refusal(Conversion.openAIToAnthropicRequest, json(body))
    }

    @Test("system message → system; max_tokens defaults to 4096 (Anthropic requires it)")
    func textWithSystem() throws {
        let converted = try convert(#"""
            {"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":4096,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}
            """#))
    }

    @Test("several system and developer messages join the system in order, wherever they stand")
    func severalSystemMessages() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"system","content":"Rule one."},{"role":"user","content":"Hi"},
             {"role":"developer","content":[{"type":"text","text":"Rule two."}]},{"role":"assistant","content":"Hello"},
             {"role":"user","content":"Bye"}]}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":4096,
             "system":[{"type":"text","text":"Rule one."},{"type":"text","text":"Rule two."}],
             "messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}]}
            """#))
    }

    @Test("max_completion_tokens wins over max_tokens; default_max_tokens applies when neither is set",
          arguments: [(#""max_completion_tokens":700,"max_tokens":900,"#, "{}", 700),
                      (#""max_tokens":900,"#, "{}", 900),
                      ("", #"{"default_max_tokens":1234}"#, 1234)])
    func maxTokens(fields: String, options: String, expected: Int) throws {
        let converted = try convert(#"{"model":"g",\#(fields)"messages":[{"role":"user","content":"x"}]}"#, options: options)
        #expect(converted["max_tokens"] == .int(expected))
    }

    @Test("user parts: text, data-URL image → base64, http image → url, PDF file → document")
    func userParts() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":[
             {"type":"text","text":"Look:"},
             {"type":"image_url","image_url":{"url":"data:image/webp;base64,UklGRg==","detail":"high"}},
             {"type":"image_url","image_url":{"url":"https://example.com/dog.png"}},
             {"type":"file","file":{"filename":"spec.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
             {"type":"text","text":"   "}]}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":[
             {"type":"text","text":"Look:"},
             {"type":"image","source":{"type":"base64","media_type":"image/webp","data":"UklGRg=="}},
             {"type":"image","source":{"type":"url","url":"https://example.com/dog.png"}},
             {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"spec.pdf"}]}]
            """#))
    }

    @Test("an image's media type is what its bytes are (PNG, JPEG, GIF, WebP), whatever the data URL says; image/jpg is JPEG")
    func imageMediaTypes() throws {
        func media(_ url: String) throws -> String? {
            let converted = try convert(#"""
                {"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"\#(url)"}}]}]}
                """#)
            return converted["messages"]?[0]?["content"]?[0]?["source"]?["media_type"]?.stringValue
        }
        #expect(try media("data:image/jpeg;base64,iVBORw0KGgoAAAANSUhEUg==") == "image/png")  // a PNG labelled JPEG
        #expect(try media("data:image/jpg;base64,/9j/4AAQSkZJRg==") == "image/jpeg")
        #expect(try media("data:image/png;base64,R0lGODlhAQABAA==") == "image/gif")
        #expect(try media("data:image/png;base64,UklGRiQAAABXRUJQ") == "image/webp")
        #expect(try media("data:image/jpg;base64,AAAAAAAA") == "image/jpeg")  // unknown bytes: the label, jpg mended
        #expect(try media("data:image/heic;base64,AAAAAAAA") == "image/heic")  // left for Anthropic to refuse clearly
    }

    @Test("assistant tool_calls → tool_use (arguments parsed, call_ prefix removed); tool results follow in one user turn")
    func toolRoundTrip() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[
             {"role":"user","content":"Weather?"},
             {"role":"assistant","content":"Checking.","tool_calls":[
              {"id":"call_toolu_01A","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
              {"id":"call_xyz","type":"function","function":{"name":"time","arguments":""}}]},
             {"role":"tool","tool_call_id":"call_toolu_01A","content":"18C"},
             {"role":"tool","tool_call_id":"call_xyz","content":[{"type":"text","text":"noon"}]},
             {"role":"user","content":"Thanks"}]}
            """#)
        #expect(converted["messages"] == json(#"""
            [{"role":"user","content":"Weather?"},
             {"role":"assistant","content":[{"type":"text","text":"Checking."},
              {"type":"tool_use","id":"toolu_01A","name":"weather","input":{"city":"Paris"}},
              {"type":"tool_use","id":"xyz","name":"time","input":{}}]},
             {"role":"user","content":[
              {"type":"tool_result","tool_use_id":"toolu_01A","content":"18C"},
              {"type":"tool_result","tool_use_id":"xyz","content":[{"type":"text","text":"noon"}]},
              {"type":"text","text":"Thanks"}]}]
            """#))
    }

    @Test("tool ids with characters Anthropic refuses are made safe, the same way for the call and its result")
    func toolIDSanitising() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"functions.lookup:0","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"functions.lookup:0","content":"ok"}]}
            """#)
        #expect(converted["messages"]?[1]?["content"]?[0]?["id"] == "functions_lookup_0")
        #expect(converted["messages"]?[2]?["content"]?[0]?["tool_use_id"] == "functions_lookup_0")
    }

    @Test("unparsable tool call arguments are a 400 that names the call")
    func unparsableArguments() throws {
        let failure = try refusal(#"""
            {"model":"g","messages":[{"role":"user","content":"x"},
             {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}]}
            """#)
        #expect(failure.status == LESSLLM_E_INVALID_REQUEST)
        #expect(failure.message.hasPrefix("messages[1].tool_calls[0].function.arguments is not valid JSON ("))
        #expect(failure.message.hasSuffix(#"): {"a":"#))
        let notObject = try refusal(#"""
            {"model":"g","messages":[{"role":"user","content":"x"},
             {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}
            """#)
        #expect(notObject == (LESSLLM_E_INVALID_REQUEST, "messages[1].tool_calls[0].function.arguments must be a JSON object, not [1]"))
    }

    @Test("tool definitions: parameters → input_schema; missing schema or type becomes an object schema; strict dropped")
    func toolDefinitions() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"tools":[
             {"type":"function","function":{"name":"weather","description":"Get weather","strict":true,
              "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"ping"}},
             {"type":"function","function":{"name":"loose","parameters":{"properties":{"q":{"type":"string"}}}}}],
             "functions":[{"name":"legacy","parameters":{"type":"object","properties":{}}}]}
            """#)
        #expect(converted["tools"] == json(#"""
            [{"name":"weather","description":"Get weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
             {"name":"ping","input_schema":{"type":"object","properties":{}}},
             {"name":"loose","input_schema":{"properties":{"q":{"type":"string"}},"type":"object"}},
             {"name":"legacy","input_schema":{"type":"object","properties":{}}}]
            """#))
        let failure = try refusal(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"array"}}}]}
            """#)
        #expect(failure == (LESSLLM_E_INVALID_REQUEST, "tools[0].function.parameters must describe an object (type: object) for Anthropic models"))
    }

    @Test("tool_choice auto/required/none/function → auto/any/none/tool; parallel_tool_calls false → disable_parallel_tool_use",
          arguments: [
            (#""auto""#, "true", #"{"type":"auto"}"#),
            (#""required""#, "true", #"{"type":"any"}"#),
            (#""none""#, "true", #"{"type":"none"}"#),
            (#"{"type":"function","function":{"name":"weather"}}"#, "true", #"{"type":"tool","name":"weather"}"#),
            (#""auto""#, "false", #"{"type":"auto","disable_parallel_tool_use":true}"#),
            ("null", "false", #"{"type":"auto","disable_parallel_tool_use":true}"#),
            (#"{"type":"function","function":{"name":"weather"}}"#, "false", #"{"type":"tool","name":"weather","disable_parallel_tool_use":true}"#),
          ])
    func toolChoice(openAI: String, parallel: String, anthropic: String) throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"parallel_tool_calls":\#(parallel),
             "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],"tool_choice":\#(openAI)}
            """#)
        #expect(converted["tool_choice"] == json(anthropic))
    }

    @Test("sampling: temperature capped at 1 (top_p beside it dropped), stop → stop_sequences, user → metadata.user_id")
    func parameters() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"temperature":1.4,"top_p":0.8,"stop":"###","user":"u-1",
             "seed":7,"presence_penalty":0.5,"frequency_penalty":0.1,"n":1,"stream_options":{"include_usage":true},
             "response_format":{"type":"json_object"}}
            """#, stream: true)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":4096,"messages":[{"role":"user","content":"x"}],"temperature":1,
             "stop_sequences":["###"],"metadata":{"user_id":"u-1"},"stream":true}
            """#))
        let list = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],"stop":["a","","b"],"temperature":0.3}"#)
        #expect(list["stop_sequences"] == json(#"["a","b"]"#))
        #expect(list["temperature"] == 0.3)
    }

    @Test("temperature or top_p alone goes upstream as given; of both (Claude refuses the pair) only temperature does",
          arguments: [
            (#""temperature":0.3"#, #""temperature":0.3"#),
            (#""top_p":0.8"#, #""top_p":0.8"#),
            (#""temperature":0.3,"top_p":0.8"#, #""temperature":0.3"#),
            (#""temperature":null,"top_p":0.8"#, #""top_p":0.8"#),
          ])
    func temperatureOrTopP(given: String, sent: String) throws {
        let converted = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],\#(given)}"#)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":4096,"messages":[{"role":"user","content":"x"}],\#(sent)}
            """#))
    }

    @Test("with thinking on, a top_p that thinking allows stays when thinking removed the temperature")
    func topPKeptWhenThinkingDropsTemperature() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"reasoning_effort":"low",
             "temperature":0.5,"top_p":0.98}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":4096,"messages":[{"role":"user","content":"x"}],"top_p":0.98,
             "thinking":{"type":"enabled","budget_tokens":2048}}
            """#))
    }

    @Test("whitespace-only stop sequences are refused: a 400 invalid_request_error whose message names stop",
          arguments: [(#""\n""#, #""\n""#), (#"["\n\n","END"]"#, #""\n\n""#), (#"["END"," \t"]"#, #"" \t""#)])
    func whitespaceStopRefused(stop: String, quoted: String) throws {  // `quoted`: the sequence as JSON text
        let failure = try refusal(#"{"model":"g","messages":[{"role":"user","content":"x"}],"stop":\#(stop)}"#)
        let message = "stop: Anthropic models do not accept whitespace-only stop sequences (\(quoted)); "
            + "remove it or add visible characters"
        #expect(failure == (LESSLLM_E_INVALID_REQUEST, message))
        // What the OpenAI client receives: the host renders the plugin's refusal as a 400 in its dialect.
        let error = StatusCode.gatewayError(failure.status, message: failure.message)
        #expect(error.status == 400)
        #expect(json(error.body(for: .openAIChat)) == json(#"""
            {"error":{"message":\#(JSONString.quoted(message)),"type":"invalid_request_error","param":null,"code":null}}
            """#))
    }

    @Test("stop sequences with visible characters go upstream as given, whitespace around them included")
    func visibleStopSequencesKept() throws {
        let stops = #"["END","\nObservation:"," x "]"#
        let converted = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],"stop":\#(stops)}"#)
        #expect(converted["stop_sequences"] == json(stops))
    }

    @Test("parameters whose loss would change the answer are refused with a 400 naming them", arguments: [
        (#""n":2"#, "n=2 asks for several choices, but Anthropic models return one; send n=1 or leave n out"),
        (#""logprobs":true"#, "logprobs cannot be returned by Anthropic models; leave logprobs and top_logprobs out"),
        (#""response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}}"#,
         "response_format json_schema cannot be enforced by Anthropic models; describe the schema in the prompt or use a tool instead"),
        (#""modalities":["text","audio"]"#, "modalities other than text cannot be produced by Anthropic models"),
        (#""audio":{"voice":"alloy","format":"mp3"}"#, "audio output cannot be produced by Anthropic models; leave audio out"),
    ])
    func meaningfulParametersRefused(field: String, message: String) throws {
        let failure = try refusal(#"{"model":"g",\#(field),"messages":[{"role":"user","content":"x"}]}"#)
        #expect(failure == (LESSLLM_E_INVALID_REQUEST, message))
    }

    @Test("reasoning_effort enables thinking with a budget below max_tokens; a changed temperature gives way")
    func reasoningEffort() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"reasoning_effort":"high","max_completion_tokens":10000,"temperature":0.5}
            """#)
        #expect(converted == json(#"""
            {"model":"upstream-model","max_tokens":10000,"messages":[{"role":"user","content":"x"}],
             "thinking":{"type":"enabled","budget_tokens":9999}}
            """#))
        let medium = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],"reasoning_effort":"medium","max_tokens":32000}"#)
        #expect(medium["thinking"] == json(#"{"type":"enabled","budget_tokens":8192}"#))
        let tooSmall = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],"reasoning_effort":"low","max_tokens":800}"#)
        #expect(tooSmall["thinking"] == nil)
        let forced = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"}],"reasoning_effort":"low","tool_choice":"required",
             "tools":[{"type":"function","function":{"name":"f"}}]}
            """#)
        #expect(forced["thinking"] == nil)
        let given = try convert(#"{"model":"g","messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled","budget_tokens":3000}}"#)
        #expect(given["thinking"] == json(#"{"type":"enabled","budget_tokens":3000}"#))
    }

    @Test("reasoning_content without our signature cannot be replayed to Anthropic and is dropped")
    func unsignedReasoningDropped() throws {
        let converted = try convert(#"""
            {"model":"g","messages":[{"role":"user","content":"x"},
             {"role":"assistant","content":"Answer.","reasoning_content":"DeepSeek thoughts"},{"role":"user","content":"y"}]}
            """#)
        #expect(converted["messages"]?[1] == json(#"{"role":"assistant","content":"Answer."}"#))
    }

    @Test("answering a tool call whose turn lost its signed thinking: thinking off (Anthropic would refuse it)")
    func toolLoopWithoutSignedThinking() throws {
        let tools = #""tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]"#
        let call = #"{"role":"assistant","content":null,"tool_calls":[{"id":"call_toolu_01","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
        let result = #"{"role":"tool","tool_call_id":"call_toolu_01","content":"ok"}"#
        func thinking(_ messages: String) throws -> JSONValue? {
            try convert(#"{"model":"g","reasoning_effort":"medium","max_tokens":32000,\#(tools),"messages":[\#(messages)]}"#)["thinking"]
        }
        let user = #"{"role":"user","content":"x"}"#
        #expect(try thinking("\(user),\(call),\(result)") == nil)
        // With its signed thinking (kept by clients that send back what they got), thinking stays on.
        let signed = call.replacingOccurrences(of: #""content":null"#,
                                               with: ##""content":null,"reasoning_content":"","reasoning_signature":"sig==""##)
        let converted = try convert(#"{"model":"g","reasoning_effort":"medium","max_tokens":32000,\#(tools),"messages":[\#(user),\#(signed),\#(result)]}"#)
        #expect(converted["thinking"] == json(#"{"type":"enabled","budget_tokens":8192}"#))
        #expect(converted["messages"]?[1]?["content"]?[0] == json(#"{"type":"thinking","thinking":"","signature":"sig=="}"#))
        // A new user turn after the tool loop, or no tool call at all: thinking is on.
        #expect(try thinking("\(user),\(call),\(result),{\"role\":\"assistant\",\"content\":\"done\"},\(user)") != nil)
        #expect(try thinking(user) != nil)
    }

    @Test("a streamed request sets stream: true and needs no stream_options")
    func stream() throws {
        let converted = try convert(#"{"model":"g","stream":true,"messages":[{"role":"user","content":"x"}]}"#, stream: true)
        #expect(converted == json(#"{"model":"upstream-model","max_tokens":4096,"messages":[{"role":"user","content":"x"}],"stream":true}"#))
    }

    @Test("content Anthropic cannot take is refused with a 400 naming it")
    func unsupportedContent() throws {
        let audio = try refusal(#"""
            {"model":"g","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}
            """#)
        #expect(audio == (LESSLLM_E_UNSUPPORTED, "messages[0].content[0]: content parts of type 'input_audio' cannot be sent to Anthropic models"))
        let fileID = try refusal(#"""
            {"model":"g","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}
            """#)
        #expect(fileID.status == LESSLLM_E_UNSUPPORTED)
        #expect(fileID.message.contains("file_id"))
        let function = try refusal(#"{"model":"g","messages":[{"role":"function","name":"f","content":"x"}]}"#)
        #expect(function.status == LESSLLM_E_INVALID_REQUEST)
        #expect(function.message.hasPrefix("messages[0].role 'function' is not supported"))
    }
}

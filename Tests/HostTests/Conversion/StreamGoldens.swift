import JSONCore

/// Golden Anthropic stream events, written out as the Messages API documents them.
enum AnthropicGolden {
    static let model = "claude-sonnet-4"

    static func messageStart(input: Int, cacheRead: Int = 0) -> Emitted {
        Emitted("message_start", json(#"""
            {"type":"message_start","message":{"id":"\#(Conversion.messageID)","type":"message","role":"assistant",
             "model":"\#(model)","content":[],"stop_reason":null,"stop_sequence":null,
             "usage":{"input_tokens":\#(input),"cache_creation_input_tokens":0,"cache_read_input_tokens":\#(cacheRead),"output_tokens":0}}}
            """#))
    }

    static let ping = Emitted("ping", json(#"{"type":"ping"}"#))

    static func textStart(_ index: Int) -> Emitted {
        start(index, #"{"type":"text","text":""}"#)
    }

    static func thinkingStart(_ index: Int) -> Emitted {
        start(index, #"{"type":"thinking","thinking":"","signature":""}"#)
    }

    static func toolStart(_ index: Int, id: String, name: String) -> Emitted {
        start(index, #"{"type":"tool_use","id":\#(JSONString.quoted(id)),"name":\#(JSONString.quoted(name)),"input":{}}"#)
    }

    static func text(_ index: Int, _ text: String) -> Emitted {
        delta(index, #"{"type":"text_delta","text":\#(JSONString.quoted(text))}"#)
    }

    static func thinking(_ index: Int, _ text: String) -> Emitted {
        delta(index, #"{"type":"thinking_delta","thinking":\#(JSONString.quoted(text))}"#)
    }

    static func signature(_ index: Int, _ signature: String) -> Emitted {
        delta(index, #"{"type":"signature_delta","signature":\#(JSONString.quoted(signature))}"#)
    }

    static func inputJSON(_ index: Int, _ fragment: String) -> Emitted {
        delta(index, #"{"type":"input_json_delta","partial_json":\#(JSONString.quoted(fragment))}"#)
    }

    static func stop(_ index: Int) -> Emitted {
        Emitted("content_block_stop", json(#"{"type":"content_block_stop","index":\#(index)}"#))
    }

    static func messageDelta(_ reason: String, sequence: String? = nil, input: Int, output: Int, cacheRead: Int = 0) -> Emitted {
        Emitted("message_delta", json(#"""
            {"type":"message_delta","delta":{"stop_reason":"\#(reason)","stop_sequence":\#(sequence.map(JSONString.quoted) ?? "null")},
             "usage":{"input_tokens":\#(input),"cache_creation_input_tokens":0,"cache_read_input_tokens":\#(cacheRead),"output_tokens":\#(output)}}
            """#))
    }

    static let messageStop = Emitted("message_stop", json(#"{"type":"message_stop"}"#))

    private static func start(_ index: Int, _ block: String) -> Emitted {
        Emitted("content_block_start", json(#"{"type":"content_block_start","index":\#(index),"content_block":\#(block)}"#))
    }

    private static func delta(_ index: Int, _ delta: String) -> Emitted {
        Emitted("content_block_delta", json(#"{"type":"content_block_delta","index":\#(index),"delta":\#(delta)}"#))
    }
}

/// Golden OpenAI chunks, written out as Chat Completions streams them.
enum OpenAIGolden {
    static let model = "gpt-4o"

    static func chunk(_ delta: String, finish: String? = nil) -> Emitted {
        Emitted("", json(#"""
            {"id":"\#(Conversion.completionID)","object":"chat.completion.chunk","created":\#(Conversion.created),"model":"\#(model)",
             "choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish.map(JSONString.quoted) ?? "null")}]}
            """#))
    }

    static let role = chunk(#"{"role":"assistant","content":""}"#)

    static func content(_ text: String) -> Emitted { chunk(#"{"content":\#(JSONString.quoted(text))}"#) }

    static func usage(prompt: Int, completion: Int, cached: Int = 0) -> Emitted {
        Emitted("", json(#"""
            {"id":"\#(Conversion.completionID)","object":"chat.completion.chunk","created":\#(Conversion.created),"model":"\#(model)",
             "choices":[],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"total_tokens":\#(prompt + completion),
             "prompt_tokens_details":{"cached_tokens":\#(cached)}}}
            """#))
    }

    static let done = Emitted("", .string("[DONE]"))
}

/// Upstream Anthropic events for stream tests.
enum AnthropicUpstream {
    static func messageStart(input: Int = 25, cacheRead: Int = 0) -> JSONValue {
        json(#"""
            {"type":"message_start","message":{"id":"msg_up","type":"message","role":"assistant","model":"claude-sonnet-4",
             "content":[],"stop_reason":null,"stop_sequence":null,
             "usage":{"input_tokens":\#(input),"cache_creation_input_tokens":0,"cache_read_input_tokens":\#(cacheRead),"output_tokens":1}}}
            """#)
    }

    static func blockStart(_ index: Int, _ block: String) -> JSONValue {
        json(#"{"type":"content_block_start","index":\#(index),"content_block":\#(block)}"#)
    }

    static func delta(_ index: Int, _ delta: String) -> JSONValue {
        json(#"{"type":"content_block_delta","index":\#(index),"delta":\#(delta)}"#)
    }

    static func text(_ index: Int, _ text: String) -> JSONValue {
        delta(index, #"{"type":"text_delta","text":\#(JSONString.quoted(text))}"#)
    }

    static func blockStop(_ index: Int) -> JSONValue { json(#"{"type":"content_block_stop","index":\#(index)}"#) }

    static func messageDelta(_ reason: String, output: Int) -> JSONValue {
        json(#"{"type":"message_delta","delta":{"stop_reason":"\#(reason)","stop_sequence":null},"usage":{"output_tokens":\#(output)}}"#)
    }

    static let ping = json(#"{"type":"ping"}"#)
    static let messageStop = json(#"{"type":"message_stop"}"#)
}

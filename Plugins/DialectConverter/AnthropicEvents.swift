import JSONCore

/// Builders for the Anthropic stream events we emit, in the shapes (and member order) the Messages API uses.
///
/// THREAD: pure functions.
enum AnthropicEvents {
    /// `message_start`: an empty assistant message with the input counts known so far (output counts 0).
    static func messageStart(id: String, model: String, usage: TokenUsage) -> ClientEvent {
        var startUsage = usage
        startUsage.output = 0
        return event("message_start", [
            "type": "message_start",
            "message": ["id": .string(id), "type": "message", "role": "assistant", "model": .string(model),
                        "content": [], "stop_reason": nil, "stop_sequence": nil, "usage": startUsage.anthropicJSON],
        ])
    }

    /// `ping`, which Anthropic sends right after `message_start`.
    static let ping = ClientEvent(type: "ping", data: #"{"type":"ping"}"#)

    /// `content_block_start` for `block` at `index`.
    static func blockStart(_ index: Int, _ block: JSONValue) -> ClientEvent {
        event("content_block_start", ["type": "content_block_start", "index": .int(index), "content_block": block])
    }

    /// An empty text block.
    static func textBlockStart(_ index: Int) -> ClientEvent { blockStart(index, ["type": "text", "text": ""]) }

    /// An empty thinking block (its signature arrives as a `signature_delta`).
    static func thinkingBlockStart(_ index: Int) -> ClientEvent {
        blockStart(index, ["type": "thinking", "thinking": "", "signature": ""])
    }

    /// A tool_use block with empty input (the input arrives as `input_json_delta` fragments).
    static func toolBlockStart(_ index: Int, id: String, name: String) -> ClientEvent {
        blockStart(index, ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]])
    }

    /// `text_delta`.
    static func textDelta(_ index: Int, _ text: String) -> ClientEvent {
        delta(index, ["type": "text_delta", "text": .string(text)])
    }

    /// `thinking_delta`.
    static func thinkingDelta(_ index: Int, _ thinking: String) -> ClientEvent {
        delta(index, ["type": "thinking_delta", "thinking": .string(thinking)])
    }

    /// `signature_delta`: the whole signature, sent once before the thinking block stops.
    static func signatureDelta(_ index: Int, _ signature: String) -> ClientEvent {
        delta(index, ["type": "signature_delta", "signature": .string(signature)])
    }

    /// `input_json_delta`: one fragment of a tool's input JSON.
    static func inputJSONDelta(_ index: Int, _ fragment: String) -> ClientEvent {
        delta(index, ["type": "input_json_delta", "partial_json": .string(fragment)])
    }

    /// `content_block_stop`.
    static func blockStop(_ index: Int) -> ClientEvent {
        event("content_block_stop", ["type": "content_block_stop", "index": .int(index)])
    }

    /// `message_delta`: the stop reason and the final usage.
    static func messageDelta(stopReason: String, stopSequence: String?, usage: TokenUsage) -> ClientEvent {
        event("message_delta", [
            "type": "message_delta",
            "delta": ["stop_reason": .string(stopReason), "stop_sequence": stopSequence.map(JSONValue.string) ?? nil],
            "usage": usage.anthropicJSON,
        ])
    }

    /// `message_stop`, the stream's terminal event.
    static let messageStop = ClientEvent(type: "message_stop", data: #"{"type":"message_stop"}"#)

    private static func delta(_ index: Int, _ delta: JSONValue) -> ClientEvent {
        event("content_block_delta", ["type": "content_block_delta", "index": .int(index), "delta": delta])
    }

    private static func event(_ type: String, _ data: JSONValue) -> ClientEvent {
        ClientEvent(type: type, data: data.serialized())
    }
}

import JSONCore

/// Builds the `chat.completion.chunk` events we emit for an OpenAI client: one choice (index 0), the same id,
/// `created` and model on every chunk, as OpenAI streams them.
///
/// THREAD: an immutable value.
struct OpenAIChunks {
    /// `chatcmpl-<exchange id>`.
    let id: String
    /// Unix seconds.
    let created: Int
    /// The model the client asked for.
    let model: String

    /// The terminal `data: [DONE]`.
    static let done = ClientEvent(type: "", data: "[DONE]")

    /// A chunk with one choice holding `delta`, and the finish reason when given.
    func chunk(_ delta: JSONObject, finishReason: String? = nil) -> ClientEvent {
        let choice: JSONValue = ["index": 0, "delta": .object(delta), "logprobs": nil,
                                 "finish_reason": finishReason.map(JSONValue.string) ?? nil]
        return event(choices: [choice], usage: nil)
    }

    /// The usage chunk: no choices, the usage.
    func usageChunk(_ usage: TokenUsage) -> ClientEvent {
        event(choices: [], usage: usage.openAIJSON)
    }

    private func event(choices: [JSONValue], usage: JSONValue?) -> ClientEvent {
        var object: JSONObject = ["id": .string(id), "object": "chat.completion.chunk", "created": .int(created),
                                  "model": .string(model), "choices": .array(choices)]
        object.setIfPresent("usage", usage)
        return ClientEvent(type: "", data: JSONValue.object(object).serialized())
    }
}

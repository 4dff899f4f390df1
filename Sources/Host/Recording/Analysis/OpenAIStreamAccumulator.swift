import JSONCore

/// Rebuilds one `chat.completion` from the chunks of an OpenAI Chat Completions stream — what a client that
/// read the whole stream ended up with: text, reasoning, tool calls with their full arguments, finish reason,
/// usage. A stream cut short yields the partial message.
struct OpenAIStreamAccumulator {
    private struct Choice {
        var content: String?
        var reasoning: String?
        var toolCalls: [Int: (id: String?, name: String, arguments: String)] = [:]
        var finishReason: JSONValue = .null
    }

    private var head = JSONObject()
    private var choices: [Int: Choice] = [:]
    private var usage: JSONValue?
    /// An error object the stream carried, if any.
    private(set) var error: JSONValue?

    /// Adds one chunk (the data of one event); `[DONE]` and non-JSON data are ignored.
    /// - Returns: whether the chunk carried a content token (text, reasoning or tool arguments).
    @discardableResult
    mutating func add(_ data: ArraySlice<UInt8>) -> Bool {
        guard data.first == UInt8(ascii: "{"), let chunk = try? JSONValue(parsing: data) else { return false }
        if let error = chunk["error"], !error.isNull {
            self.error = chunk
            return false
        }
        var carriedContent = false
        for key in ["id", "created", "model", "system_fingerprint"] where head[key] == nil {
            if let value = chunk[key], !value.isNull { head[key] = value }
        }
        if let reported = chunk["usage"], !reported.isNull { usage = reported }
        for item in chunk["choices"]?.arrayValue ?? [] {
            let index = item["index"]?.intValue ?? 0
            var choice = choices[index] ?? Choice()
            let delta = item["delta"]
            if let text = delta?["content"]?.stringValue {
                choice.content = (choice.content ?? "") + text
                carriedContent = carriedContent || !text.isEmpty
            }
            if let text = delta?["reasoning_content"]?.stringValue {
                choice.reasoning = (choice.reasoning ?? "") + text
                carriedContent = carriedContent || !text.isEmpty
            }
            for call in delta?["tool_calls"]?.arrayValue ?? [] {
                let slot = call["index"]?.intValue ?? choice.toolCalls.count
                var entry = choice.toolCalls[slot] ?? (nil, "", "")
                if let id = call["id"]?.stringValue, entry.id == nil { entry.id = id }
                if let name = call["function"]?["name"]?.stringValue { entry.name += name }
                if let arguments = call["function"]?["arguments"]?.stringValue {
                    entry.arguments += arguments
                    carriedContent = carriedContent || !arguments.isEmpty
                }
                choice.toolCalls[slot] = entry
            }
            if let reason = item["finish_reason"], !reason.isNull { choice.finishReason = reason }
            choices[index] = choice
        }
        return carriedContent
    }

    /// The completion so far.
    var completion: JSONValue {
        var result = JSONObject()
        result["id"] = head["id"] ?? .null
        result["object"] = "chat.completion"
        result["created"] = head["created"] ?? .null
        result["model"] = head["model"] ?? .null
        if let fingerprint = head["system_fingerprint"] { result["system_fingerprint"] = fingerprint }
        result["choices"] = .array(choices.keys.sorted().map { index in
            let choice = choices[index]!
            var message: JSONObject = ["role": "assistant", "content": choice.content.map(JSONValue.string) ?? .null]
            if let reasoning = choice.reasoning { message["reasoning_content"] = .string(reasoning) }
            if !choice.toolCalls.isEmpty {
                message["tool_calls"] = .array(choice.toolCalls.keys.sorted().map { slot in
                    let call = choice.toolCalls[slot]!
                    return ["id": call.id.map(JSONValue.string) ?? .null, "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                })
            }
            return ["index": .int(index), "message": .object(message), "finish_reason": choice.finishReason]
        })
        result["usage"] = usage ?? .null
        return .object(result)
    }
}

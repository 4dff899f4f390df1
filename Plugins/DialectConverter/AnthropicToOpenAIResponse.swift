import JSONCore
import PluginKit

/// A whole Anthropic Messages response → a whole OpenAI `chat.completion` (OpenAI client, Anthropic upstream).
///
/// Text blocks join into `content` (null when the answer is only tool calls); `tool_use` blocks become
/// `tool_calls` (`call_` ids, input serialised as the arguments string); thinking becomes `reasoning_content`
/// with the `reasoning_signature` / `reasoning_redacted` extensions (see `DialectConverter`); `stop_reason` →
/// `finish_reason` (`StopReasons`); usage → OpenAI usage (`TokenUsage`). Server-tool blocks are not shown.
///
/// THREAD: pure functions.
enum AnthropicToOpenAIResponse {
    /// Converts the body.
    /// - Throws: `PluginError` when the body is not an Anthropic message.
    static func convert(_ body: JSONValue, client: ClientRequestInfo) throws(PluginError) -> JSONValue {
        guard body["type"]?.stringValue == "message", let blocks = body["content"]?.arrayValue else {
            if let error = body["error"], body["type"]?.stringValue == "error" {
                throw ErrorBodies.streamFailure(type: error["type"]?.stringValue, message: error["message"]?.stringValue ?? "")
            }
            throw .upstream("The upstream's answer is not an Anthropic message: \(OpenAIToAnthropicRequest.excerpt(body.compactText))")
        }
        var texts: [String] = []
        var reasoning: [String] = []
        var signature: String?
        var redacted: [JSONValue] = []
        var toolCalls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue { texts.append(text) }
            case "thinking":
                reasoning.append(block["thinking"]?.stringValue ?? "")
                if signature == nil { signature = block["signature"]?.nonEmptyString }
            case "redacted_thinking":
                if let data = block["data"]?.nonEmptyString { redacted.append(.string(data)) }
            case "tool_use":
                let id = ToolIDs.openAIID(forUpstreamAnthropic: block["id"]?.stringValue ?? "")
                let arguments = (block["input"] ?? [:]).compactText
                toolCalls.append(["id": .string(id), "type": "function",
                                  "function": ["name": block["name"] ?? "", "arguments": .string(arguments)]])
            default:
                break
            }
        }
        let text = texts.joined()
        var message: JSONObject = ["role": "assistant", "content": text.isEmpty && !toolCalls.isEmpty ? .null : .string(text)]
        let thinking = reasoning.joined()
        if !thinking.isEmpty || signature != nil { message["reasoning_content"] = .string(thinking) }
        message.setIfPresent("reasoning_signature", signature.map(JSONValue.string))
        if !redacted.isEmpty { message["reasoning_redacted"] = .array(redacted) }
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }

        let finishReason = StopReasons.finishReason(forAnthropic: body["stop_reason"]?.stringValue ?? "end_turn")
        var completion: JSONObject = [
            "id": .string(client.openAICompletionID),
            "object": "chat.completion",
            "created": .int(client.created),
            "model": .string(client.model.isEmpty ? body["model"]?.stringValue ?? "" : client.model),
            "choices": [["index": 0, "message": .object(message), "logprobs": nil, "finish_reason": .string(finishReason)]],
        ]
        completion.setIfPresent("usage", TokenUsage(anthropic: body["usage"])?.openAIJSON)
        return .object(completion)
    }
}

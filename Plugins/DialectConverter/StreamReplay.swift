import JSONCore

/// Replays a whole converted response as the client's stream, for an upstream that answered a streamed request
/// with a plain JSON body (some OpenAI-compatible servers ignore `stream: true`, e.g. when tools are involved).
/// The client asked for a stream, and its SDK cannot read anything else, so it gets one — all at once, in the
/// same event order a live stream has.
///
/// THREAD: pure functions.
enum StreamReplay {
    /// Anthropic stream events for a whole Anthropic message.
    static func anthropicEvents(for message: JSONValue) -> [ClientEvent] {
        let usage = TokenUsage(anthropic: message["usage"]) ?? TokenUsage()
        var events = [AnthropicEvents.messageStart(id: message["id"]?.stringValue ?? "", model: message["model"]?.stringValue ?? "",
                                                   usage: usage),
                      AnthropicEvents.ping]
        for (index, block) in (message["content"]?.arrayValue ?? []).enumerated() {
            switch block["type"]?.stringValue {
            case "text":
                events += [AnthropicEvents.textBlockStart(index),
                           AnthropicEvents.textDelta(index, block["text"]?.stringValue ?? "")]
            case "thinking":
                events += [AnthropicEvents.thinkingBlockStart(index),
                           AnthropicEvents.thinkingDelta(index, block["thinking"]?.stringValue ?? "")]
                if let signature = block["signature"]?.nonEmptyString {
                    events.append(AnthropicEvents.signatureDelta(index, signature))
                }
            case "tool_use":
                events += [AnthropicEvents.toolBlockStart(index, id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? ""),
                           AnthropicEvents.inputJSONDelta(index, (block["input"] ?? [:]).compactText)]
            default:
                events.append(AnthropicEvents.blockStart(index, block))  // redacted thinking comes whole
            }
            events.append(AnthropicEvents.blockStop(index))
        }
        events.append(AnthropicEvents.messageDelta(stopReason: message["stop_reason"]?.stringValue ?? "end_turn",
                                                   stopSequence: message["stop_sequence"]?.stringValue, usage: usage))
        events.append(AnthropicEvents.messageStop)
        return events
    }

    /// OpenAI chunks for a whole chat completion.
    static func openAIChunks(for completion: JSONValue, includeUsage: Bool) -> [ClientEvent] {
        let chunks = OpenAIChunks(id: completion["id"]?.stringValue ?? "", created: completion["created"]?.intValue ?? 0,
                                  model: completion["model"]?.stringValue ?? "")
        let message = completion["choices"]?[0]?["message"]
        var events = [chunks.chunk(["role": "assistant", "content": ""])]
        for key in ["reasoning_content", "reasoning_signature", "reasoning_redacted", "content"] {
            if let value = message?[key], !value.isNull, value != "" { events.append(chunks.chunk([key: value])) }
        }
        for (index, call) in (message?["tool_calls"]?.arrayValue ?? []).enumerated() {
            var opening = call.objectValue ?? [:]
            opening["index"] = .int(index)
            let arguments = call["function"]?["arguments"] ?? ""
            opening["function"] = ["name": call["function"]?["name"] ?? "", "arguments": ""]
            events.append(chunks.chunk(["tool_calls": [.object(opening)]]))
            if arguments != "" {
                events.append(chunks.chunk(["tool_calls": [["index": .int(index), "function": ["arguments": arguments]]]]))
            }
        }
        events.append(chunks.chunk([:], finishReason: completion["choices"]?[0]?["finish_reason"]?.stringValue ?? "stop"))
        if includeUsage, let usage = completion["usage"], let counts = openAIUsage(usage) { events.append(chunks.usageChunk(counts)) }
        events.append(OpenAIChunks.done)
        return events
    }

    /// Our own OpenAI usage object read back (it was written from a `TokenUsage`).
    private static func openAIUsage(_ usage: JSONValue) -> TokenUsage? {
        guard var counts = TokenUsage(openAI: usage) else { return nil }
        counts.reasoning = usage["completion_tokens_details"]?["reasoning_tokens"]?.count
        return counts
    }
}

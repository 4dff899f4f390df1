import JSONCore
import PluginKit

/// Anthropic `messages` → OpenAI `messages`.
///
/// - A user turn's `tool_result` blocks become `role: tool` messages, in order, ahead of the rest of the turn (OpenAI
///   wants them right after the assistant's `tool_calls`). `is_error: true` has no OpenAI field; it is kept as an
///   `Error: ` prefix on the tool message's text, so the model still learns the tool failed. Images inside a tool
///   result cannot go in a tool message; they follow in the user message after the tool messages.
/// - Text, images and documents become a user message: a plain string when it is only text (joined by blank
///   lines, which every OpenAI-compatible server accepts), otherwise an array of parts.
/// - An assistant turn's text becomes `content`, `tool_use` blocks become `tool_calls` (input serialised as the
///   arguments string; ids lose the `toolu_` prefix we add on the way out, see `ToolIDs`), and `thinking` blocks —
///   signed or not (PEER_BUGS #12) — become `reasoning_content`. `redacted_thinking` and server-tool blocks mean
///   nothing to another model and are dropped.
/// - Empty text is skipped and a message left with nothing is dropped (never an empty message, PEER_BUGS #14); an
///   empty tool result still answers its call, as "(no content)".
extension AnthropicToOpenAIRequest {
    /// Converts `messages`.
    /// - Throws: `PluginError.invalidRequest` for malformed messages, `.unsupported` for content OpenAI cannot take.
    mutating func convertMessages(_ messages: [JSONValue]) throws(PluginError) -> [JSONValue] {
        var output: [JSONValue] = []
        for (index, message) in messages.enumerated() {
            let location = RequestPath("messages")[index]
            let blocks: [JSONValue]
            switch message["content"] {
            case .string(let text)?: blocks = text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
            case .array(let list)?: blocks = list
            default: throw .invalidRequest("\(location).content must be a string or an array of content blocks")
            }
            if blocks.contains(where: { $0["cache_control"] != nil }) {
                notes.drop("cache_control", because: "OpenAI caches prompts by itself")
            }
            switch message["role"]?.stringValue {
            case "user": output += try userMessages(blocks, at: location)
            case "assistant": output += try assistantMessage(blocks, at: location).map { [$0] } ?? []
            default: throw .invalidRequest("\(location).role must be user or assistant")
            }
        }
        return output
    }

    /// The tool messages and the user message for one user turn.
    private mutating func userMessages(_ blocks: [JSONValue], at location: RequestPath) throws(PluginError) -> [JSONValue] {
        var toolMessages: [JSONValue] = []
        var toolImages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockLocation = location.member("content")[index]
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.nonEmptyString { parts.append(["type": "text", "text": .string(text)]) }
            case "image":
                parts.append(try MediaParts.openAIImagePart(fromAnthropic: block, at: blockLocation))
            case "document":
                parts += try MediaParts.openAIDocumentParts(fromAnthropic: block, at: blockLocation)
            case "tool_result":
                guard let id = block["tool_use_id"]?.nonEmptyString else {
                    throw .invalidRequest("\(blockLocation).tool_use_id is missing")
                }
                let (text, images) = try toolResultContent(block, at: blockLocation)
                toolMessages.append(["role": "tool", "tool_call_id": .string(ToolIDs.upstreamOpenAICall(fromClient: id).id),
                                     "content": .string(text)])
                toolImages += images
            case let type:
                throw .unsupported("\(blockLocation): content blocks of type '\(type ?? "none")' cannot be sent to an "
                                   + "OpenAI-compatible model")
            }
        }
        let content = toolImages + parts
        guard !content.isEmpty else {
            if toolMessages.isEmpty { notes.drop("\(location)", because: "it has no content") }
            return toolMessages
        }
        return toolMessages + [["role": "user", "content": Self.userContent(content)]]
    }

    /// A tool result's text (with the error prefix) and the images it returned.
    private func toolResultContent(_ block: JSONValue, at location: RequestPath) throws(PluginError) -> (String, [JSONValue]) {
        var texts: [String] = []
        var images: [JSONValue] = []
        switch block["content"] {
        case .string(let text)?:
            if !text.isEmpty { texts.append(text) }
        case .array(let parts)?:
            for (index, part) in parts.enumerated() {
                switch part["type"]?.stringValue {
                case "text": if let text = part["text"]?.nonEmptyString { texts.append(text) }
                case "image": images.append(try MediaParts.openAIImagePart(fromAnthropic: part, at: location.member("content")[index]))
                case "document":
                    for converted in try MediaParts.openAIDocumentParts(fromAnthropic: part, at: location.member("content")[index]) {
                        if let text = converted["text"]?.stringValue { texts.append(text) } else { images.append(converted) }
                    }
                case let type:
                    throw .unsupported("\(location).content[\(index)]: tool result parts of type '\(type ?? "none")' "
                                       + "cannot be sent to an OpenAI-compatible model")
                }
            }
        case nil, .null?:
            break
        default:
            throw .invalidRequest("\(location).content must be a string or an array of blocks")
        }
        var text = texts.joined(separator: "\n")
        if text.isEmpty { text = images.isEmpty ? "(no content)" : "(see the attached images)" }
        if block["is_error"]?.boolValue == true { text = "Error: " + text }
        return (text, images)
    }

    /// The assistant message for one assistant turn, or nil when nothing is left of it.
    private mutating func assistantMessage(_ blocks: [JSONValue], at location: RequestPath) throws(PluginError) -> JSONValue? {
        var texts: [String] = []
        var reasoning: [String] = []
        var toolCalls: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockLocation = location.member("content")[index]
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.nonEmptyString { texts.append(text) }
            case "thinking":
                if let text = block["thinking"]?.nonEmptyString { reasoning.append(text) }
            case "redacted_thinking":
                notes.drop("redacted_thinking", because: "only Anthropic can read it")
            case "tool_use":
                guard let id = block["id"]?.nonEmptyString, let name = block["name"]?.nonEmptyString else {
                    throw .invalidRequest("\(blockLocation) needs an id and a name")
                }
                let input = block["input"] ?? [:]
                guard input.objectValue != nil else { throw .invalidRequest("\(blockLocation).input must be an object") }
                let upstream = ToolIDs.upstreamOpenAICall(fromClient: id)
                var call: JSONObject = ["id": .string(upstream.id), "type": "function",
                                        "function": ["name": .string(ToolNames.forOpenAI(name)),
                                                     "arguments": .string(input.compactText)]]
                if let signature = upstream.thoughtSignature {
                    call["extra_content"] = ["google": ["thought_signature": .string(signature)]]
                }
                toolCalls.append(.object(call))
            case "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
                 "mcp_tool_use", "mcp_tool_result", "container_upload":
                notes.drop("\(block["type"]?.stringValue ?? "") blocks", because: "server tools only run on Anthropic's servers")
            case let type:
                throw .unsupported("\(blockLocation): content blocks of type '\(type ?? "none")' cannot be sent to an "
                                   + "OpenAI-compatible model")
            }
        }
        guard !texts.isEmpty || !toolCalls.isEmpty else {
            notes.drop("\(location)", because: "an assistant turn with neither text nor tool calls")
            return nil
        }
        var message: JSONObject = ["role": "assistant", "content": texts.isEmpty ? .null : .string(texts.joined(separator: "\n\n"))]
        if !reasoning.isEmpty {
            if options.replayReasoningContent {
                message["reasoning_content"] = .string(reasoning.joined(separator: "\n\n"))
            } else {
                notes.drop("thinking blocks", because: "replay_reasoning_content is off")
            }
        }
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
        return .object(message)
    }

    /// A user message's content: a plain string when all parts are text, else the parts.
    private static func userContent(_ parts: [JSONValue]) -> JSONValue {
        let texts = parts.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
        return texts.count == parts.count ? .string(texts.joined(separator: "\n\n")) : .array(parts)
    }
}

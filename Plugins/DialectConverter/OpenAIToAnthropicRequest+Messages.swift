import JSONCore
import PluginKit

/// OpenAI `messages` → Anthropic `system` and `messages`.
///
/// - `system` and `developer` messages, wherever they stand, join the top-level `system` in order.
/// - Consecutive `role: tool` messages become ONE user turn of `tool_result` blocks in the same order (PEER_BUGS
///   #22); a user message right after them joins that turn, behind the results. OpenAI has no `is_error`, so
///   results go without it. Adjacent turns of the same role are merged, as Anthropic expects alternation.
/// - User parts: text, `image_url` (data URL → base64 source, http(s) → url source), `file` with PDF `file_data`
///   → `document`. Audio and file ids are refused with a 400.
/// - Assistant: `reasoning_content` (or `reasoning`) with our `reasoning_signature` extension becomes a `thinking`
///   block carrying that exact signature string (PEER_BUGS #8); without a signature Anthropic would refuse the block,
///   so it is dropped. Our `reasoning_redacted` list becomes `redacted_thinking` blocks. Text follows, then
///   `tool_calls` → `tool_use` (arguments parsed into the input object — unparsable arguments are a 400; ids lose the
///   `call_` prefix we add on the way out, see `ToolIDs`).
/// - Empty or blank text is skipped and empty messages dropped (PEER_BUGS #14); the final assistant message (a
///   prefill) loses trailing whitespace, which Anthropic refuses.
extension OpenAIToAnthropicRequest {
    private typealias Turn = (role: String, blocks: [JSONValue])

    /// Converts `messages` into the system texts and the Anthropic messages.
    /// - Throws: `PluginError.invalidRequest` for malformed messages, `.unsupported` for content Anthropic cannot take.
    mutating func convertMessages(_ messages: [JSONValue]) throws(PluginError) -> (system: [String], messages: [JSONValue]) {
        var system: [String] = []
        var turns: [Turn] = []
        for (index, message) in messages.enumerated() {
            let location = RequestPath("messages")[index]
            let role = message["role"]?.stringValue
            switch role {
            case "system", "developer":
                system += try texts(of: message["content"], at: location).filter { !$0.isBlank }
            case "user":
                append((role: "user", blocks: try userBlocks(message["content"], at: location)), to: &turns, at: location)
            case "assistant":
                append((role: "assistant", blocks: try assistantBlocks(message, at: location)), to: &turns, at: location)
            case "tool":
                append((role: "user", blocks: [try toolResult(message, at: location)]), to: &turns, at: location)
            default:
                throw .invalidRequest("\(location).role '\(role ?? "none")' is not supported for Anthropic models "
                                      + "(use system, developer, user, assistant or tool)")
            }
        }
        if let last = turns.indices.last, turns[last].role == "assistant" { trimPrefill(&turns[last]) }
        return (system, turns.filter { !$0.blocks.isEmpty }.map(Self.message))
    }

    /// Adds a turn, merging it into the previous one when the role repeats.
    private mutating func append(_ turn: Turn, to turns: inout [Turn], at location: RequestPath) {
        guard !turn.blocks.isEmpty else {
            notes.drop("\(location)", because: "it has no content")
            return
        }
        guard let last = turns.indices.last, turns[last].role == turn.role else {
            turns.append(turn)
            return
        }
        // Tool results lead their user turn, as Anthropic requires; the rest keeps its order.
        let merged = turns[last].blocks + turn.blocks
        let isResult = { (block: JSONValue) in block["type"]?.stringValue == "tool_result" }
        turns[last].blocks = merged.filter(isResult) + merged.filter { !isResult($0) }
    }

    /// The texts of a string or an array of text parts.
    private func texts(of content: JSONValue?, at location: RequestPath) throws(PluginError) -> [String] {
        switch content {
        case .string(let text)?: return [text]
        case .array(let parts)?:
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                guard part["type"]?.stringValue == "text", let text = part["text"]?.stringValue else {
                    throw .invalidRequest("\(location).content[\(index)] must be a text part")
                }
                texts.append(text)
            }
            return texts
        case nil, .null?: return []
        default: throw .invalidRequest("\(location).content must be a string or an array of parts")
        }
    }

    private func userBlocks(_ content: JSONValue?, at location: RequestPath) throws(PluginError) -> [JSONValue] {
        guard case .array(let parts)? = content else {
            return try texts(of: content, at: location).filter { !$0.isBlank }.map { ["type": "text", "text": .string($0)] }
        }
        var blocks: [JSONValue] = []
        for (index, part) in parts.enumerated() {
            let partLocation = location.member("content")[index]
            switch part["type"]?.stringValue {
            case "text":
                if let text = part["text"]?.stringValue, !text.isBlank { blocks.append(["type": "text", "text": .string(text)]) }
            case "image_url": blocks.append(try MediaParts.anthropicImageBlock(fromOpenAI: part, at: partLocation))
            case "file": blocks.append(try MediaParts.anthropicDocumentBlock(fromOpenAI: part, at: partLocation))
            case let type:
                throw .unsupported("\(partLocation): content parts of type '\(type ?? "none")' cannot be sent to Anthropic models")
            }
        }
        return blocks
    }

    private mutating func assistantBlocks(_ message: JSONValue, at location: RequestPath) throws(PluginError) -> [JSONValue] {
        var blocks: [JSONValue] = []
        // Signed thinking may be empty text (the model's thinking can be withheld while its signature is kept).
        if let reasoning = message["reasoning_content"]?.stringValue ?? message["reasoning"]?.stringValue {
            if let signature = message["reasoning_signature"]?.nonEmptyString {
                blocks.append(["type": "thinking", "thinking": .string(reasoning), "signature": .string(signature)])
            } else if !reasoning.isEmpty {
                notes.drop("\(location).reasoning_content", because: "Anthropic needs the signature of thinking it did not produce")
            }
        }
        for data in message["reasoning_redacted"]?.elements ?? [] {
            if let data = data.nonEmptyString { blocks.append(["type": "redacted_thinking", "data": .string(data)]) }
        }
        switch message["content"] {
        case .array(let parts)?:
            for (index, part) in parts.enumerated() {
                guard let type = part["type"]?.stringValue, type == "text" || type == "refusal",
                      let text = part[type]?.stringValue else {
                    throw .invalidRequest("\(location).content[\(index)] must be a text or refusal part")
                }
                if !text.isBlank { blocks.append(["type": "text", "text": .string(text)]) }
            }
        default:
            for text in try texts(of: message["content"], at: location) where !text.isBlank {
                blocks.append(["type": "text", "text": .string(text)])
            }
        }
        if message["function_call"].map({ !$0.isNull }) == true {
            throw .invalidRequest("\(location).function_call (legacy function calling) is not supported for Anthropic "
                                  + "models; use tool_calls")
        }
        for (index, call) in (message["tool_calls"]?.elements ?? []).enumerated() {
            blocks.append(try toolUse(call, at: location.member("tool_calls")[index]))
        }
        return blocks
    }

    private func toolUse(_ call: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        guard call["type"]?.stringValue ?? "function" == "function", let function = call["function"] else {
            throw .invalidRequest("\(location): only function tool calls can be sent to Anthropic models")
        }
        guard let id = call["id"]?.nonEmptyString, let name = function["name"]?.nonEmptyString else {
            throw .invalidRequest("\(location) needs an id and a function name")
        }
        let arguments = function["arguments"]?.stringValue ?? ""
        var input: JSONValue = [:]
        if !arguments.isBlank {
            do {
                input = try JSONValue(parsing: arguments)
            } catch {
                throw .invalidRequest("\(location).function.arguments is not valid JSON (\(error)): \(Self.excerpt(arguments))")
            }
            guard input.objectValue != nil else {
                throw .invalidRequest("\(location).function.arguments must be a JSON object, not \(Self.excerpt(arguments))")
            }
        }
        return ["type": "tool_use", "id": .string(ToolIDs.upstreamAnthropicID(fromClient: id)), "name": .string(name),
                "input": input]
    }

    private func toolResult(_ message: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        guard let id = message["tool_call_id"]?.nonEmptyString else { throw .invalidRequest("\(location).tool_call_id is missing") }
        var block: JSONObject = ["type": "tool_result", "tool_use_id": .string(ToolIDs.upstreamAnthropicID(fromClient: id))]
        switch message["content"] {
        case .string(let text)?:
            if !text.isEmpty { block["content"] = .string(text) }
        case .array(let parts)?:
            var blocks: [JSONValue] = []
            for (index, part) in parts.enumerated() {
                switch part["type"]?.stringValue {
                case "text": if let text = part["text"]?.nonEmptyString { blocks.append(["type": "text", "text": .string(text)]) }
                case "image_url":
                    blocks.append(try MediaParts.anthropicImageBlock(fromOpenAI: part, at: location.member("content")[index]))
                default: throw .invalidRequest("\(location).content[\(index)] must be a text part")
                }
            }
            if !blocks.isEmpty { block["content"] = .array(blocks) }
        case nil, .null?: break
        default: throw .invalidRequest("\(location).content must be a string or an array of parts")
        }
        return .object(block)
    }

    /// Removes trailing whitespace from a final assistant turn's last text, which Anthropic refuses in a prefill.
    private func trimPrefill(_ turn: inout Turn) {
        guard let last = turn.blocks.indices.last, turn.blocks[last]["type"]?.stringValue == "text",
              let text = turn.blocks[last]["text"]?.stringValue else { return }
        let trimmed = text.trimmingTrailingWhitespace
        if trimmed.isEmpty {
            turn.blocks.removeLast()
        } else {
            turn.blocks[last] = ["type": "text", "text": .string(trimmed)]
        }
    }

    /// An Anthropic message; a lone text block becomes plain string content.
    private static func message(_ turn: Turn) -> JSONValue {
        if turn.blocks.count == 1, turn.blocks[0]["type"]?.stringValue == "text", let text = turn.blocks[0]["text"] {
            return ["role": .string(turn.role), "content": text]
        }
        return ["role": .string(turn.role), "content": .array(turn.blocks)]
    }

    /// The start of a long value, for error messages.
    static func excerpt(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}

import JSONCore
import PluginKit

/// A whole OpenAI `chat.completion` → a whole Anthropic Messages response (Anthropic client, OpenAI upstream).
///
/// Blocks come in Anthropic's order: thinking (`reasoning_content`, or `reasoning` as vLLM and OpenRouter name it;
/// signature from our `reasoning_signature` extension when present, else empty — PEER_BUGS #12 lets such a block go
/// back upstream as `reasoning_content`), text (`content`, then `refusal`), then one `tool_use` per tool call with
/// `toolu_` ids and the arguments parsed into `input`. Arguments that are not a JSON object fail the response with
/// an upstream error naming the tool: Anthropic clients need an object, and inventing one would hide the failure.
/// `finish_reason` → `stop_reason` (`StopReasons`); usage → Anthropic usage (`TokenUsage`), estimated and logged
/// only when the upstream reported none.
///
/// THREAD: pure functions.
enum OpenAIToAnthropicResponse {
    /// Converts the body.
    /// - Throws: `PluginError` when the body is not a chat completion, holds an error, or has unusable tool calls.
    static func convert(_ body: JSONValue, client: ClientRequestInfo) throws(PluginError) -> JSONValue {
        if let error = body["error"], !error.isNull {
            throw ErrorBodies.streamFailure(type: error["type"]?.stringValue ?? error["code"]?.stringValue,
                                            message: error["message"]?.stringValue ?? error.stringValue ?? "")
        }
        guard let choice = body["choices"]?[0], let message = choice["message"] else {
            throw .upstream("The upstream's answer is not a chat completion: \(OpenAIToAnthropicRequest.excerpt(body.compactText))")
        }
        var blocks: [JSONValue] = []
        var generatedBytes = 0
        if let reasoning = message["reasoning_content"]?.nonEmptyString ?? message["reasoning"]?.nonEmptyString {
            let signature = message["reasoning_signature"]?.stringValue ?? ""
            blocks.append(["type": "thinking", "thinking": .string(reasoning), "signature": .string(signature)])
            generatedBytes += reasoning.utf8.count
        }
        for data in message["reasoning_redacted"]?.elements ?? [] where data.nonEmptyString != nil {
            blocks.append(["type": "redacted_thinking", "data": data])
        }
        var texts: [String] = []
        switch message["content"] {
        case .string(let text)?: texts.append(text)
        case .array(let parts)?: texts += parts.compactMap { $0["text"]?.stringValue }
        default: break
        }
        if let refusal = message["refusal"]?.nonEmptyString { texts.append(refusal) }
        let text = texts.joined()
        if !text.isEmpty {
            blocks.append(["type": "text", "text": .string(text)])
            generatedBytes += text.utf8.count
        }
        let calls = message["tool_calls"]?.elements ?? []
        for (index, call) in calls.enumerated() {
            let upstreamName = call["function"]?["name"]?.stringValue ?? ""
            let name = client.toolNamesByUpstreamName[upstreamName] ?? upstreamName
            let arguments = call["function"]?["arguments"]?.stringValue ?? ""
            generatedBytes += arguments.utf8.count
            let id = call["id"]?.nonEmptyString ?? ToolIDs.generated(exchangeID: client.exchangeID, index: index)
            let signature = call["extra_content"]?["google"]?["thought_signature"]?.stringValue
            blocks.append(["type": "tool_use", "id": .string(ToolIDs.anthropicID(forUpstreamOpenAI: id, thoughtSignature: signature)),
                           "name": .string(name), "input": try toolInput(arguments, name: name)])
        }
        var finishReason = choice["finish_reason"]?.stringValue ?? (calls.isEmpty ? "stop" : "tool_calls")
        // Some upstreams (Gemini) end a tool-call turn with "stop"; the turn still waits for the tools' results.
        if finishReason == "stop" && !calls.isEmpty { finishReason = "tool_calls" }
        let (stopReason, stopSequence) = try StopReasons.stopReason(
            forOpenAI: finishReason, matched: choice["stop_reason"]?.stringValue, requestStops: client.stopSequences)
        let usage = TokenUsage(openAI: body["usage"])
            ?? TokenUsage(input: client.estimatedInputTokens, output: TokenEstimator.estimateOutput(bytes: generatedBytes))
        return [
            "id": .string(client.anthropicMessageID),
            "type": "message",
            "role": "assistant",
            "model": .string(client.model.isEmpty ? body["model"]?.stringValue ?? "" : client.model),
            "content": .array(blocks),
            "stop_reason": .string(stopReason),
            "stop_sequence": stopSequence.map(JSONValue.string) ?? nil,
            "usage": usage.anthropicJSON,
        ]
    }

    /// A tool call's arguments as an input object.
    /// - Throws: `PluginError.upstream` when they are not a JSON object.
    static func toolInput(_ arguments: String, name: String) throws(PluginError) -> JSONValue {
        guard !arguments.isBlank else { return [:] }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: arguments)
        } catch {
            throw .upstream("The upstream's arguments for tool '\(name)' are not valid JSON (\(error)): "
                            + OpenAIToAnthropicRequest.excerpt(arguments))
        }
        if parsed.isNull { return [:] }
        guard parsed.objectValue != nil else {
            throw .upstream("The upstream's arguments for tool '\(name)' are not a JSON object: "
                            + OpenAIToAnthropicRequest.excerpt(arguments))
        }
        return parsed
    }
}

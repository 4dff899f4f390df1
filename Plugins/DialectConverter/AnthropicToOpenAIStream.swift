import JSONCore
import PluginKit

/// Anthropic Messages stream events → OpenAI `chat.completion.chunk` events (OpenAI client, Anthropic upstream).
///
/// - `message_start` → the first chunk, `delta: {role: "assistant", content: ""}` (PEER_BUGS #25).
/// - text deltas → `delta.content`; thinking deltas → `delta.reasoning_content`; the first thinking block's
///   `signature_delta` → `delta.reasoning_signature` (sent whole, once: accumulators concatenate string deltas, so
///   a second signature would corrupt the first); `redacted_thinking` → `delta.reasoning_redacted: [data]`.
/// - each `tool_use` block → one `tool_calls` delta with `index` (counting tool calls only, from 0 — PEER_BUGS
///   #23), `call_` id, `type` and name with empty arguments, then its `input_json_delta` fragments under the same
///   index.
/// - `message_delta` → a chunk with an empty delta and the `finish_reason`; `message_stop` → the usage chunk
///   (`choices: []`) when the client asked with `stream_options.include_usage`, then `data: [DONE]`.
/// - `ping`, block stops, server-tool blocks and event types added to the API later produce nothing.
/// - `event: error` fails the stream with the upstream's message (see `ErrorBodies`); a stream that ends before
///   `message_stop` fails too, with no `[DONE]`.
///
/// THREAD: a value owned by one stream.
struct AnthropicToOpenAIStream: StreamTranslator {
    private enum Block {
        case text
        case thinking(ordinal: Int)
        case tool(index: Int)
        case ignored
    }

    private let client: ClientRequestInfo
    private let chunks: OpenAIChunks
    private var sentRole = false
    private var blocks: [Int: Block] = [:]
    private var toolCount = 0
    /// Tool calls that already streamed some arguments (the others get "{}" when their block stops).
    private var toolsWithArguments = Set<Int>()
    private var thinkingCount = 0
    private var usage = TokenUsage()
    private var sentFinish = false
    private var done = false
    /// Anthropic streams always report usage.
    let usageWasEstimated = false

    /// A translator for the response to `client`'s request.
    init(client: ClientRequestInfo) {
        self.client = client
        chunks = OpenAIChunks(id: client.openAICompletionID, created: client.created, model: client.model)
    }

    mutating func translate(type: String, data: UnsafeRawBufferPointer) throws(PluginError) -> [ClientEvent] {
        guard !data.isEmpty, !done else { return [] }
        let event: JSONValue
        do {
            event = try JSONValue(parsing: data)
        } catch {
            throw .upstream("The upstream sent a stream event that is not valid JSON (\(error)): \(data.excerpt)")
        }
        var output: [ClientEvent] = []
        switch event["type"]?.stringValue ?? type {
        case "message_start":
            if let reported = event["message"]?["usage"] { usage.update(fromAnthropic: reported) }
            roleChunk(into: &output)
        case "content_block_start":
            roleChunk(into: &output)
            try startBlock(event, into: &output)
        case "content_block_delta":
            roleChunk(into: &output)
            try applyDelta(event, into: &output)
        case "message_delta":
            roleChunk(into: &output)
            if let reported = event["usage"] { usage.update(fromAnthropic: reported) }
            if let stopReason = event["delta"]?["stop_reason"]?.nonEmptyString {
                output.append(chunks.chunk([:], finishReason: StopReasons.finishReason(forAnthropic: stopReason)))
                sentFinish = true
            }
        case "message_stop":
            roleChunk(into: &output)
            if !sentFinish { output.append(chunks.chunk([:], finishReason: "stop")) }
            if client.includeUsage { output.append(chunks.usageChunk(usage)) }
            output.append(OpenAIChunks.done)
            done = true
        case "content_block_stop":
            // A tool called with no arguments streams none; OpenAI clients still need a JSON object to parse.
            if let index = event["index"]?.count, case .tool(let toolIndex)? = blocks[index],
               !toolsWithArguments.contains(toolIndex) {
                let call: JSONValue = ["index": .int(toolIndex), "function": ["arguments": "{}"]]
                output.append(chunks.chunk(["tool_calls": [call]]))
            }
        case "error":
            let error = event["error"]
            throw ErrorBodies.streamFailure(type: error?["type"]?.stringValue, message: error?["message"]?.stringValue ?? "")
        default:
            break  // ping, and event types added later
        }
        return output
    }

    mutating func finish() throws(PluginError) -> [ClientEvent] {
        guard done else {
            throw .upstream("The upstream stream ended before event: message_stop; the response is incomplete.")
        }
        return []
    }

    private mutating func roleChunk(into output: inout [ClientEvent]) {
        guard !sentRole else { return }
        sentRole = true
        output.append(chunks.chunk(["role": "assistant", "content": ""]))
    }

    private mutating func startBlock(_ event: JSONValue, into output: inout [ClientEvent]) throws(PluginError) {
        guard let index = event["index"]?.count, let block = event["content_block"] else {
            throw .upstream("The upstream sent content_block_start without an index or block: \(event.compactText)")
        }
        switch block["type"]?.stringValue {
        case "text":
            blocks[index] = .text
            if let text = block["text"]?.nonEmptyString { output.append(chunks.chunk(["content": .string(text)])) }
        case "thinking":
            blocks[index] = .thinking(ordinal: thinkingCount)
            if let text = block["thinking"]?.nonEmptyString { output.append(chunks.chunk(["reasoning_content": .string(text)])) }
            if thinkingCount == 0, let signature = block["signature"]?.nonEmptyString {
                output.append(chunks.chunk(["reasoning_signature": .string(signature)]))
            }
            thinkingCount += 1
        case "redacted_thinking":
            blocks[index] = .ignored
            if let data = block["data"]?.nonEmptyString { output.append(chunks.chunk(["reasoning_redacted": [.string(data)]])) }
        case "tool_use":
            let toolIndex = toolCount
            toolCount += 1
            blocks[index] = .tool(index: toolIndex)
            let input = block["input"]
            let arguments = input.map { $0.objectValue?.isEmpty == false ? $0.compactText : "" } ?? ""
            if !arguments.isEmpty { toolsWithArguments.insert(toolIndex) }
            let id = ToolIDs.openAIID(forUpstreamAnthropic: block["id"]?.stringValue ?? "")
            let call: JSONValue = ["index": .int(toolIndex), "id": .string(id), "type": "function",
                                   "function": ["name": block["name"] ?? "", "arguments": .string(arguments)]]
            output.append(chunks.chunk(["tool_calls": [call]]))
        default:
            blocks[index] = .ignored
        }
    }

    private mutating func applyDelta(_ event: JSONValue, into output: inout [ClientEvent]) throws(PluginError) {
        guard let index = event["index"]?.count, let delta = event["delta"], let block = blocks[index] else {
            throw .upstream("The upstream sent content_block_delta for a block it never started: \(event.compactText)")
        }
        switch (block, delta["type"]?.stringValue) {
        case (.text, "text_delta"):
            if let text = delta["text"]?.nonEmptyString { output.append(chunks.chunk(["content": .string(text)])) }
        case (.thinking, "thinking_delta"):
            if let text = delta["thinking"]?.nonEmptyString { output.append(chunks.chunk(["reasoning_content": .string(text)])) }
        case (.thinking(let ordinal), "signature_delta"):
            if ordinal == 0, let signature = delta["signature"]?.nonEmptyString {
                output.append(chunks.chunk(["reasoning_signature": .string(signature)]))
            }
        case (.tool(let toolIndex), "input_json_delta"):
            if let fragment = delta["partial_json"]?.nonEmptyString {
                toolsWithArguments.insert(toolIndex)
                let call: JSONValue = ["index": .int(toolIndex), "function": ["arguments": .string(fragment)]]
                output.append(chunks.chunk(["tool_calls": [call]]))
            }
        default:
            break  // citations and deltas of blocks we do not show
        }
    }
}

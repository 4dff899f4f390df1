import JSONCore
import PluginKit

/// Rewrites an Anthropic Messages request as an OpenAI Chat Completions request (Anthropic client, OpenAI upstream).
///
/// - `system` (string or text blocks) becomes one leading `system` message; `cache_control` has no OpenAI form.
/// - `max_tokens` goes out as `max_tokens` or `max_completion_tokens` (option `max_tokens_field`), clamped by
///   `max_output_tokens` for the upstream model (PEER_BUGS #11).
/// - `temperature`, `top_p` as they are (dropped for OpenAI's reasoning models, which refuse them);
///   `stop_sequences` → `stop`; `metadata.user_id` → `user` (a digest of it when over 64 characters, as Claude
///   Code's is: routers refuse long ones).
/// - Tool names over OpenAI's 64 characters are shortened (`ToolNames`), and given back in the answer.
/// - `top_k`, `thinking` (an OpenAI-compatible model decides its own reasoning), `service_tier`, `container`,
///   `context_management`, `mcp_servers` and unknown fields are dropped and logged.
/// - Tools: custom tools → `function` tools (`input_schema` → `parameters`, always an object schema). Server tools
///   (`web_search_…`, `code_execution_…`, `bash_…` and every other typed tool) only run on Anthropic's side, so
///   they are stripped, and a `tool_choice` naming one is dropped with them (PEER_BUGS #21).
///   `tool_choice` auto/any/none/tool → auto/required/none/function; `disable_parallel_tool_use: true` →
///   `parallel_tool_calls: false`.
/// - A streamed request asks for `stream_options.include_usage`, so usage is never missing from the answer.
/// Messages: see `AnthropicToOpenAIRequest+Messages.swift`.
///
/// THREAD: a value used by one conversion.
struct AnthropicToOpenAIRequest {
    /// The instance's options.
    let options: ConverterOptions
    /// The model name to send upstream.
    let upstreamModel: String
    /// Whether the client asked for a stream.
    let isStream: Bool
    /// What was dropped or adjusted, for the log.
    var notes = ConversionNotes()

    private static let handled: Set<String> = [
        "model", "messages", "system", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "metadata",
        "stream", "tools", "tool_choice", "thinking",
    ]

    /// A converter for one request.
    init(options: ConverterOptions, upstreamModel: String, isStream: Bool) {
        self.options = options
        self.upstreamModel = upstreamModel
        self.isStream = isStream
    }

    /// Converts the whole request.
    /// - Throws: `PluginError.invalidRequest` for malformed input, `.unsupported` for content OpenAI cannot take.
    mutating func convert(_ request: JSONObject) throws(PluginError) -> JSONObject {
        var output: JSONObject = ["model": .string(upstreamModel)]
        guard let input = request["messages"]?.arrayValue else { throw .invalidRequest("messages must be an array") }
        var messages: [JSONValue] = []
        if let system = request["system"], let message = try systemMessage(system) { messages.append(message) }
        messages += try convertMessages(input)
        guard messages.contains(where: { $0["role"]?.stringValue != "system" }) else {
            throw .invalidRequest("messages: at least one message with content is required")
        }
        output["messages"] = .array(messages)

        if let requested = request["max_tokens"]?.count {
            let clamped = options.outputLimits.clamp(requested, for: upstreamModel)
            if clamped < requested {
                notes.add("max_tokens lowered from \(requested) to \(clamped), the limit for \(upstreamModel)")
            }
            output[options.maxTokensFieldName(for: upstreamModel)] = .int(clamped)
        }
        if options.isReasoningModel(upstreamModel) {
            for key in ["temperature", "top_p"] where request[key] != nil {
                notes.drop(key, because: "\(upstreamModel) takes only its default sampling")
            }
        } else {
            output.setIfPresent("temperature", request["temperature"])
            output.setIfPresent("top_p", request["top_p"])
        }
        if request["top_k"] != nil { notes.drop("top_k", because: "OpenAI has no top_k") }
        if let stops = request["stop_sequences"]?.arrayValue, !stops.isEmpty { output["stop"] = .array(stops) }
        if let metadata = request["metadata"]?.objectValue {
            for member in metadata where member.key != "user_id" { notes.drop("metadata.\(member.key)", because: "OpenAI has no metadata") }
            output.setIfPresent("user", metadata["user_id"]?.nonEmptyString.map { .string(Self.endUserID($0)) })
        }
        if let thinking = request["thinking"], thinking["type"]?.stringValue != "disabled" {
            notes.drop("thinking", because: "an OpenAI-compatible model decides its own reasoning")
        }
        try convertTools(request, into: &output)
        if isStream {
            output["stream"] = true
            output["stream_options"] = ["include_usage": true]
        }
        for key in request.keys where !Self.handled.contains(key) {
            notes.drop(key, because: "no OpenAI equivalent", warning: key == "mcp_servers")
        }
        return output
    }

    /// The leading system message for Anthropic's `system`, or nil when it has no text.
    private mutating func systemMessage(_ system: JSONValue) throws(PluginError) -> JSONValue? {
        let text: String
        switch system {
        case .string(let value):
            text = value
        case .array(let blocks):
            var texts: [String] = []
            for block in blocks {
                guard block["type"]?.stringValue == "text", let value = block["text"]?.stringValue else {
                    throw .invalidRequest("system blocks must be text blocks")
                }
                if !value.isEmpty { texts.append(value) }
            }
            if blocks.contains(where: { $0["cache_control"] != nil }) {
                notes.drop("cache_control", because: "OpenAI caches prompts by itself")
            }
            text = texts.joined(separator: "\n\n")
        case .null:
            return nil
        default:
            throw .invalidRequest("system must be a string or an array of text blocks")
        }
        return text.isEmpty ? nil : ["role": "system", "content": .string(text)]
    }

    /// Converts `tools` and `tool_choice`, stripping Anthropic server tools.
    private mutating func convertTools(_ request: JSONObject, into output: inout JSONObject) throws(PluginError) {
        var tools: [JSONValue] = []
        var serverTools: Set<String> = []
        for (index, tool) in (request["tools"]?.elements ?? []).enumerated() {
            guard let name = tool["name"]?.nonEmptyString else { throw .invalidRequest("tools[\(index)].name is missing") }
            if let type = tool["type"]?.stringValue, type != "custom" {
                serverTools.insert(name)
                notes.drop("server tool '\(name)' (\(type))", because: "it only runs on Anthropic's servers", warning: true)
                continue
            }
            var schema = tool["input_schema"]?.objectValue ?? ["type": "object", "properties": [:]]
            if schema["type"] == nil { schema["type"] = "object" }
            // A tool without arguments is often `{"type":"object"}` (MCP servers): OpenAI refuses an object schema
            // without `properties` ("object schema missing properties").
            if schema["type"]?.stringValue == "object" && schema["properties"] == nil { schema["properties"] = [:] }
            var function: JSONObject = ["name": .string(ToolNames.forOpenAI(name))]
            function.setIfPresent("description", tool["description"]?.nonEmptyString.map(JSONValue.string))
            function["parameters"] = .object(schema)
            function.setIfPresent("strict", tool["strict"]?.boolValue.map(JSONValue.bool))
            tools.append(["type": "function", "function": .object(function)])
        }
        guard !tools.isEmpty else {
            if request["tool_choice"] != nil { notes.drop("tool_choice", because: "no tool is left to choose") }
            return
        }
        output["tools"] = .array(tools)
        guard let choice = request["tool_choice"], !choice.isNull else { return }
        switch choice["type"]?.stringValue {
        case "auto": output["tool_choice"] = "auto"
        case "any": output["tool_choice"] = "required"
        case "none": output["tool_choice"] = "none"
        case "tool":
            guard let name = choice["name"]?.nonEmptyString else { throw .invalidRequest("tool_choice.name is missing") }
            if serverTools.contains(name) {
                notes.drop("tool_choice naming '\(name)'", because: "that server tool was stripped", warning: true)
            } else {
                output["tool_choice"] = ["type": "function", "function": ["name": .string(ToolNames.forOpenAI(name))]]
            }
        default:
            throw .invalidRequest("tool_choice.type must be auto, any, tool or none")
        }
        if choice["disable_parallel_tool_use"]?.boolValue == true { output["parallel_tool_calls"] = false }
    }
}

extension AnthropicToOpenAIRequest {
    /// The longest end-user id sent on as is: OpenAI's `safety_identifier` allows 64 characters, and OpenAI-compatible
    /// routers refuse a longer `user` (OpenRouter above 128).
    static let longestEndUserID = 64

    /// `metadata.user_id` as OpenAI's `user`: as it is when short enough, else a digest of it that is as stable (the
    /// same id gives the same digest) — Claude Code sends ~150 characters
    /// (`user_<hash>_account_<uuid>_session_<uuid>`).
    static func endUserID(_ id: String) -> String {
        guard id.utf8.count > longestEndUserID else { return id }
        // Two 64-bit hashes with different offsets: 128 bits, enough that two users never share one.
        let first = StableDigest.fnv1a(id), second = StableDigest.fnv1a(id, offset: 0x6C62_272E_07BB_0142)
        return "lessllm-" + StableDigest.hex(first, digits: 16) + StableDigest.hex(second, digits: 16)
    }
}

import JSONCore
import PluginKit

/// Rewrites an OpenAI Chat Completions request as an Anthropic Messages request (OpenAI client, Anthropic upstream).
///
/// - `max_tokens` (required by Anthropic) = `max_completion_tokens` ?? `max_tokens` ?? option
///   `default_max_tokens`, clamped by `max_output_tokens` for the upstream model.
/// - `temperature` (OpenAI 0–2, Anthropic 0–1) is capped at 1; `top_p` as is, but dropped when `temperature` is
///   also given (current Claude models refuse both); `stop` (string or list) → `stop_sequences`; `user` (or
///   `safety_identifier`) → `metadata.user_id`.
/// - Tools: `function` tools (and legacy `functions`) → `{name, description, input_schema}`, the schema always an
///   object schema (PEER_BUGS #20); `tool_choice` auto/required/none/function (and legacy `function_call`) →
///   auto/any/none/tool; `parallel_tool_calls: false` → `disable_parallel_tool_use: true`.
/// - Reasoning: an Anthropic-style `thinking` object passes through as given; otherwise `reasoning_effort`
///   low/medium/high enables thinking with a budget of 2,048/8,192/16,384 tokens (kept below `max_tokens`, at least
///   1,024, else thinking stays off). With thinking on, Anthropic refuses a changed `temperature`, `top_p` < 0.95 and
///   forced tool use, so those give way (temperature and top_p dropped; thinking dropped for a forced tool).
/// - Refused with a 400 because dropping them would change the answer: `n` > 1, `logprobs`/`top_logprobs`,
///   `response_format` `json_schema`, audio output (`modalities`, `audio`), `web_search_options`, custom
///   (grammar) tools, `allowed_tools` tool choices, and whitespace-only `stop` sequences (Anthropic refuses them).
/// - Dropped and logged: `response_format` `json_object` (the prompt must ask for JSON anyway), `seed`,
///   `presence_penalty`, `frequency_penalty`, `logit_bias`, `store`, `metadata`, `service_tier`, `prediction`,
///   `prompt_cache_key`, `verbosity`, `strict` on tools, and unknown fields. `stream_options` needs no mapping:
///   Anthropic streams always carry usage.
/// Messages: see `OpenAIToAnthropicRequest+Messages.swift`.
///
/// THREAD: a value used by one conversion.
struct OpenAIToAnthropicRequest {
    /// The instance's options.
    let options: ConverterOptions
    /// The model name to send upstream.
    let upstreamModel: String
    /// Whether the client asked for a stream.
    let isStream: Bool
    /// What was dropped or adjusted, for the log.
    var notes = ConversionNotes()

    /// Thinking budgets for `reasoning_effort`.
    static let reasoningBudgets = ["low": 2048, "medium": 8192, "high": 16384]
    /// The smallest thinking budget Anthropic accepts.
    static let minimumThinkingBudget = 1024

    private static let handled: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "stop", "stream",
        "stream_options", "tools", "functions", "tool_choice", "function_call", "parallel_tool_calls", "user",
        "safety_identifier", "response_format", "logprobs", "top_logprobs", "modalities", "audio",
        "web_search_options", "reasoning_effort", "thinking",
    ]

    /// A converter for one request.
    init(options: ConverterOptions, upstreamModel: String, isStream: Bool) {
        self.options = options
        self.upstreamModel = upstreamModel
        self.isStream = isStream
    }

    /// Converts the whole request.
    /// - Throws: `PluginError.invalidRequest` for malformed input or parameters whose loss would change the answer,
    ///   `.unsupported` for content Anthropic cannot take.
    mutating func convert(_ request: JSONObject) throws(PluginError) -> JSONObject {
        try refuseMeaningfulLosses(request)
        guard let input = request["messages"]?.arrayValue else { throw .invalidRequest("messages must be an array") }
        let (system, messages) = try convertMessages(input)
        guard !messages.isEmpty else { throw .invalidRequest("messages: at least one non-system message with content is required") }

        var output: JSONObject = ["model": .string(upstreamModel)]
        let requested = request["max_completion_tokens"]?.count ?? request["max_tokens"]?.count ?? options.defaultMaxTokens
        let maxTokens = max(1, options.outputLimits.clamp(requested, for: upstreamModel))
        if maxTokens < requested { notes.add("max_tokens lowered from \(requested) to \(maxTokens), the limit for \(upstreamModel)") }
        output["max_tokens"] = .int(maxTokens)
        if !system.isEmpty {
            output["system"] = system.count == 1 ? .string(system[0])
                : .array(system.map { ["type": "text", "text": .string($0)] })
        }
        output["messages"] = .array(messages)
        if let temperature = request["temperature"], let value = temperature.doubleValue {
            if value > 1 { notes.add("temperature \(temperature) capped at 1, Anthropic's maximum", warning: true) }
            output["temperature"] = value > 1 ? 1 : temperature
        }
        output.setIfPresent("top_p", request["top_p"].flatMap { $0.isNull ? nil : $0 })
        switch request["stop"] {
        case .string(let stop)? where !stop.isEmpty: output["stop_sequences"] = [.string(stop)]
        case .array(let stops)?:
            let kept = stops.filter { $0.nonEmptyString != nil }
            if !kept.isEmpty { output["stop_sequences"] = .array(kept) }
        default: break
        }
        if let user = request["user"]?.nonEmptyString ?? request["safety_identifier"]?.nonEmptyString {
            output["metadata"] = ["user_id": .string(user)]
        }
        try convertTools(request, into: &output)
        applyThinking(request, to: &output, maxTokens: maxTokens)
        // After thinking had its say: it may already have removed one of the two.
        keepOneOfTemperatureAndTopP(in: &output)
        if isStream { output["stream"] = true }
        for key in request.keys where !Self.handled.contains(key) {
            notes.drop(key, because: "no Anthropic equivalent", warning: key == "logit_bias")
        }
        return output
    }

    /// Refuses parameters whose loss would change the answer the client expects.
    private mutating func refuseMeaningfulLosses(_ request: JSONObject) throws(PluginError) {
        if let n = request["n"]?.count, n > 1 {
            throw .invalidRequest("n=\(n) asks for several choices, but Anthropic models return one; send n=1 or leave n out")
        }
        if request["logprobs"]?.boolValue == true || (request["top_logprobs"]?.count ?? 0) > 0 {
            throw .invalidRequest("logprobs cannot be returned by Anthropic models; leave logprobs and top_logprobs out")
        }
        switch request["response_format"]?["type"]?.stringValue {
        case "json_schema":
            throw .invalidRequest("response_format json_schema cannot be enforced by Anthropic models; describe the "
                                  + "schema in the prompt or use a tool instead")
        case "json_object":
            notes.drop("response_format json_object", because: "Anthropic has no JSON mode; the prompt must ask for JSON", warning: true)
        default: break
        }
        // Anthropic answers such a sequence with a 400 of its own; dropping it instead would let the answer run on
        // past where the client wanted it cut.
        let stops = request["stop"].map { $0.arrayValue ?? [$0] } ?? []
        if let blank = stops.compactMap(\.stringValue).first(where: { !$0.isEmpty && $0.allSatisfy(\.isWhitespace) }) {
            throw .invalidRequest("stop: Anthropic models do not accept whitespace-only stop sequences "
                                  + "(\(JSONString.quoted(blank))); remove it or add visible characters")
        }
        if let modalities = request["modalities"]?.arrayValue, modalities.contains(where: { $0.stringValue != "text" }) {
            throw .invalidRequest("modalities other than text cannot be produced by Anthropic models")
        }
        if let audio = request["audio"], !audio.isNull {
            throw .invalidRequest("audio output cannot be produced by Anthropic models; leave audio out")
        }
        if let search = request["web_search_options"], !search.isNull {
            throw .invalidRequest("web_search_options is not supported for Anthropic models through this gateway")
        }
    }

    /// Converts `tools`/`functions` and `tool_choice`/`function_call`/`parallel_tool_calls`.
    private mutating func convertTools(_ request: JSONObject, into output: inout JSONObject) throws(PluginError) {
        var tools: [JSONValue] = []
        for (index, tool) in (request["tools"]?.elements ?? []).enumerated() {
            let type = tool["type"]?.stringValue ?? "function"
            guard type == "function", let function = tool["function"] else {
                throw .invalidRequest("tools[\(index)]: tools of type '\(type)' cannot be used with Anthropic models")
            }
            tools.append(try anthropicTool(function, at: RequestPath("tools")[index].member("function")))
        }
        for (index, function) in (request["functions"]?.elements ?? []).enumerated() {
            tools.append(try anthropicTool(function, at: RequestPath("functions")[index]))
        }
        let choice = request["tool_choice"] ?? request["function_call"]
        guard !tools.isEmpty else {
            if let choice, !choice.isNull { notes.drop("tool_choice", because: "the request has no tools") }
            return
        }
        output["tools"] = .array(tools)
        var anthropicChoice: JSONObject?
        switch choice {
        case nil, .null?: anthropicChoice = nil
        case .string("auto")?: anthropicChoice = ["type": "auto"]
        case .string("required")?: anthropicChoice = ["type": "any"]
        case .string("none")?: anthropicChoice = ["type": "none"]
        case let value?:
            guard let name = value["function"]?["name"]?.nonEmptyString ?? value["name"]?.nonEmptyString else {
                throw .invalidRequest("tool_choice must be auto, required, none or name a function")
            }
            anthropicChoice = ["type": "tool", "name": .string(name)]
        }
        if request["parallel_tool_calls"]?.boolValue == false, anthropicChoice?["type"] != "none" {
            anthropicChoice = anthropicChoice ?? ["type": "auto"]
            anthropicChoice?["disable_parallel_tool_use"] = true
        }
        output.setIfPresent("tool_choice", anthropicChoice.map(JSONValue.object))
    }

    /// One Anthropic tool for an OpenAI function definition.
    private mutating func anthropicTool(_ function: JSONValue, at location: RequestPath) throws(PluginError) -> JSONValue {
        guard let name = function["name"]?.nonEmptyString else { throw .invalidRequest("\(location).name is missing") }
        var schema: JSONObject
        switch function["parameters"] {
        case nil, .null?: schema = ["type": "object", "properties": [:]]
        case .object(let object)?: schema = object
        default: throw .invalidRequest("\(location).parameters must be a JSON Schema object")
        }
        switch schema["type"] {
        case nil: schema["type"] = "object"
        case .string("object")?: break
        default: throw .invalidRequest("\(location).parameters must describe an object (type: object) for Anthropic models")
        }
        if function["strict"] != nil { notes.drop("\(location).strict", because: "Anthropic has no strict mode for tools") }
        var tool: JSONObject = ["name": .string(name)]
        tool.setIfPresent("description", function["description"]?.nonEmptyString.map(JSONValue.string))
        tool["input_schema"] = .object(schema)
        return .object(tool)
    }

    /// Drops `top_p` when `temperature` is also set: current Claude models refuse the two together ("temperature
    /// and top_p cannot both be specified for this model"). Temperature is the one kept because OpenAI's own docs
    /// advise altering one or the other, not both, and temperature is the one clients usually mean.
    private mutating func keepOneOfTemperatureAndTopP(in output: inout JSONObject) {
        guard output["temperature"] != nil, output["top_p"] != nil else { return }
        output["top_p"] = nil
        notes.drop("top_p", because: "Anthropic models refuse temperature and top_p together; temperature was kept")
    }

    /// Whether the conversation answers a tool call (an assistant turn with `tool_use`, then only tool results) whose
    /// turn does not start with a thinking block. With thinking on, Anthropic refuses that ("a final assistant
    /// message must start with a thinking block"): clients that rebuild their history lose the signed thinking
    /// (`reasoning_signature`), and without it the model cannot think on in that turn.
    static func continuesToolTurnWithoutThinking(_ messages: JSONValue?) -> Bool {
        let messages = messages?.elements ?? []
        guard let last = messages.lastIndex(where: { $0["role"]?.stringValue == "assistant" }) else { return false }
        let blocks = messages[last]["content"]?.elements ?? []
        guard blocks.contains(where: { $0["type"]?.stringValue == "tool_use" }) else { return false }
        let answersIt = messages[(last + 1)...].allSatisfy { message in
            message["role"]?.stringValue == "user"
                && (message["content"]?.elements ?? []).contains { $0["type"]?.stringValue == "tool_result" }
        }
        let startsWithThinking = ["thinking", "redacted_thinking"].contains(blocks.first?["type"]?.stringValue ?? "")
        return answersIt && last + 1 < messages.count && !startsWithThinking
    }

    /// Sets `thinking` from the request's `thinking` or `reasoning_effort`, and drops what thinking forbids.
    private mutating func applyThinking(_ request: JSONObject, to output: inout JSONObject, maxTokens: Int) {
        var thinking: JSONValue?
        if let given = request["thinking"], given.objectValue != nil {
            thinking = given
        } else if let effort = request["reasoning_effort"]?.stringValue, let wanted = Self.reasoningBudgets[effort] {
            let budget = min(wanted, maxTokens - 1)
            if budget >= Self.minimumThinkingBudget {
                thinking = ["type": "enabled", "budget_tokens": .int(budget)]
            } else {
                notes.drop("reasoning_effort", because: "max_tokens \(maxTokens) leaves no room for thinking", warning: true)
            }
        }
        guard let thinking, thinking["type"]?.stringValue == "enabled" else {
            output.setIfPresent("thinking", thinking)
            return
        }
        if let type = output["tool_choice"]?["type"]?.stringValue, type == "any" || type == "tool" {
            notes.drop("thinking", because: "Anthropic cannot think while a tool call is forced", warning: true)
            return
        }
        if Self.continuesToolTurnWithoutThinking(output["messages"]) {
            notes.drop("thinking", because: "the tool call being answered came without its signed thinking, which "
                       + "Anthropic requires to think on", warning: true)
            return
        }
        if let temperature = output["temperature"], temperature.doubleValue != 1 {
            output["temperature"] = nil
            notes.drop("temperature", because: "Anthropic refuses a changed temperature while thinking")
        }
        if let topP = output["top_p"]?.doubleValue, topP < 0.95 {
            output["top_p"] = nil
            notes.drop("top_p", because: "Anthropic refuses top_p below 0.95 while thinking")
        }
        output["thinking"] = thinking
    }
}

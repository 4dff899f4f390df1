import JSONCore
import PluginKit

/// The converter instance's options (`converters: { dialects: { options: {…} } }` in plugins.yaml).
///
/// - `default_max_tokens` (integer, default 4096): the `max_tokens` sent to an Anthropic upstream when an OpenAI
///   client set neither `max_completion_tokens` nor `max_tokens` (Anthropic requires the field).
/// - `max_output_tokens` (object): upstream model name or glob (`*`, `?`) → the most output tokens that model
///   accepts. A request asking for more is clamped, in both directions, so a client's large `max_tokens` does not
///   turn into an upstream 400 (PEER_BUGS #11). Exact names win over globs; globs are tried in the order written.
/// - `max_tokens_field` (`auto` | `max_tokens` | `max_completion_tokens`, default `auto`): which field carries the
///   limit to an OpenAI upstream. `auto` uses `max_completion_tokens` for OpenAI's reasoning models (`o1*`, `o3*`,
///   `o4*`, `gpt-5*`), which refuse `max_tokens`, and `max_tokens` for everything else, which every
///   OpenAI-compatible server understands.
/// - `replay_reasoning_content` (bool, default true): send Anthropic thinking blocks to an OpenAI upstream as the
///   assistant message's `reasoning_content` (DeepSeek's thinking mode requires it, PEER_BUGS #12). Turn it off for
///   an upstream that rejects the field.
///
/// THREAD: an immutable value, read from any thread.
struct ConverterOptions: Sendable {
    /// Which request field carries the output limit to an OpenAI upstream.
    enum MaxTokensField: String, Sendable {
        case auto
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    /// The option names this plugin accepts.
    static let known = ["default_max_tokens", "max_output_tokens", "max_tokens_field", "replay_reasoning_content"]

    /// Upstream models that refuse `max_tokens` in favour of `max_completion_tokens`.
    private static let reasoningModels = ["o1*", "o3*", "o4*", "gpt-5*"]

    /// `default_max_tokens`.
    var defaultMaxTokens = 4096
    /// `max_output_tokens`.
    var outputLimits = OutputTokenLimits(limits: [])
    /// `max_tokens_field`.
    var maxTokensField = MaxTokensField.auto
    /// `replay_reasoning_content`.
    var replayReasoningContent = true

    /// Reads and checks the options.
    /// - Throws: `PluginError.config` naming the option that is unknown or has the wrong type or value.
    init(_ configuration: InstanceConfiguration) throws(PluginError) {
        try configuration.requireOptions(within: Self.known)
        if let value = configuration.option("default_max_tokens"), !value.isNull {
            guard let number = value.intValue, number > 0 else {
                throw .config("options.default_max_tokens must be a positive integer")
            }
            defaultMaxTokens = number
        }
        if let value = configuration.option("max_output_tokens"), !value.isNull {
            guard let object = value.objectValue else {
                throw .config("options.max_output_tokens must be an object mapping model names or globs to limits")
            }
            var limits: [(pattern: String, limit: Int)] = []
            for member in object {
                guard let limit = member.value.intValue, limit > 0 else {
                    throw .config("options.max_output_tokens.\(member.key) must be a positive integer")
                }
                limits.append((member.key, limit))
            }
            outputLimits = OutputTokenLimits(limits: limits)
        }
        if let text = try configuration.stringOption("max_tokens_field") {
            guard let field = MaxTokensField(rawValue: text) else {
                throw .config("options.max_tokens_field must be auto, max_tokens or max_completion_tokens")
            }
            maxTokensField = field
        }
        if let value = configuration.option("replay_reasoning_content"), !value.isNull {
            guard let flag = value.boolValue else { throw .config("options.replay_reasoning_content must be true or false") }
            replayReasoningContent = flag
        }
    }

    /// Whether `model` is one of OpenAI's reasoning models (`o1*`, `o3*`, `o4*`, `gpt-5*`), which refuse
    /// `max_tokens` and take only the default sampling (a `temperature` or `top_p` of their own is a 400).
    func isReasoningModel(_ model: String) -> Bool {
        Self.reasoningModels.contains { ModelGlob.matches($0, model) }
    }

    /// The field name that carries the output limit to the OpenAI upstream `model`.
    func maxTokensFieldName(for model: String) -> String {
        switch maxTokensField {
        case .maxTokens: return "max_tokens"
        case .maxCompletionTokens: return "max_completion_tokens"
        case .auto:
            return isReasoningModel(model) ? "max_completion_tokens" : "max_tokens"
        }
    }
}

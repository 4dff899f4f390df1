import PluginABI
import PluginKit

/// `stop_reason` (Anthropic) ⇄ `finish_reason` (OpenAI).
///
/// Anthropic → OpenAI: `end_turn`, `stop_sequence`, `pause_turn` → `stop`; `max_tokens`,
/// `model_context_window_exceeded` → `length`; `tool_use` → `tool_calls`; `refusal` → `content_filter`.
///
/// OpenAI → Anthropic: `stop` → `end_turn`, or `stop_sequence` when the upstream names the sequence it stopped on
/// (vLLM's `stop_reason`) and that is one of the request's `stop_sequences` (plain OpenAI never says, and guessing
/// from the text would be wrong either way); `length` → `max_tokens`; `tool_calls`/`function_call` → `tool_use`;
/// `content_filter` → `refusal`. DeepSeek's `insufficient_system_resource` is an overload, not an answer, and any
/// other unknown reason (e.g. Gemini's `MALFORMED_FUNCTION_CALL`) is an upstream failure: mapping either to
/// `end_turn` would pass a broken answer off as a complete one.
///
/// THREAD: pure functions.
enum StopReasons {
    /// The OpenAI `finish_reason` for an Anthropic `stop_reason`.
    static func finishReason(forAnthropic stopReason: String) -> String {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: "stop"  // end_turn, stop_sequence, pause_turn
        }
    }

    /// The Anthropic `stop_reason` and `stop_sequence` for an OpenAI `finish_reason`.
    /// - Parameters:
    ///   - matched: the stop string the upstream reported matching, if it did (vLLM's choice-level `stop_reason`).
    ///   - requestStops: the client's `stop_sequences`.
    /// - Throws: `PluginError` for reasons that mean the upstream failed.
    static func stopReason(
        forOpenAI finishReason: String, matched: String?, requestStops: [String]
    ) throws(PluginError) -> (reason: String, sequence: String?) {
        switch finishReason {
        case "stop", "eos", "eos_token", "end_turn":
            if let matched, requestStops.contains(matched) { return ("stop_sequence", matched) }
            return ("end_turn", nil)
        case "stop_sequence":
            return ("stop_sequence", matched)
        case "length", "max_tokens", "model_length":
            return ("max_tokens", nil)
        case "tool_calls", "function_call", "tool_use":
            return ("tool_use", nil)
        case "content_filter", "refusal", "safety":
            return ("refusal", nil)
        case "insufficient_system_resource":
            throw PluginError(LESSLLM_E_OVERLOADED,
                              "The upstream stopped the answer for lack of resources (finish_reason insufficient_system_resource).")
        default:
            throw .upstream("The upstream finished with finish_reason '\(finishReason)', which means the answer is not complete.")
        }
    }
}

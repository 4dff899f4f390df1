import JSONCore
import PluginABI
import PluginKit

/// Upstream errors re-shaped for the client's dialect, keeping the upstream's own message, with the status that
/// makes the client's SDK raise the matching exception class.
///
/// HTTP errors (the whole error body arrives as one event):
/// - to an Anthropic client: `{"type":"error","error":{"type":…,"message":…}}`; the type follows the status
///   (400 invalid_request_error, 401 authentication_error, 402 billing_error, 403 permission_error, 404
///   not_found_error, 413 request_too_large, 429 rate_limit_error, 504 timeout_error, other 5xx api_error) and an
///   upstream 503 becomes Anthropic's 529 `overloaded_error`.
/// - to an OpenAI client: `{"error":{"message":…,"type":…,"param":null,"code":…}}`; Anthropic's 529 becomes 503 with
///   type `overloaded_error`, the type otherwise follows the status (400/413/other 4xx invalid_request_error, 401
///   authentication_error, 403 permission_error, 404 not_found_error, 429 rate_limit_error, 5xx server_error), and
///   `code` carries the upstream's own error type (e.g. `overloaded_error`), so nothing is lost.
/// In-stream errors (an Anthropic `event: error`, an OpenAI chunk holding `error`) end the stream through
/// `host.fail` with a status chosen from the error's type, so the host renders the dialect's error event — OpenAI
/// `data: {"error":{…}}`, Anthropic `event: error` — and records the exchange as failed with its partial output.
///
/// THREAD: pure functions.
enum ErrorBodies {
    /// An upstream error as read from either dialect's body (or from a body that is neither).
    struct UpstreamError: Equatable {
        /// The upstream's HTTP status.
        var status: Int32
        /// The upstream's error type (or code), if it named one.
        var type: String?
        /// The upstream's message, or a description of the body when it had none.
        var message: String
    }

    /// Reads an error body of either dialect, or the `{"error":"…"}`, `{"message":…}` and `{"detail":…}` shapes of
    /// other servers; anything else is quoted in the message.
    static func read(status: Int32, body: [UInt8]) -> UpstreamError {
        let json = try? JSONValue(parsing: body)
        let error = json?["error"]
        let message = error?["message"]?.nonEmptyString ?? error?.nonEmptyString ?? json?["message"]?.nonEmptyString
            ?? json?["detail"]?.nonEmptyString ?? json?["detail"].map { $0.isNull ? "" : $0.compactText }.flatMap { $0.isEmpty ? nil : $0 }
        let type = error?["type"]?.nonEmptyString ?? error?["code"]?.nonEmptyString
        if let message { return UpstreamError(status: status, type: type, message: message) }
        let text = String(decoding: body, as: UTF8.self)
        let detail = text.isBlank ? " with an empty body" : ": " + (text.count > 500 ? String(text.prefix(500)) + "…" : text)
        return UpstreamError(status: status, type: type, message: "The upstream answered HTTP \(status)\(detail)")
    }

    /// The status and body for an Anthropic client.
    static func anthropicResponse(for error: UpstreamError) -> (status: Int32, body: String) {
        let status: Int32 = error.status == 503 ? 529 : error.status
        let type = switch status {
        case 400: "invalid_request_error"
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529: "overloaded_error"
        case 500...: "api_error"
        default: "invalid_request_error"
        }
        let body: JSONValue = ["type": "error", "error": ["type": .string(type), "message": .string(error.message)]]
        return (status, body.serialized())
    }

    /// The status and body for an OpenAI client.
    static func openAIResponse(for error: UpstreamError) -> (status: Int32, body: String) {
        let status: Int32 = error.status == 529 ? 503 : error.status
        let type = switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 503: "overloaded_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
        let body: JSONValue = ["error": ["message": .string(error.message), "type": .string(type), "param": nil,
                                         "code": error.type.map(JSONValue.string) ?? nil]]
        return (status, body.serialized())
    }

    /// The failure for an in-stream error of the given type (either dialect's names).
    static func streamFailure(type: String?, message: String) -> PluginError {
        let status: lessllm_status = switch type ?? "" {
        case "overloaded_error", "overloaded", "server_is_overloaded": LESSLLM_E_OVERLOADED
        case "rate_limit_error", "rate_limit_exceeded", "requests", "tokens": LESSLLM_E_RATE_LIMITED
        case "invalid_request_error", "request_too_large", "context_length_exceeded": LESSLLM_E_INVALID_REQUEST
        case "authentication_error", "permission_error", "invalid_api_key": LESSLLM_E_AUTH
        case "not_found_error", "model_not_found": LESSLLM_E_NOT_FOUND
        case "timeout_error", "timeout": LESSLLM_E_TIMEOUT
        default: LESSLLM_E_UPSTREAM
        }
        return PluginError(status, message.isEmpty ? "The upstream reported an error in the stream" : message)
    }
}

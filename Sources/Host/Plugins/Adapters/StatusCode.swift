import PluginABI

/// Names and HTTP meanings of the ABI's closed status set. The one place C statuses become Swift values.
enum StatusCode {
    /// "LESSLLM_E_UPSTREAM", … for messages.
    static func name(_ status: lessllm_status) -> String {
        switch status {
        case LESSLLM_OK: "LESSLLM_OK"
        case LESSLLM_E_INVALID_REQUEST: "LESSLLM_E_INVALID_REQUEST"
        case LESSLLM_E_UNSUPPORTED: "LESSLLM_E_UNSUPPORTED"
        case LESSLLM_E_NOT_FOUND: "LESSLLM_E_NOT_FOUND"
        case LESSLLM_E_AUTH: "LESSLLM_E_AUTH"
        case LESSLLM_E_RATE_LIMITED: "LESSLLM_E_RATE_LIMITED"
        case LESSLLM_E_UPSTREAM: "LESSLLM_E_UPSTREAM"
        case LESSLLM_E_TIMEOUT: "LESSLLM_E_TIMEOUT"
        case LESSLLM_E_CANCELLED: "LESSLLM_E_CANCELLED"
        case LESSLLM_E_OVERLOADED: "LESSLLM_E_OVERLOADED"
        case LESSLLM_E_INTERNAL: "LESSLLM_E_INTERNAL"
        case LESSLLM_E_CONFIG: "LESSLLM_E_CONFIG"
        case LESSLLM_E_BAD_ARGUMENT: "LESSLLM_E_BAD_ARGUMENT"
        default: "unknown status \(status)"
        }
    }

    /// The gateway error a plugin status stands for (unknown statuses count as internal errors).
    static func gatewayError(_ status: lessllm_status, message: String) -> GatewayError {
        switch status {
        case LESSLLM_E_INVALID_REQUEST: .invalidRequest(message)
        case LESSLLM_E_UNSUPPORTED: .unsupported(message)
        case LESSLLM_E_NOT_FOUND: .notFound(message)
        case LESSLLM_E_AUTH: .authentication(message)
        case LESSLLM_E_RATE_LIMITED: .rateLimited(message)
        case LESSLLM_E_UPSTREAM: .upstreamFailed(message)
        case LESSLLM_E_TIMEOUT: .upstreamTimeout(message)
        case LESSLLM_E_CANCELLED: .clientCancelled(message)
        case LESSLLM_E_OVERLOADED: .overloaded(message)
        default: .internalError(message)
        }
    }
}

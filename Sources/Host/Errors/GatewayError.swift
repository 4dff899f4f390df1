/// An error the gateway answers a client with: an HTTP status, a kind, and a message, rendered in the client's own
/// dialect by `GatewayError+Rendering`.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    fileprivate enum Code: Sendable, Equatable {
        case invalidRequest, unsupported, notFound, modelNotFound, authentication, permission, rateLimited
        case payloadTooLarge, upstreamFailed, upstreamTimeout, clientCancelled, overloaded, internalError
        case methodNotAllowed
    }

    fileprivate let code: Code
    /// The HTTP status to answer with.
    public let status: Int
    /// Human-readable reason, shown to the client.
    public let message: String
    /// The request parameter at fault, if any (OpenAI's `param`).
    public let parameter: String?

    fileprivate init(_ code: Code, _ status: Int, _ message: String, parameter: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    public var description: String { "\(status) \(shortDescription): \(message)" }

    /// A stable name for metrics and logs, without the message.
    public var shortDescription: String { "\(code)" }

    /// Malformed or unacceptable request (400).
    public static func invalidRequest(_ message: String, parameter: String? = nil) -> Self {
        .init(.invalidRequest, 400, message, parameter: parameter)
    }
    /// Valid, but not supported on this route (400).
    public static func unsupported(_ message: String) -> Self { .init(.unsupported, 400, message) }
    /// A path or resource that does not exist (404).
    public static func notFound(_ message: String) -> Self { .init(.notFound, 404, message) }
    /// No route for the requested model (404).
    public static func modelNotFound(_ model: String) -> Self {
        .init(.modelNotFound, 404, "The model '\(model)' does not exist or is not routed by this gateway.",
              parameter: "model")
    }
    /// Missing or rejected credentials (401).
    public static func authentication(_ message: String) -> Self { .init(.authentication, 401, message) }
    /// Credentials lack permission (403).
    public static func permission(_ message: String) -> Self { .init(.permission, 403, message) }
    /// Too many requests (429).
    public static func rateLimited(_ message: String) -> Self { .init(.rateLimited, 429, message) }
    /// The request body exceeds the configured limit (413).
    public static func payloadTooLarge(limit: Int) -> Self {
        .init(.payloadTooLarge, 413, "The request body exceeds the gateway's limit of \(limit) bytes.")
    }
    /// The upstream failed or could not be reached (502).
    public static func upstreamFailed(_ message: String) -> Self { .init(.upstreamFailed, 502, message) }
    /// The upstream did not answer in time (504).
    public static func upstreamTimeout(_ message: String) -> Self { .init(.upstreamTimeout, 504, message) }
    /// The client went away (499, never written).
    public static func clientCancelled(_ message: String) -> Self { .init(.clientCancelled, 499, message) }
    /// Temporarily overloaded (503).
    public static func overloaded(_ message: String) -> Self { .init(.overloaded, 503, message) }
    /// A bug or unexpected state (500).
    public static func internalError(_ message: String) -> Self { .init(.internalError, 500, message) }
    /// The path exists but not with this method (405).
    public static func methodNotAllowed(_ method: String, path: String) -> Self {
        .init(.methodNotAllowed, 405, "Method \(method) is not allowed on \(path).")
    }

    /// The error with `status` and `message`, as read back from a journal: the code is inferred from the status.
    static func restored(status: Int, message: String) -> Self {
        switch status {
        case 400: .invalidRequest(message)
        case 401: .authentication(message)
        case 403: .permission(message)
        case 404: .notFound(message)
        case 405: .init(.methodNotAllowed, 405, message)
        case 413: .init(.payloadTooLarge, 413, message)
        case 429: .rateLimited(message)
        case 499: .clientCancelled(message)
        case 502: .upstreamFailed(message)
        case 503: .overloaded(message)
        case 504: .upstreamTimeout(message)
        default: .init(.internalError, status, message)
        }
    }

    /// The OpenAI `error.type` for this error.
    var openAIType: String {
        switch code {
        case .invalidRequest, .unsupported, .notFound, .modelNotFound, .payloadTooLarge, .methodNotAllowed:
            "invalid_request_error"
        case .authentication: "authentication_error"
        case .permission: "permission_error"
        case .rateLimited: "rate_limit_error"
        case .overloaded: "overloaded_error"
        case .upstreamFailed, .upstreamTimeout, .clientCancelled, .internalError: "server_error"
        }
    }

    /// The OpenAI `error.code` for this error, if it has one.
    var openAICode: String? {
        switch code {
        case .modelNotFound: "model_not_found"
        case .overloaded: "overloaded_error"
        case .upstreamTimeout: "timeout"
        case .payloadTooLarge: "request_too_large"
        default: nil
        }
    }

    /// The Anthropic `error.type` for this error.
    var anthropicType: String {
        switch code {
        case .invalidRequest, .unsupported, .methodNotAllowed: "invalid_request_error"
        case .notFound, .modelNotFound: "not_found_error"
        case .authentication: "authentication_error"
        case .permission: "permission_error"
        case .rateLimited: "rate_limit_error"
        case .payloadTooLarge: "request_too_large"
        case .overloaded: "overloaded_error"
        case .upstreamTimeout: "timeout_error"
        case .upstreamFailed, .clientCancelled, .internalError: "api_error"
        }
    }
}

import PluginABI

/// An error a Swift plugin throws to end a call with an ABI status and a message for the client.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    /// One of the `LESSLLM_E_*` statuses.
    public var status: lessllm_status
    /// Human-readable reason, shown to the client (never include secrets).
    public var message: String

    /// Creates an error with an ABI status and a message.
    public init(_ status: lessllm_status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A malformed or unacceptable client request (HTTP 400).
    public static func invalidRequest(_ message: String) -> PluginError { PluginError(LESSLLM_E_INVALID_REQUEST, message) }
    /// Valid, but not something this plugin can do (HTTP 400).
    public static func unsupported(_ message: String) -> PluginError { PluginError(LESSLLM_E_UNSUPPORTED, message) }
    /// Unusable configuration given to `create`.
    public static func config(_ message: String) -> PluginError { PluginError(LESSLLM_E_CONFIG, message) }
    /// A bug or an unexpected state (HTTP 500).
    public static func internalError(_ message: String) -> PluginError { PluginError(LESSLLM_E_INTERNAL, message) }
    /// The upstream sent something unusable (HTTP 502).
    public static func upstream(_ message: String) -> PluginError { PluginError(LESSLLM_E_UPSTREAM, message) }

    public var description: String { "status \(status): \(message)" }
}

/// Why an upstream transfer ended without a complete response.
public struct TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What class of failure it was.
    public enum Kind: Sendable, Equatable {
        /// Connection refused, DNS failure, TLS failure, reset, truncated response…
        case unreachable
        /// A connect, first-byte, idle or total timeout.
        case timeout
        /// Cancelled by the gateway (the client went away).
        case cancelled
    }

    public let kind: Kind
    /// A precise reason, e.g. "connect to 127.0.0.1 port 9 failed: Connection refused".
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// How one provider instance's upstream requests are sent: timeouts and an optional proxy.
public struct TransportOptions: Sendable, Equatable {
    /// Longest wait for the TCP/TLS connection (and proxy handshake).
    public var connectTimeout: Duration = .seconds(10)
    /// Longest wait from sending the request to the first response byte.
    public var firstByteTimeout: Duration = .seconds(300)
    /// Longest silence between two response bytes once the response started.
    public var idleTimeout: Duration = .seconds(300)
    /// Longest the whole exchange may take.
    public var totalTimeout: Duration = .seconds(3600)
    /// `http://`, `https://`, `socks5://` or `socks5h://` proxy URL (credentials in it go only to the proxy).
    public var proxy: String?
    /// PEM file of the certificate authorities to trust instead of the system's.
    public var caFile: String?

    /// Default options.
    public init() {}
}

extension Duration {
    /// Whole milliseconds (rounded down, at least 1 for any positive duration).
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        return millis == 0 && self > .zero ? 1 : millis
    }

    /// The duration in nanoseconds (saturating; negative is 0).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}

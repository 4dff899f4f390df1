/// The `listen:` section: the client-facing proxy listener, the admin/dashboard listener and request limits.
public struct ListenConfig: Sendable, Equatable, CustomStringConvertible {
    /// The proxy listener (default `127.0.0.1:8000`).
    public var proxy = ListenAddress(host: "127.0.0.1", port: 8000)
    /// The admin/dashboard listener (default `127.0.0.1:8501`); nil when configured as `off`.
    public var admin: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 8501)
    /// The bearer token the admin listener requires; nil when absent or empty. Required when the admin listener is
    /// not on a loopback address.
    public var adminToken: String?
    /// The largest request body accepted, in bytes (default 32 MiB).
    public var maxBodyBytes = 32 * 1_048_576
    /// Peers whose `X-Forwarded-For` is honoured (default none).
    public var trustedProxies: [IPNetwork] = []
    /// How long shutdown waits for in-flight requests (default 10 s).
    public var shutdownGrace: Duration = .seconds(10)

    /// The defaults.
    public init() {}

    /// The keys valid in `listen:`.
    static let keys = ["proxy", "admin", "admin_token", "max_body_bytes", "trusted_proxies", "shutdown_grace"]

    /// A one-line summary without the token.
    public var description: String {
        "proxy \(proxy), admin \(admin.map { "\($0)" } ?? "off")" + (adminToken == nil ? "" : " (token set)")
    }

    /// Decodes `listen:`; nil gives the defaults.
    /// - Throws: `ConfigError` for unknown keys, malformed values, or a non-loopback admin listener without a token.
    static func decode(_ mapping: ConfigMapping?) throws(ConfigError) -> ListenConfig {
        var config = ListenConfig()
        guard let mapping else { return config }
        let addressExpected = "\"host:port\""
        if let proxy = try mapping.value("proxy", expected: addressExpected, hint: ListenAddress.hint(for:),
                                         parse: { ListenAddress.parse($0) }) {
            config.proxy = ListenAddress(host: proxy.value.host, port: proxy.value.port, mark: proxy.mark)
        }
        let adminHint = { (text: String) in text.contains(":") ? ListenAddress.hint(for: text) : nil }
        if let admin = try mapping.value("admin", expected: "\"host:port\" or off", hint: adminHint,
                                         parse: { text -> ListenAddress?? in
                                             if text == "off" { return .some(nil) }
                                             guard let address = ListenAddress.parse(text) else { return nil }
                                             return .some(address)
                                         }) {
            config.admin = admin.value.map { ListenAddress(host: $0.host, port: $0.port, mark: admin.mark) }
        }
        config.adminToken = try mapping.string("admin_token")?.value
        if let size = try mapping.value("max_body_bytes", expected: "a size > 0 such as 1048576, \"512KiB\" or "
                                        + "\"32MiB\"", parse: { ByteSize.parse($0).flatMap { $0 > 0 ? $0 : nil } }) {
            config.maxBodyBytes = size.value
        }
        let networkExpected = "an IP address or CIDR block such as \"10.0.0.0/8\""
        for (index, item) in (try mapping.list("trusted_proxies", expected: "a list of IP addresses or CIDR blocks")
            ?? []).enumerated() {
            let path = mapping.path("trusted_proxies") + "[\(index)]"
            let network = try ConfigMapping.value(of: item, path: path, expected: networkExpected,
                                                  parse: IPNetwork.parse, context: mapping.context)
            config.trustedProxies.append(network.value)
        }
        if let grace = try mapping.value("shutdown_grace", expected: "a duration such as \"10s\"",
                                         parse: ConfigDuration.parse) {
            config.shutdownGrace = grace.value
        }
        try config.check(mapping)
        return config
    }

    private func check(_ mapping: ConfigMapping) throws(ConfigError) {
        guard let problem = adminProblem() else { return }
        // A default admin listener has no mark: then the proxy's address is what caused the clash.
        let (key, mark) = admin?.mark.map { ("admin", $0) } ?? ("proxy", proxy.mark ?? mapping.mark)
        throw mapping.context.error(.conflict, "\(mapping.path(key)): \(problem)", at: mark)
    }

    /// Why the admin listener cannot be used as configured, if it cannot: it shares the proxy's address, or it is
    /// reachable from other machines without `admin_token`.
    func adminProblem() -> String? {
        guard let admin else { return nil }
        if admin.host == proxy.host, admin.port == proxy.port, admin.port != 0 {
            return "the admin listener cannot share \(admin) with the proxy listener (use another port, or off)"
        }
        if !admin.isLoopback, adminToken == nil {
            return "the admin listener on \(admin) is reachable from other machines, so listen.admin_token must be "
                + "set (e.g. admin_token: ${LESSLLM_ADMIN_TOKEN})"
        }
        return nil
    }
}

/// One provider instance from `providers:`: a provider plugin plus the upstream it talks to.
public struct ProviderConfig: Sendable, Equatable, CustomStringConvertible {
    /// Upstream timeouts, enforced by the host's transport.
    public struct Timeouts: Sendable, Equatable {
        /// Connecting, TLS included (default 10 s).
        public var connect: Duration = .seconds(10)
        /// From sending the request to the first response byte (default 300 s).
        public var firstByte: Duration = .seconds(300)
        /// The longest silence between two response bytes (default 300 s).
        public var idle: Duration = .seconds(300)
        /// The whole exchange (default 3600 s).
        public var total: Duration = .seconds(3600)

        /// The defaults.
        public init() {}
    }

    /// The instance's name (the key under `providers:`), which routes refer to.
    public let name: String
    /// Where the name is written.
    public let mark: Mark
    /// The provider plugin that serves this instance.
    public let plugin: PluginReference
    /// The upstream base URL (`http`/`https`, trailing slashes removed); nil lets the plugin use its default.
    public let baseURL: String?
    /// The upstream API key; nil when absent or empty.
    public let apiKey: String?
    /// The upstream proxy URL (`http`, `https`, `socks5`, `socks5h`); nil for a direct connection.
    public let proxy: String?
    /// PEM file of the certificate authorities to trust for this upstream instead of the system's (resolved against
    /// the configuration file's directory); nil for the system's.
    public let caFile: String?
    /// Upstream timeouts.
    public let timeouts: Timeouts
    /// Extra headers sent upstream, in file order.
    public let headers: [HeaderField]
    /// Free-form plugin options (a mapping), or nil.
    public let options: YAMLNode?

    /// The keys valid in a provider's mapping.
    static let keys = ["plugin", "base_url", "api_key", "proxy", "ca_file", "timeouts", "headers", "options"]
    /// The keys valid in `timeouts`.
    static let timeoutKeys = ["connect", "first_byte", "idle", "total"]

    /// A one-line summary without secrets.
    public var description: String {
        "provider \(name) (\(plugin.id))" + (baseURL.map { " at \($0)" } ?? "") + (apiKey == nil ? "" : " with API key")
    }

    /// The configuration handed to the plugin's `create` call, as compact JSON:
    /// `{"name":…,"base_url":…,"api_key":…,"headers":{…},"options":{…}}`, with absent keys (and empty
    /// headers) omitted. The proxy and timeouts are not included: the host owns the connection. Thread: any.
    public func pluginConfigJSON() -> String {
        var writer = JSONObjectWriter()
        writer.add("name", string: name)
        if let baseURL { writer.add("base_url", string: baseURL) }
        if let apiKey { writer.add("api_key", string: apiKey) }
        if !headers.isEmpty { writer.add("headers", strings: headers.map { ($0.name, $0.value) }) }
        if let options { writer.add("options", node: options) }
        return writer.json
    }

    /// Decodes the provider `name` from its settings.
    /// - Throws: `ConfigError` for unknown keys, a missing or malformed plugin id, or an invalid value.
    static func decode(_ entry: YAMLNode.Entry, section: String, context: ConfigDecodingContext)
        throws(ConfigError) -> ProviderConfig
    {
        let mapping = try ConfigMapping(entry.value, path: "\(section).\(entry.key)", ownerMark: entry.keyMark,
                                        keys: keys, context: context)
        let plugin = try PluginReference.decode(from: mapping, kind: "provider")
        let baseURL = try mapping.value("base_url", expected: "an http:// or https:// URL",
                                        parse: { $0.isEmpty ? "" : UpstreamURL.baseURL($0) })
        let apiKey = try mapping.string("api_key")
        let proxy = try mapping.value("proxy", expected: "a proxy URL with scheme http, https, socks5 or socks5h",
                                      parse: { $0.isEmpty ? "" : UpstreamURL.proxyURL($0) })
        var caFile: String?
        if let file = try mapping.string("ca_file"), !file.value.isEmpty {
            caFile = try context.resolve(file.value, against: context.baseDirectory, keyPath: mapping.path("ca_file"),
                                         at: file.mark)
        }
        return ProviderConfig(
            name: entry.key, mark: entry.keyMark, plugin: plugin,
            baseURL: baseURL.flatMap { $0.value.isEmpty ? nil : $0.value }, apiKey: apiKey?.value,
            proxy: proxy.flatMap { $0.value.isEmpty ? nil : $0.value }, caFile: caFile,
            timeouts: try decodeTimeouts(mapping), headers: try decodeHeaders(mapping), options: try mapping.options())
    }

    private static func decodeTimeouts(_ mapping: ConfigMapping) throws(ConfigError) -> Timeouts {
        var timeouts = Timeouts()
        guard let section = try mapping.mapping("timeouts", keys: timeoutKeys) else { return timeouts }
        func duration(_ key: String) throws(ConfigError) -> Duration? {
            try section.value(key, expected: "a duration > 0 such as \"250ms\", \"10s\", \"5m\" or \"1h\"") { text in
                ConfigDuration.parse(text).flatMap { $0 > .zero ? $0 : nil }
            }?.value
        }
        timeouts.connect = try duration("connect") ?? timeouts.connect
        timeouts.firstByte = try duration("first_byte") ?? timeouts.firstByte
        timeouts.idle = try duration("idle") ?? timeouts.idle
        timeouts.total = try duration("total") ?? timeouts.total
        return timeouts
    }

    private static func decodeHeaders(_ mapping: ConfigMapping) throws(ConfigError) -> [HeaderField] {
        guard let node = mapping.node("headers") else { return [] }
        let path = mapping.path("headers")
        let context = mapping.context
        var headers: [HeaderField] = []
        for entry in try ConfigMapping.entries(of: node, path: path, expected: "a mapping of header names to values",
                                               context: context) {
            let lowered = entry.key.lowercased()
            guard HeaderField.isValidName(entry.key), !HeaderField.reservedNames.contains(lowered) else {
                let reason = HeaderField.reservedNames.contains(lowered)
                    ? "'\(entry.key)' is set by the gateway itself"
                    : "invalid header name '\(entry.key)' (letters, digits and !#$%&'*+-.^_`|~ only)"
                throw context.error(.invalidValue, "\(path): \(reason)", at: entry.keyMark)
            }
            if let first = headers.first(where: { $0.name.lowercased() == lowered }) {
                throw context.error(.duplicateKey, "\(path): header '\(entry.key)' is already set at line "
                                    + "\(first.mark.line), column \(first.mark.column) (names ignore case)",
                                    at: entry.keyMark)
            }
            let value = try ConfigMapping.value(
                of: entry.value, path: "\(path).\(entry.key)", expected: "a header value on one line",
                parse: { HeaderField.isValidValue($0) ? $0 : nil }, context: context)
            headers.append(HeaderField(name: entry.key, value: value.value, mark: entry.keyMark))
        }
        return headers
    }
}

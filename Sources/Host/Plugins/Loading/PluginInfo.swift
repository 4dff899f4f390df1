/// What a loaded plugin says about itself, copied out of its `lessllm_plugin_info`.
public struct PluginInfo: Sendable, Equatable {
    /// Reverse-DNS id, unique among loaded plugins.
    public var id: String
    /// Human-readable name.
    public var name: String
    /// The plugin's own version.
    public var version: String
    /// One line about the plugin (may be empty).
    public var description: String
    /// What kinds of plugin it is.
    public var kinds: PluginKinds
    /// The ops it serves, e.g. "provider:openai.chat", "request:anthropic.messages->openai.chat", "sink:log".
    public var ops: [String]
    /// The ABI version the plugin was compiled against.
    public var abiMajor: Int
    /// The ABI minor version the plugin was compiled against.
    public var abiMinor: Int

    /// The dialect a provider speaks upstream ("openai.chat"…), from its "provider:" op.
    public var providerDialect: String? {
        ops.first { $0.hasPrefix("provider:") }.map { String($0.dropFirst("provider:".count)) }
    }

    /// Whether the plugin serves `op`.
    public func serves(_ op: String) -> Bool { ops.contains(op) }
}

/// The kinds bitmask of the ABI (`LESSLLM_KIND_*`).
public struct PluginKinds: OptionSet, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Turns client requests into upstream HTTP requests.
    public static let provider = PluginKinds(rawValue: 1 << 0)
    /// Converts requests and responses between dialects.
    public static let converter = PluginKinds(rawValue: 1 << 1)
    /// Stores exchange records (and may answer queries).
    public static let sink = PluginKinds(rawValue: 1 << 2)

    /// Every kind this ABI version knows.
    public static let known: PluginKinds = [.provider, .converter, .sink]

    /// "provider", "converter,sink", …
    public var description: String {
        var names: [String] = []
        if contains(.provider) { names.append("provider") }
        if contains(.converter) { names.append("converter") }
        if contains(.sink) { names.append("sink") }
        return names.joined(separator: ",")
    }
}

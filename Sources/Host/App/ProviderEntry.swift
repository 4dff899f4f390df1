/// A configured provider instance, ready to serve: its plugin instance, the dialects it speaks upstream and how
/// its upstream requests are sent.
public struct ProviderEntry: Sendable {
    /// The instance name in plugins.yaml.
    public var name: String
    /// The created plugin instance.
    public var instance: PluginInstance
    /// The dialects the plugin serves ("provider:<dialect>" ops), in declared order.
    public var dialects: [Dialect]
    /// Timeouts and proxy for its upstream requests.
    public var transport: TransportOptions
}

extension TransportOptions {
    /// The transport options a provider's configuration asks for.
    init(_ config: ProviderConfig) {
        self.init()
        connectTimeout = config.timeouts.connect
        firstByteTimeout = config.timeouts.firstByte
        idleTimeout = config.timeouts.idle
        totalTimeout = config.timeouts.total
        proxy = config.proxy
        caFile = config.caFile
    }
}

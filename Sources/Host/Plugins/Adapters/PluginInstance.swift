import Logging
import PluginABI

/// One created instance of a loaded plugin (one `create`), e.g. the provider instance "openai".
///
/// Created and destroyed on the main thread; `open` may be called from any thread (the ABI makes `open`
/// thread-safe across streams).
public final class PluginInstance: @unchecked Sendable {
    /// The plugin this is an instance of.
    public let plugin: LoadedPlugin
    /// The instance's name in plugins.yaml ("openai", "sqlite", …).
    public let name: String
    /// The host's handle given to the plugin (`lessllm_instance *`).
    let context: InstanceContext
    /// The plugin's instance state from `create`.
    let state: UnsafeMutableRawPointer?
    private var destroyed = false

    private init(plugin: LoadedPlugin, name: String, context: InstanceContext, state: UnsafeMutableRawPointer?) {
        self.plugin = plugin
        self.name = name
        self.context = context
        self.state = state
    }

    /// Creates an instance with its configuration JSON.
    /// - Throws: `PluginLoadError.refusedToInitialise` with the reason the plugin logged.
    public static func create(
        _ plugin: LoadedPlugin, name: String, configJSON: String, logger: Logger
    ) throws(PluginLoadError) -> PluginInstance {
        let context = InstanceContext(pluginID: plugin.info.id, instanceName: name, logger: logger)
        var state: UnsafeMutableRawPointer?
        let status = withUnsafeBytesOf(configJSON) { config in
            plugin.table.pointee.create(HostServices.table, context.handle, config, &state)
        }
        guard status == LESSLLM_OK else {
            let reason = context.takeCreateError() ?? "create returned \(StatusCode.name(status)) without a message"
            throw .refusedToInitialise(plugin.path, id: plugin.info.id, instance: name, message: reason)
        }
        context.finishCreate()
        return PluginInstance(plugin: plugin, name: name, context: context, state: state)
    }

    /// Calls the plugin's destroy; only after every stream opened on this instance was closed.
    public func destroy() {
        guard !destroyed else { return }
        destroyed = true
        plugin.table.pointee.destroy(state)
    }
}

/// Lends a String's UTF-8 as `lessllm_bytes` for the duration of `body`.
func withUnsafeBytesOf<R>(_ text: String, _ body: (lessllm_bytes) -> R) -> R {
    var text = text
    return text.withUTF8 { body(lessllm_bytes(ptr: $0.baseAddress, len: $0.count)) }
}

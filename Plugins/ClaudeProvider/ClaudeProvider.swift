import PluginABI
import PluginKit

/// Provider for the Anthropic Messages API.
///
/// Status: this plugin loads and describes itself; sending requests upstream is the data-path work (issue 3) and
/// until then `open` refuses honestly with LESSLLM_E_UNSUPPORTED.
final class ClaudeProvider: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.provider.anthropic",
        name: "Anthropic Messages provider",
        version: "0.1.0",
        description: "The Anthropic Messages API (x-api-key, anthropic-version, anthropic-beta)",
        kinds: UInt32(LESSLLM_KIND_PROVIDER),
        ops: ["provider:" + LESSLLM_DIALECT_ANTHROPIC_MESSAGES])

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {}

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        throw .unsupported("the Claude provider cannot send requests yet")
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: ClaudeProvider.self, hostMajor: hostMajor)
}

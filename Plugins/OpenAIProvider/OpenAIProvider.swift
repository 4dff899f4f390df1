import PluginABI
import PluginKit

/// Provider for any OpenAI-compatible Chat Completions upstream (OpenAI, DeepSeek, vLLM, Ollama, OpenRouter…).
///
/// Status: this plugin loads and describes itself; sending requests upstream is the data-path work (issue 3) and
/// until then `open` refuses honestly with LESSLLM_E_UNSUPPORTED.
final class OpenAIProvider: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.provider.openai",
        name: "OpenAI-compatible provider",
        version: "0.1.0",
        description: "Chat Completions upstreams: OpenAI, DeepSeek, vLLM, Ollama, OpenRouter",
        kinds: UInt32(LESSLLM_KIND_PROVIDER),
        ops: ["provider:" + LESSLLM_DIALECT_OPENAI_CHAT])

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {}

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        throw .unsupported("the OpenAI provider cannot send requests yet")
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: OpenAIProvider.self, hostMajor: hostMajor)
}

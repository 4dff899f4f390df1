import PluginABI
import PluginKit

/// Converts between the Anthropic Messages and OpenAI Chat Completions dialects: requests, whole responses and
/// streams, in both directions. (Being written: until then every op refuses honestly.)
final class DialectConverter: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.converter.dialects",
        name: "Anthropic ⇄ OpenAI dialect converter",
        version: "0.1.0",
        description: "Requests, responses and streams between anthropic.messages and openai.chat",
        kinds: UInt32(LESSLLM_KIND_CONVERTER),
        ops: [
            "request:anthropic.messages->openai.chat", "response:openai.chat->anthropic.messages",
            "request:openai.chat->anthropic.messages", "response:anthropic.messages->openai.chat",
        ])

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {}

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        throw .unsupported("dialect conversion is not available yet")
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: DialectConverter.self, hostMajor: hostMajor)
}

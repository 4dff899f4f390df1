import PluginABI
import PluginKit

/// Answers every OpenAI-dialect request with one fixed sentence, from a package built outside the gateway.
final class HelloPlugin: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.example.swift-hello", name: "Hello (out-of-tree Swift plugin)", version: "1.0.0",
        description: "Answers with a greeting", kinds: UInt32(LESSLLM_KIND_PROVIDER), ops: ["provider:openai.chat"])

    private let host: PluginHost
    private let greeting: String

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {
        self.host = host
        let config = try InstanceConfiguration(configJSON)
        greeting = try config.stringOption("greeting") ?? "Hello from an out-of-tree Swift plugin"
    }

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        let body = #"{"id":"chatcmpl-hello","object":"chat.completion","created":0,"model":"\#(arguments.model)","#
            + #""choices":[{"index":0,"message":{"role":"assistant","content":"\#(greeting)"},"finish_reason":"stop"}],"#
            + #""usage":{"prompt_tokens":1,"completion_tokens":7,"total_tokens":8}}"#
        host.emit(stream, data: body)
        return nil
    }
}

@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: HelloPlugin.self, hostMajor: hostMajor)
}

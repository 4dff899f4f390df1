import PluginABI
import PluginKit

/// Provider for the Anthropic Messages API.
///
/// It sends the client's request to `<base_url>/v1/messages` with the configured key in `x-api-key`, the client's
/// `anthropic-version` (or the configured default) and the client's `anthropic-beta`, and relays the response
/// byte for byte. The client's own credentials never reach it (the host removes them).
///
/// Options: `anthropic_version` (default "2023-06-01").
final class ClaudeProvider: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.provider.anthropic",
        name: "Anthropic Messages provider",
        version: "0.2.0",
        description: "The Anthropic Messages API (x-api-key, anthropic-version, anthropic-beta)",
        kinds: UInt32(LESSLLM_KIND_PROVIDER),
        ops: ["provider:" + LESSLLM_DIALECT_ANTHROPIC_MESSAGES])

    private let host: PluginHost
    private let endpoint: String
    private let defaultVersion: String
    private let fixedHeaders: [(String, String)]

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {
        self.host = host
        let config = try InstanceConfiguration(configJSON)
        try config.requireOptions(within: ["anthropic_version"])
        let baseURL = config.string("base_url") ?? "https://api.anthropic.com"
        endpoint = baseURL.hasSuffix("/v1") ? baseURL + "/messages" : baseURL + "/v1/messages"
        defaultVersion = try config.stringOption("anthropic_version") ?? "2023-06-01"
        var headers = [("content-type", "application/json")]
        if let key = config.string("api_key") { headers.append(("x-api-key", key)) }
        fixedHeaders = headers + config.headers
    }

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        var headers = fixedHeaders
        headers.append(("anthropic-version", arguments.header("anthropic-version") ?? defaultVersion))
        if let beta = arguments.header("anthropic-beta") { headers.append(("anthropic-beta", beta)) }
        headers.append(("accept", arguments.isStream ? "text/event-stream" : "application/json"))
        let status = host.httpStart(stream, method: "POST", url: endpoint, headers: headers, body: Array(arguments.body))
        guard status == LESSLLM_OK else { throw .internalError("the host refused the upstream request (\(status))") }
        return PassthroughStream(host: host, terminal: .anthropicMessageStop)
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: ClaudeProvider.self, hostMajor: hostMajor)
}

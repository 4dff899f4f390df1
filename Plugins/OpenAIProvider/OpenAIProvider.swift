import PluginABI
import PluginKit

/// Provider for any OpenAI-compatible Chat Completions upstream (OpenAI, DeepSeek, vLLM, Ollama, OpenRouter…).
///
/// It sends the client's request to `<base_url>/chat/completions` with the configured key as a Bearer token (the
/// client's own credentials never reach it: the host removes them), and relays the response byte for byte. A
/// streamed request always asks the upstream for usage; when the client did not, the usage-only chunk is held
/// back from the client (the gateway's recorder still sees it).
///
/// Options: `organization`, `project` (sent as OpenAI-Organization / OpenAI-Project).
final class OpenAIProvider: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.provider.openai",
        name: "OpenAI-compatible provider",
        version: "0.2.0",
        description: "Chat Completions upstreams: OpenAI, DeepSeek, vLLM, Ollama, OpenRouter",
        kinds: UInt32(LESSLLM_KIND_PROVIDER),
        ops: ["provider:" + LESSLLM_DIALECT_OPENAI_CHAT])

    private let host: PluginHost
    private let endpoint: String
    private let fixedHeaders: [(String, String)]

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {
        self.host = host
        let config = try InstanceConfiguration(configJSON)
        try config.requireOptions(within: ["organization", "project"])
        let baseURL = config.string("base_url") ?? "https://api.openai.com/v1"
        endpoint = baseURL + "/chat/completions"
        var headers = [("Content-Type", "application/json")]
        if let key = config.string("api_key") { headers.append(("Authorization", "Bearer " + key)) }
        if let organization = try config.stringOption("organization") { headers.append(("OpenAI-Organization", organization)) }
        if let project = try config.stringOption("project") { headers.append(("OpenAI-Project", project)) }
        fixedHeaders = headers + config.headers
    }

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        var body = Array(arguments.body)
        var holdBackUsage = false
        if arguments.isStream {
            do {
                (body, holdBackUsage) = try StreamUsageRequest.ensureUsage(in: body)
            } catch {
                throw .invalidRequest("the request body is not a JSON object: \(error)")
            }
        }
        let accept = arguments.isStream ? "text/event-stream" : "application/json"
        let status = host.httpStart(stream, method: "POST", url: endpoint,
                                    headers: fixedHeaders + [("Accept", accept)], body: body)
        guard status == LESSLLM_OK else { throw .internalError("the host refused the upstream request (\(status))") }
        return holdBackUsage
            ? UsageFilteringStream(host: host, terminal: .openAIDone) : PassthroughStream(host: host, terminal: .openAIDone)
    }
}

/// Relays a stream unchanged except for the usage-only chunk, which the client did not ask for.
final class UsageFilteringStream: PassthroughStream {
    override func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError) {
        if StreamUsageRequest.isUsageOnlyChunk(event.pointee.data.buffer) { return }
        try super.onEvent(stream: stream, event: event)
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: OpenAIProvider.self, hostMajor: hostMajor)
}

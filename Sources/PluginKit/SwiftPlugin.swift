import PluginABI

/// What a plugin says about itself; exported as the ABI's `lessllm_plugin_info`.
public struct PluginMetadata: Sendable {
    /// Reverse-DNS id, unique among loaded plugins (`plugins.yaml` names plugins by it).
    public var id: String
    /// Human-readable name.
    public var name: String
    /// The plugin's own version.
    public var version: String
    /// One line about what it does.
    public var description: String
    /// `LESSLLM_KIND_*` bitmask.
    public var kinds: UInt32
    /// What it serves: "provider:openai.chat", "request:a->b", "response:b->a", "sink:log", "sink:query".
    public var ops: [String]

    /// Creates plugin metadata.
    public init(id: String, name: String, version: String, description: String, kinds: UInt32, ops: [String]) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.kinds = kinds
        self.ops = ops
    }
}

/// The arguments of one `open`, borrowed from the host: valid only until `open` returns.
public struct OpenArguments {
    /// The op being opened, one of the plugin's declared ops.
    public var op: String
    /// The request (or record batch, or query) JSON; borrowed.
    public var body: UnsafeRawBufferPointer
    /// The upstream model chosen by the route.
    public var model: String
    /// The client's request headers (credentials removed); borrowed.
    public var headers: UnsafeBufferPointer<lessllm_header>
    /// The exchange id.
    public var exchangeID: String
    /// Whether the client asked for a streamed response.
    public var isStream: Bool
    /// sink:log from a host of ABI 1.1 or later: where the fields of each record lie in `body`, `recordFieldCount`
    /// entries per record (`LESSLLM_RECORD_*`; {NULL, 0} for a field that is absent or null). Empty otherwise.
    /// Borrowed.
    public var recordFields: UnsafeBufferPointer<lessllm_bytes>
    /// How many fields each record has in `recordFields` (0 when there is no index).
    public var recordFieldCount: Int

    /// The value of the first client header named `name` (case-insensitive), copied.
    public func header(_ name: String) -> String? {
        let wanted = Array(name.lowercased().utf8)
        for header in headers where header.name.len == wanted.count {
            let matches = zip(header.name.buffer, wanted).allSatisfy { lowercaseASCII($0) == $1 }
            if matches { return header.value.string }
        }
        return nil
    }
}

@inline(__always) func lowercaseASCII(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte + 32 : byte
}

/// One instance of a Swift plugin (one `create`). Implement this, then export it with `PluginExport`.
///
/// `init` and `deinit` run on the main thread; `open` may run on any thread, for many streams in parallel.
public protocol SwiftPlugin: AnyObject, Sendable {
    /// The plugin's static metadata.
    static var metadata: PluginMetadata { get }

    /// Creates an instance from its configuration JSON (the plugins.yaml entry).
    /// - Throws: `PluginError` (usually `.config`) to refuse; its message names what is wrong.
    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError)

    /// Opens a stream. Return the stream's state, or nil when the work finished inside `open`.
    /// - Throws: `PluginError`; the host renders it in the client's dialect.
    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)?
}

/// Per-stream state of a Swift plugin. Calls for one stream never overlap.
public protocol PluginStream: AnyObject {
    /// The upstream (or converted) response head.
    func onHead(stream: OpaquePointer?, status: Int32, headers: UnsafeBufferPointer<lessllm_header>) throws(PluginError)
    /// One whole event of the upstream response.
    func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError)
    /// The end of the stream, exactly once.
    func close(stream: OpaquePointer?, status: lessllm_status)
}

extension PluginStream {
    public func onHead(stream: OpaquePointer?, status: Int32, headers: UnsafeBufferPointer<lessllm_header>) throws(PluginError) {}
    public func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError) {}
    public func close(stream: OpaquePointer?, status: lessllm_status) {}
}

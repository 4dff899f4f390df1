import CSQLite
import PluginABI
import PluginKit

/// Log sink that stores every exchange in an embedded SQLite database (WAL mode), and answers the dashboard's
/// queries.
///
/// Status: this plugin loads and describes itself; storing records and answering queries is the recording work
/// (issue 5) and until then `open` refuses honestly with LESSLLM_E_UNSUPPORTED.
final class SQLiteSink: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.sink.sqlite",
        name: "SQLite log sink",
        version: "0.1.0",
        description: "Stores exchanges in SQLite " + String(cString: sqlite3_libversion()) + " and answers queries",
        kinds: UInt32(LESSLLM_KIND_SINK),
        ops: ["sink:log", "sink:query"])

    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {}

    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        throw .unsupported("the SQLite sink cannot store records yet")
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: SQLiteSink.self, hostMajor: hostMajor)
}

import CSQLite
import JSONCore
import PluginABI
import PluginKit
import Synchronization

/// Log sink that stores every exchange in an embedded SQLite database (WAL mode), and answers the dashboard's
/// queries.
///
/// - `sink:log`: the body is a JSON array of exchange records (docs/exchange-record.md). The batch is stored in
///   one transaction through one prepared INSERT; a record whose id is already stored is skipped, so a replayed
///   batch is never stored twice. A malformed batch is refused with `LESSLLM_E_INVALID_REQUEST` naming the record
///   and the field, and nothing of it is stored. On success the sink emits one event,
///   `{"stored":N,"skipped":M}` (M = records already stored).
/// - `sink:query`: the query language in `SinkQuery`; the answer is one emitted event holding a JSON object.
///
/// Schema and migrations: `ExchangeSchema`. Options: `SinkOptions`.
///
/// Threading: `create`/`destroy` run on the main thread; `open` for either op may run on any thread, several at
/// once. The plugin holds three connections, each behind its own `Mutex` and opened in SQLite's multi-thread mode
/// (`SQLITE_OPEN_NOMUTEX`, safe because the Swift lock already serialises each connection): the writer
/// (`sink:log`), a read-only reader (list, get, aggregate) and a read-only SQL console. With WAL, readers see the
/// last committed batch and never wait for a write in progress; writes from other processes wait up to
/// `busy_timeout_ms`.
final class SQLiteSink: SwiftPlugin {
    static let metadata = PluginMetadata(
        id: "dev.lessllm.sink.sqlite",
        name: "SQLite log sink",
        version: "0.3.0",
        description: "Stores exchanges in SQLite " + String(cString: sqlite3_libversion()) + " and answers queries",
        kinds: UInt32(LESSLLM_KIND_SINK),
        ops: ["sink:log", "sink:query"])

    private let host: PluginHost
    private let writer: Mutex<ExchangeWriter>
    private let reader: Mutex<ExchangeReader>
    private let console: Mutex<SQLConsole>

    /// Opens the database, migrating it to the current schema.
    /// - Throws: `PluginError.config` for bad options or a database that cannot be used (the message says why).
    init(host: PluginHost, configJSON: UnsafeRawBufferPointer) throws(PluginError) {
        self.host = host
        let options = try SinkOptions(InstanceConfiguration(configJSON))
        let writer = try ExchangeWriter(options: options)
        let version = ExchangeSchema.currentVersion
        if writer.previousVersion == 0 {
            host.log(Int32(LESSLLM_LOG_DEBUG), "created database '\(options.path)' (schema version \(version))")
        } else if writer.previousVersion < version {
            host.log(Int32(LESSLLM_LOG_INFO),
                     "migrated database '\(options.path)' from schema version \(writer.previousVersion) to \(version)")
        }
        reader = Mutex(try ExchangeReader(path: options.path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds))
        console = Mutex(try SQLConsole(path: options.path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds))
        self.writer = Mutex(writer)
    }

    /// Runs one op to completion inside `open` and emits its answer.
    /// - Throws: `PluginError` (see the type's documentation); the host reports it.
    /// THREAD: any thread; blocking is allowed (sink ops are [blocking-ok]).
    func open(stream: OpaquePointer?, arguments: OpenArguments) throws(PluginError) -> (any PluginStream)? {
        let answer: String
        switch arguments.op {
        case "sink:log":
            answer = try store(arguments)
        case "sink:query":
            answer = try respond(to: SinkQuery(parsing: arguments.body))
        default:
            throw .unsupported("the SQLite sink serves sink:log and sink:query, not '\(arguments.op)'")
        }
        host.emit(stream, data: answer)
        return nil
    }

    private func store(_ arguments: OpenArguments) throws(PluginError) -> String {
        let rows = try ExchangeRow.batch(from: arguments.body, fields: arguments.recordFields,
                                         fieldCount: arguments.recordFieldCount)
        let result = try writer.withLock { writer throws(PluginError) in try writer.store(rows) }
        return #"{"stored":\#(result.stored),"skipped":\#(result.skipped)}"#
    }

    private func respond(to query: SinkQuery) throws(PluginError) -> String {
        switch query {
        case .list(let filters, let limit, let offset):
            return try reader.withLock { reader throws(PluginError) in
                try reader.list(filters: filters, limit: limit, offset: offset)
            }.serialized()
        case .get(let id):
            let record = try reader.withLock { reader throws(PluginError) in try reader.record(id: id) }
            guard let record else { throw PluginError(LESSLLM_E_NOT_FOUND, "no exchange with id '\(id)'") }
            return #"{"record":"# + record + "}"
        case .aggregate(let request):
            return try reader.withLock { reader throws(PluginError) in try reader.aggregate(request) }.serialized()
        case .sql(let request):
            return try console.withLock { console throws(PluginError) in try console.run(request) }.serialized()
        }
    }
}

/// The plugin's entry point, resolved by the host with dlsym.
@c(lessllm_plugin_entry_v1)
public func lessllm_plugin_entry_v1(_ hostMajor: UInt32, _ hostMinor: UInt32) -> UnsafePointer<lessllm_plugin>? {
    PluginExport.table(for: SQLiteSink.self, hostMajor: hostMajor)
}

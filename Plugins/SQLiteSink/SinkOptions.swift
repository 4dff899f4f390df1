import JSONCore
import PluginKit

/// The sink's `options` from plugins.yaml.
///
/// ```yaml
/// sinks:
///   sqlite:
///     plugin: dev.lessllm.sink.sqlite
///     options:
///       path: data/lessllm.db      # default lessllm.db; relative to the gateway's working directory
///       busy_timeout_ms: 5000      # how long a write or read waits for another connection's lock
/// ```
struct SinkOptions: Sendable {
    /// The database file.
    var path = "lessllm.db"
    /// SQLite's busy timeout for every connection.
    var busyTimeoutMilliseconds = 5000

    static let known = ["path", "busy_timeout_ms"]

    /// Reads and checks the options.
    /// - Throws: `PluginError.config` listing every unknown option, or naming a value of the wrong type or range.
    init(_ configuration: InstanceConfiguration) throws(PluginError) {
        guard let options = configuration.json["options"], !options.isNull else { return }
        guard case .object(let members) = options else {
            throw .config("options must be a mapping (valid options: \(Self.known.joined(separator: ", ")))")
        }
        let unknown = members.keys.filter { !Self.known.contains($0) }
        if !unknown.isEmpty {
            let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
            throw .config("unknown option\(unknown.count == 1 ? "" : "s") \(names) "
                + "(valid options: \(Self.known.joined(separator: ", ")))")
        }
        if let value = members["path"], !value.isNull {
            guard let path = value.stringValue, !path.isEmpty else {
                throw .config("options.path must be a non-empty file path, got \(JSONDescription.of(value))")
            }
            if path == ":memory:" {
                throw .config("options.path must be a database file, not ':memory:': the sink's writer, reader and "
                    + "SQL console connections share one file")
            }
            if path.hasPrefix("file:") {
                throw .config("options.path must be a plain file path, not a URI ('\(path)')")
            }
            self.path = path
        }
        if let value = members["busy_timeout_ms"], !value.isNull {
            guard let milliseconds = value.intValue, (0...600_000).contains(milliseconds) else {
                throw .config("options.busy_timeout_ms must be an integer from 0 to 600000, got \(JSONDescription.of(value))")
            }
            busyTimeoutMilliseconds = milliseconds
        }
    }
}

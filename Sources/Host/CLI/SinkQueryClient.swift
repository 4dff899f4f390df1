import ArgumentParser
import JSONCore

/// Runs `sink:query` requests for the command line against the configuration's query sink.
struct SinkQueryClient {
    let sink: PluginInstance

    /// The first configured sink that answers queries, or an error and exit 1.
    init(registry: PluginRegistry, configName: String) throws {
        guard let sink = registry.sinks.first(where: { $0.plugin.info.serves("sink:query") }) else {
            Terminal.error("\(configName) configures no sink that answers queries (sink:query)")
            throw ExitCode.failure
        }
        self.sink = sink
    }

    /// The query's answer, or the sink's error printed and exit 1.
    func run(_ query: JSONValue) throws -> JSONValue {
        do {
            let answer = try OneShotOperation.run(sink, OpenRequest(op: "sink:query", body: query.serializedBytes()))
            return try JSONValue(parsing: answer)
        } catch let error as GatewayError {
            Terminal.error(error.message)
            throw ExitCode.failure
        }
    }
}

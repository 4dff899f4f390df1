import PluginABI

/// Runs an op that completes inside `open` (request conversion, sink writes, queries) and collects its output.
///
/// Runs on the calling thread; the plugin's output is the concatenation of the data of the events it emitted.
enum OneShotOperation {
    /// Opens `request` on `instance` and returns what it emitted.
    /// - Throws: the plugin's failure as a `GatewayError` (its status and message).
    static func run(_ instance: PluginInstance, _ request: OpenRequest) throws(GatewayError) -> [UInt8] {
        let collector = Collector()
        let context = PluginStreamContext(instance: instance, downstream: collector, input: .none)
        context.open(request)
        if let (status, message) = collector.failure { throw StatusCode.gatewayError(status, message: message) }
        guard collector.ended else {
            throw .internalError("\(instance.plugin.info.id) did not finish '\(request.op)' inside open")
        }
        return collector.output
    }

    private final class Collector: StreamDownstream {
        var output: [UInt8] = []
        var failure: (lessllm_status, String)?
        var ended = false

        func receiveHead(status: Int32, headers: UnsafeBufferPointer<lessllm_header>) -> lessllm_status { LESSLLM_OK }

        func receiveEvent(_ event: UnsafePointer<lessllm_event>) -> lessllm_status {
            output.append(contentsOf: event.pointee.data.buffer)
            return LESSLLM_OK
        }

        func receiveFailure(status: lessllm_status, message: String) {
            if failure == nil { failure = (status, message) }
        }

        func receiveEnd(status: lessllm_status) {
            ended = true
            if status != LESSLLM_OK && failure == nil { failure = (status, "the operation ended with \(StatusCode.name(status))") }
        }
    }
}

import Logging
import PluginABI

@testable import Host

/// Drives a real plugin through the real host services without a server: a stream's output is recorded, and a
/// provider's upstream request is captured instead of sent.
final class RecordingDownstream: StreamDownstream {
    var status: Int32?
    var headers: [(String, String)] = []
    var events: [(type: String, data: String, raw: String)] = []
    var failures: [(lessllm_status, String)] = []
    var ends: [lessllm_status] = []

    func receiveHead(status: Int32, headers: UnsafeBufferPointer<lessllm_header>) -> lessllm_status {
        self.status = status
        self.headers = headers.map { ($0.name.copiedString, $0.value.copiedString) }
        return LESSLLM_OK
    }

    func receiveEvent(_ event: UnsafePointer<lessllm_event>) -> lessllm_status {
        let value = event.pointee
        events.append((value.type.copiedString, value.data.copiedString, value.raw.copiedString))
        return LESSLLM_OK
    }

    func receiveFailure(status: lessllm_status, message: String) { failures.append((status, message)) }

    func receiveEnd(status: lessllm_status) { ends.append(status) }

    /// Every event's data joined, for one-event bodies.
    var body: String { events.map(\.data).joined() }
}

/// Captures the upstream requests a provider asks for.
final class CapturingRequester: UpstreamRequester {
    var requests: [UpstreamRequest] = []
    var cancellations = 0

    func startUpstream(_ request: UpstreamRequest) -> Bool {
        requests.append(request)
        return true
    }

    func cancelUpstream() { cancellations += 1 }
}

/// One plugin under test.
struct PluginHarness {
    let instance: PluginInstance

    init(path: String, name: String = "test", config: String = "{}") throws {
        let plugin = try LoadedPlugin.load(path: path)
        instance = try PluginInstance.create(plugin, name: name, configJSON: config, logger: Logger(label: "test"))
    }

    /// Opens a stream on `op` with `body`; returns the stream context, what it produced and what it asked for.
    func open(
        op: String, body: String, model: String = "m", headers: [(String, String)] = [], stream: Bool = false,
        recordFields: [Range<Int>?] = []
    ) -> (PluginStreamContext, RecordingDownstream, CapturingRequester) {
        let downstream = RecordingDownstream()
        let requester = CapturingRequester()
        let input: PluginStreamContext.Input = switch op.split(separator: ":").first {
        case "provider": .upstream(requester)
        case "response": .previousStage
        default: .none
        }
        let context = PluginStreamContext(instance: instance, downstream: downstream, input: input)
        context.open(OpenRequest(op: op, body: Array(body.utf8), model: model, headers: headers,
                                 exchangeID: "01TESTEXCHANGE0000000000000", isStream: stream, recordFields: recordFields))
        return (context, downstream, requester)
    }
}

extension PluginStreamContext {
    /// Feeds an upstream head and whole SSE events (or one body) and ends the input, as the transport would.
    func feedUpstream(status: Int32, headers: [(String, String)], events: [String], end: lessllm_status = LESSLLM_OK) {
        _ = HeaderList.withBorrowed(headers) { receiveHead(status: status, headers: $0) }
        let isEventStream = headers.contains { $0.0.lowercased() == "content-type" && $0.1.contains("event-stream") }
        for raw in events {
            guard isEventStream else {
                // A body that is not SSE reaches the plugins whole, as one event (its data and raw the body).
                Array(raw.utf8).withUnsafeBytes { body in
                    var value = lessllm_event.borrowing(type: UnsafeRawBufferPointer(start: nil, count: 0), data: body,
                                                        raw: body)
                    _ = receiveEvent(&value)
                }
                continue
            }
            var framer = SSEFramer()
            Array(raw.utf8).withUnsafeBytes { bytes in
                _ = framer.feed(bytes) { event in
                    var value = lessllm_event.borrowing(type: event.type, data: event.data, raw: event.raw)
                    return receiveEvent(&value) == LESSLLM_OK
                }
                framer.finish { event in
                    var value = lessllm_event.borrowing(type: event.type, data: event.data, raw: event.raw)
                    return receiveEvent(&value) == LESSLLM_OK
                }
            }
        }
        receiveEnd(status: end)
    }
}

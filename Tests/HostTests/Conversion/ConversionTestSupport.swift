import JSONCore
import PluginABI
import Testing

@testable import Host

/// Drives the DialectConverter plugin through the real host services and reads back what it produced.
enum Conversion {
    static let anthropicToOpenAIRequest = "request:anthropic.messages->openai.chat"
    static let openAIToAnthropicRequest = "request:openai.chat->anthropic.messages"
    static let openAIToAnthropicResponse = "response:openai.chat->anthropic.messages"
    static let anthropicToOpenAIResponse = "response:anthropic.messages->openai.chat"

    /// The exchange id the test kit opens every stream with, and the ids and timestamp derived from it.
    static let exchangeID = "01TESTEXCHANGE0000000000000"
    static let messageID = "msg_" + exchangeID
    static let completionID = "chatcmpl-" + exchangeID
    /// `created`: the millisecond timestamp in the exchange id's first 10 base-32 digits, in seconds.
    static let created: Int = {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let millis = exchangeID.prefix(10).reduce(0) { $0 << 5 | alphabet.firstIndex(of: $1)! }
        return millis / 1000
    }()

    static func harness(options: String = "{}") throws -> PluginHarness {
        try PluginHarness(path: TestPaths.plugin("DialectConverter"), config: "{\"name\":\"dialects\",\"options\":\(options)}")
    }

    /// Converts a request; returns the converted JSON.
    static func request(
        _ op: String, _ body: JSONValue, model: String = "upstream-model", stream: Bool = false, options: String = "{}"
    ) throws -> JSONValue {
        let (_, output, _) = try harness(options: options).open(op: op, body: body.serialized(), model: model, stream: stream)
        #expect(output.failures.isEmpty, "unexpected failure: \(output.failures)")
        #expect(output.events.count == 1)
        #expect(output.ends == [LESSLLM_OK])
        return try JSONValue(parsing: output.body)
    }

    /// Converts a request that must be refused; returns the status and message.
    static func refusal(
        _ op: String, _ body: JSONValue, model: String = "upstream-model", options: String = "{}"
    ) throws -> (status: lessllm_status, message: String) {
        let (_, output, _) = try harness(options: options).open(op: op, body: body.serialized(), model: model)
        #expect(output.events.isEmpty)
        let failure = try #require(output.failures.first)
        return (failure.0, failure.1)
    }

    /// Opens a response conversion for the client's request `clientRequest`.
    static func response(
        _ op: String, clientRequest: JSONValue, stream: Bool, options: String = "{}"
    ) throws -> (PluginStreamContext, RecordingDownstream) {
        let (context, output, _) = try harness(options: options).open(
            op: op, body: clientRequest.serialized(), model: "upstream-model", stream: stream)
        #expect(output.failures.isEmpty)
        return (context, output)
    }
}

/// SSE text as an upstream sends it.
enum SSE {
    /// `data: <json>\n\n` per chunk (OpenAI).
    static func data(_ chunks: [String]) -> String { chunks.map { "data: \($0)\n\n" }.joined() }

    /// `event: <type>\ndata: <json>\n\n` per event (Anthropic); the type is read from the JSON's `type`.
    static func events(_ events: [JSONValue]) -> String {
        events.map { "event: \($0["type"]!.stringValue!)\ndata: \($0.serialized())\n\n" }.joined()
    }

    static let eventStreamHead = [("content-type", "text/event-stream")]
    static let jsonHead = [("content-type", "application/json")]
}

extension PluginStreamContext {
    /// Feeds a head, then `text` split into chunks at `splits` (byte offsets) through one SSE framer, as the
    /// transport does, then ends the input.
    func feedUpstreamBytes(
        _ text: String, splits: [Int] = [], status: Int32 = 200, headers: [(String, String)] = SSE.eventStreamHead,
        end: lessllm_status = LESSLLM_OK
    ) {
        _ = HeaderList.withBorrowed(headers) { receiveHead(status: status, headers: $0) }
        let bytes = Array(text.utf8)
        var framer = SSEFramer()
        var start = 0
        for cut in (splits.filter { $0 > 0 && $0 < bytes.count }.sorted() + [bytes.count]) where cut > start {
            Array(bytes[start..<cut]).withUnsafeBytes { chunk in
                _ = framer.feed(chunk) { event in self.deliver(event) }
            }
            start = cut
        }
        framer.finish { event in self.deliver(event) }
        receiveEnd(status: end)
    }

    /// Feeds a head and one whole non-SSE body as one event (data and raw = the body), as the transport does, then
    /// ends the input.
    func feedBody(_ body: String, status: Int32 = 200, headers: [(String, String)] = SSE.jsonHead) {
        _ = HeaderList.withBorrowed(headers) { receiveHead(status: status, headers: $0) }
        if !body.isEmpty {
            Array(body.utf8).withUnsafeBytes { bytes in
                var value = lessllm_event.borrowing(type: UnsafeRawBufferPointer(start: nil, count: 0), data: bytes, raw: bytes)
                _ = receiveEvent(&value)
            }
        }
        receiveEnd(status: LESSLLM_OK)
    }

    /// Feeds the head only.
    func feedHead(status: Int32 = 200, headers: [(String, String)] = SSE.eventStreamHead) {
        _ = HeaderList.withBorrowed(headers) { receiveHead(status: status, headers: $0) }
    }

    /// Feeds whole SSE events (framed from `text`) without ending the input.
    func feedEvents(_ text: String) {
        var framer = SSEFramer()
        Array(text.utf8).withUnsafeBytes { chunk in _ = framer.feed(chunk) { event in self.deliver(event) } }
        framer.finish { event in self.deliver(event) }
    }

    private func deliver(_ event: SSEFramer.Event) -> Bool {
        var value = lessllm_event.borrowing(type: event.type, data: event.data, raw: event.raw)
        return receiveEvent(&value) == LESSLLM_OK
    }
}

/// One emitted event, parsed, for comparing with golden values.
struct Emitted: Equatable, CustomStringConvertible {
    var type: String
    var data: JSONValue

    init(_ type: String, _ data: JSONValue) {
        self.type = type
        self.data = data
    }

    var description: String { type.isEmpty ? "data: \(data)" : "event: \(type) data: \(data)" }
}

extension RecordingDownstream {
    /// The emitted events with their data parsed (`[DONE]` kept as a string).
    var parsed: [Emitted] {
        events.map { event in
            Emitted(event.type, (try? JSONValue(parsing: event.data)) ?? .string(event.data))
        }
    }

    /// The single emitted body, parsed.
    var json: JSONValue? { try? JSONValue(parsing: body) }

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
}

/// Parses JSON text written in a test (the tests' golden values are JSON, as the APIs document them).
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        Issue.record("bad JSON in the test itself: \(error)")
        return .null
    }
}

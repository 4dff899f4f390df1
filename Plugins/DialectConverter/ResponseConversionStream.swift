import JSONCore
import PluginABI
import PluginKit

/// Converts one upstream response into the client's dialect as it arrives: the head at once, then each event.
///
/// - 2xx with `text/event-stream`: every upstream event goes through a `StreamTranslator` and its output is emitted
///   before the next event is read. The client gets `text/event-stream`.
/// - 2xx otherwise: the single event holding the whole body is converted whole (`OpenAIToAnthropicResponse`,
///   `AnthropicToOpenAIResponse`). The client gets `application/json` — or, when it asked for a stream, the
///   converted response replayed as one (`StreamReplay`).
/// - Anything else: the error body is re-shaped for the client with the mapped status (`ErrorBodies`).
/// Upstream request ids, `retry-after` and rate-limit headers are forwarded (`ResponseHeaders`).
///
/// THREAD: calls for one stream never overlap (the ABI's stream-serial rule); the object belongs to one stream.
final class ResponseConversionStream: PluginStream {
    /// Which way the response goes.
    enum Direction {
        case openAIToAnthropic
        case anthropicToOpenAI

        /// Whether the client speaks the Anthropic dialect.
        var clientIsAnthropic: Bool { self == .openAIToAnthropic }
    }

    private enum Body {
        case awaitingHead
        case error(status: Int32)
        case whole
        case events
    }

    private let host: PluginHost
    private let client: ClientRequestInfo
    private let direction: Direction
    private let clientWantsStream: Bool
    private var body = Body.awaitingHead
    private var translator: any StreamTranslator
    private var emittedBody = false

    /// A stream for one response.
    init(host: PluginHost, client: ClientRequestInfo, direction: Direction, clientWantsStream: Bool) {
        self.host = host
        self.client = client
        self.direction = direction
        self.clientWantsStream = clientWantsStream
        translator = switch direction {
        case .openAIToAnthropic: OpenAIToAnthropicStream(client: client)
        case .anthropicToOpenAI: AnthropicToOpenAIStream(client: client)
        }
    }

    func onHead(stream: OpaquePointer?, status: Int32, headers: UnsafeBufferPointer<lessllm_header>) throws(PluginError) {
        let clientStatus: Int32
        let contentType: String
        if (200..<300).contains(status) {
            let isEventStream = headers.contains(where: \.declaresEventStream)
            body = isEventStream ? .events : .whole
            clientStatus = status
            contentType = isEventStream || clientWantsStream ? "text/event-stream" : "application/json"
        } else {
            body = .error(status: status)
            let placeholder = ErrorBodies.UpstreamError(status: status, type: nil, message: "")
            clientStatus = direction.clientIsAnthropic
                ? ErrorBodies.anthropicResponse(for: placeholder).status : ErrorBodies.openAIResponse(for: placeholder).status
            contentType = "application/json"
        }
        let headers = ResponseHeaders.forClient(headers, contentType: contentType, clientIsAnthropic: direction.clientIsAnthropic)
        if host.respond(stream, status: clientStatus, headers: headers) == LESSLLM_E_CANCELLED { throw Self.cancelled }
    }

    func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError) {
        let data = event.pointee.data.buffer
        switch body {
        case .events:
            try emit(try translator.translate(type: event.pointee.type.string, data: data), on: stream)
        case .whole, .awaitingHead:
            guard !emittedBody else { return }
            emittedBody = true
            try emitWhole(try convertWhole(data), on: stream)
        case .error(let status):
            guard !emittedBody else { return }
            emittedBody = true
            try emit([ClientEvent(type: "", data: errorBody(status: status, data: Array(data)))], on: stream)
        }
    }

    func close(stream: OpaquePointer?, status: lessllm_status) {
        // After a transport failure or cancellation the host has already told the client; nothing may follow.
        guard status == LESSLLM_OK else { return }
        do {
            switch body {
            case .events:
                try emit(try translator.finish(), on: stream)
                if translator.usageWasEstimated {
                    host.log(Int32(LESSLLM_LOG_WARNING), "the upstream reported no usage; the client got estimated token counts")
                }
            case .whole where !emittedBody:
                host.fail(stream, .upstream("The upstream answered with an empty body."))
            case .error(let status) where !emittedBody:
                try emit([ClientEvent(type: "", data: errorBody(status: status, data: []))], on: stream)
            default:
                break
            }
        } catch {
            if error.status != LESSLLM_E_CANCELLED { host.fail(stream, error) }
        }
    }

    /// A whole upstream body in the client's dialect.
    private func convertWhole(_ data: UnsafeRawBufferPointer) throws(PluginError) -> JSONValue {
        let upstream: JSONValue
        do {
            upstream = try JSONValue(parsing: data)
        } catch {
            throw .upstream("The upstream's answer is not valid JSON (\(error)): \(data.excerpt)")
        }
        switch direction {
        case .openAIToAnthropic:
            if upstream["usage"] == nil {
                host.log(Int32(LESSLLM_LOG_WARNING), "the upstream reported no usage; the client got estimated token counts")
            }
            return try OpenAIToAnthropicResponse.convert(upstream, client: client)
        case .anthropicToOpenAI:
            return try AnthropicToOpenAIResponse.convert(upstream, client: client)
        }
    }

    /// Sends a converted whole body: as one event (its bytes as serialised, no `String` made of them), or replayed as
    /// the events of a stream when the client asked for one.
    private func emitWhole(_ converted: JSONValue, on stream: OpaquePointer?) throws(PluginError) {
        guard !clientWantsStream else {
            return try emit(direction.clientIsAnthropic
                ? StreamReplay.anthropicEvents(for: converted)
                : StreamReplay.openAIChunks(for: converted, includeUsage: client.includeUsage), on: stream)
        }
        if host.emit(stream, bytes: converted.serializedBytes()) == LESSLLM_E_CANCELLED { throw Self.cancelled }
    }

    private func errorBody(status: Int32, data: [UInt8]) -> String {
        let error = ErrorBodies.read(status: status, body: data)
        return direction.clientIsAnthropic ? ErrorBodies.anthropicResponse(for: error).body : ErrorBodies.openAIResponse(for: error).body
    }

    private func emit(_ events: [ClientEvent], on stream: OpaquePointer?) throws(PluginError) {
        for event in events {
            if host.emit(stream, type: event.type, data: event.data) == LESSLLM_E_CANCELLED { throw Self.cancelled }
        }
    }

    private static let cancelled = PluginError(LESSLLM_E_CANCELLED, "the client went away")
}

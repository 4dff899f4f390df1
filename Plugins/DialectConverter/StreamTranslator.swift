import PluginKit

/// One event for the client: the SSE `event:` name (empty for OpenAI output, which has none) and the data.
struct ClientEvent: Equatable {
    /// The SSE event name; empty for OpenAI output and whole bodies.
    var type: String
    /// The event's data (JSON, or `[DONE]`).
    var data: String
}

/// Converts one upstream event stream into the client's dialect, one upstream event at a time: every call returns
/// at once with the client events that event produces, so nothing waits for the end of the stream.
///
/// Implementations are value-type state machines; `ResponseConversionStream` owns one per stream and emits what
/// they return.
///
/// THREAD: one stream's calls never overlap; a value is never shared.
protocol StreamTranslator {
    /// The client events for one upstream SSE event.
    /// - Parameters:
    ///   - type: the event's `event:` name (empty when it has none).
    ///   - data: the event's data.
    /// - Throws: `PluginError` when the upstream sent something unusable or reported an error; the stream then fails.
    mutating func translate(type: String, data: UnsafeRawBufferPointer) throws(PluginError) -> [ClientEvent]

    /// The client events that end the stream after the upstream's input ended without a transport error.
    /// - Throws: `PluginError.upstream` when the upstream stopped before its terminal event (a truncated stream is
    ///   never passed off as a complete answer).
    mutating func finish() throws(PluginError) -> [ClientEvent]

    /// True when the client was given estimated token counts because the upstream reported none.
    var usageWasEstimated: Bool { get }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes are exactly `text`.
    func holds(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The bytes as text, shortened for an error message.
    var excerpt: String {
        let text = String(decoding: prefix(200), as: UTF8.self)
        return count > 200 ? text + "…" : text
    }
}

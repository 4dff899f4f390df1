import JSONCore
import PluginABI

/// A provider stream that hands the upstream response to the client unchanged: the head as the response head,
/// every event byte for byte. Subclass to look at (or hold back) events.
///
/// An SSE response that ends without its dialect's terminal event (OpenAI's `[DONE]`, Anthropic's
/// `message_stop`) was cut short: the stream is failed, so the client gets an error event instead of a response
/// that merely looks finished.
open class PassthroughStream: PluginStream {
    /// Recognises the event that ends a complete stream, and names it for the error message.
    public struct Terminal: Sendable {
        let name: String
        let matches: @Sendable (lessllm_event) -> Bool

        public init(name: String, matches: @escaping @Sendable (lessllm_event) -> Bool) {
            self.name = name
            self.matches = matches
        }

        /// OpenAI Chat Completions: `data: [DONE]` (an error object also ends the stream, with its own message).
        public static let openAIDone = Terminal(name: "data: [DONE]") { event in
            let data = event.data.buffer
            if data.elementsEqual("[DONE]".utf8) { return true }
            // Only a chunk that mentions "error" at all is worth a scan (this runs on every event).
            return data.first == UInt8(ascii: "{") && ByteSearch.contains(data, #""error""#)
                && (try? JSONScanner.topLevelValue(forKey: "error", in: data)) != nil
        }
        /// Anthropic Messages: `event: message_stop` (an `error` event also ends the stream, with its own message).
        public static let anthropicMessageStop = Terminal(name: "event: message_stop") { event in
            event.type.buffer.elementsEqual("message_stop".utf8) || event.type.buffer.elementsEqual("error".utf8)
        }
    }

    /// The host's services.
    public let host: PluginHost
    private let terminal: Terminal?
    private var isEventStream = false
    private var sawTerminal = false

    public init(host: PluginHost, terminal: Terminal? = nil) {
        self.host = host
        self.terminal = terminal
    }

    open func onHead(stream: OpaquePointer?, status: Int32, headers: UnsafeBufferPointer<lessllm_header>) throws(PluginError) {
        isEventStream = status == 200 && headers.contains(where: \.declaresEventStream)
        let result = host.table.pointee.respond(stream, status, headers.baseAddress, headers.count)
        if result == LESSLLM_E_CANCELLED { throw PluginError(LESSLLM_E_CANCELLED, "the client went away") }
    }

    open func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError) {
        // Only an event stream can end early (`close`); a whole body is not scanned for its terminal.
        if isEventStream, let terminal, !sawTerminal, terminal.matches(event.pointee) { sawTerminal = true }
        if host.emit(stream, event: event) == LESSLLM_E_CANCELLED {
            throw PluginError(LESSLLM_E_CANCELLED, "the client went away")
        }
    }

    open func close(stream: OpaquePointer?, status: lessllm_status) {
        guard status == LESSLLM_OK, isEventStream, let terminal, !sawTerminal else { return }
        host.fail(stream, .upstream("The upstream stream ended before \(terminal.name); the response is incomplete."))
    }
}

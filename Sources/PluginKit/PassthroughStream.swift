import PluginABI

/// A provider stream that hands the upstream response to the client unchanged: the head as the response head,
/// every event byte for byte. Subclass to look at (or hold back) events.
open class PassthroughStream: PluginStream {
    /// The host's services.
    public let host: PluginHost

    public init(host: PluginHost) {
        self.host = host
    }

    open func onHead(stream: OpaquePointer?, status: Int32, headers: UnsafeBufferPointer<lessllm_header>) throws(PluginError) {
        let status = host.table.pointee.respond(stream, status, headers.baseAddress, headers.count)
        if status == LESSLLM_E_CANCELLED { throw PluginError(LESSLLM_E_CANCELLED, "the client went away") }
    }

    open func onEvent(stream: OpaquePointer?, event: UnsafePointer<lessllm_event>) throws(PluginError) {
        if host.emit(stream, event: event) == LESSLLM_E_CANCELLED {
            throw PluginError(LESSLLM_E_CANCELLED, "the client went away")
        }
    }

    open func close(stream: OpaquePointer?, status: lessllm_status) {}
}

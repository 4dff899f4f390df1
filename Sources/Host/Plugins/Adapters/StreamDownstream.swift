import PluginABI

/// Where a stream stage's output goes: the next stage (a response converter) or the client's response writer.
///
/// All calls for one exchange happen on that exchange's event loop, one at a time.
protocol StreamDownstream: AnyObject {
    /// The response head. Returns LESSLLM_E_CANCELLED when the client is gone.
    func receiveHead(status: Int32, headers: UnsafeBufferPointer<lessllm_header>) -> lessllm_status
    /// One event, borrowed for the duration of the call. Returns LESSLLM_E_CANCELLED when the client is gone.
    func receiveEvent(_ event: UnsafePointer<lessllm_event>) -> lessllm_status
    /// A failure raised upstream of this point; it ends the response in the client's dialect.
    func receiveFailure(status: lessllm_status, message: String)
    /// The end of the output, exactly once, after the stage closed.
    func receiveEnd(status: lessllm_status)
}

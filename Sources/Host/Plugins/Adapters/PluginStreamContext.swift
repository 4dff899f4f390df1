import PluginABI

/// The host's side of one plugin stream (`lessllm_stream *`): it opens the stream, receives the plugin's output
/// through the host services, feeds it input (upstream response, or the previous stage's output), and closes it
/// exactly once.
///
/// Threading: every call for one stream happens on the exchange's event loop, one at a time; the class is not
/// otherwise synchronised. The owner keeps it alive from `open` until `receiveEnd` has gone downstream.
final class PluginStreamContext: StreamDownstream {
    /// Where a stream's input comes from.
    enum Input {
        /// Nothing: the op is done when `open` returns (request conversion, sink writes, queries).
        case none
        /// The upstream HTTP response of a request the plugin starts (providers).
        case upstream(any UpstreamRequester)
        /// The output of the stage before it (response converters).
        case previousStage
    }

    let instance: PluginInstance
    private let downstream: any StreamDownstream
    private weak var requester: (any UpstreamRequester)?
    private var machine: StreamStateMachine
    private var pluginState: UnsafeMutableRawPointer?
    /// `open` returned an error: the stream failed and ended without ever taking input.
    private(set) var openFailed = false

    /// - Parameters:
    ///   - instance: the plugin instance to open the stream on.
    ///   - downstream: where the stream's output goes.
    ///   - input: where the stream's input comes from.
    init(instance: PluginInstance, downstream: any StreamDownstream, input: Input) {
        self.instance = instance
        self.downstream = downstream
        if case .upstream(let requester) = input { self.requester = requester }
        if case .previousStage = input {
            self.machine = StreamStateMachine(expectsStageInput: true)
        } else {
            self.machine = StreamStateMachine(expectsStageInput: false)
        }
    }

    /// The opaque handle given to the plugin.
    var handle: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    /// Recovers the context from a plugin's handle.
    static func from(_ handle: OpaquePointer?) -> PluginStreamContext? {
        guard let handle else { return nil }
        return Unmanaged<PluginStreamContext>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    private var table: lessllm_plugin { instance.plugin.table.pointee }

    // MARK: - Opening

    /// Opens the stream. When open fails, the failure is sent downstream (unless the plugin already failed the
    /// stream) and ended; when the plugin has nothing more to wait for, it is closed at once.
    func open(_ request: OpenRequest) {
        machine.willOpen()
        var state: UnsafeMutableRawPointer?
        let status = request.withArguments { arguments in
            withUnsafePointer(to: arguments) { table.open(instance.state, handle, $0, &state) }
        }
        pluginState = state
        switch machine.openReturned(status) {
        case .awaitInput:
            break
        case .closeNow:
            close()
        case .failedWithoutClose:
            openFailed = true
            // A request it started before failing is not wanted any more.
            if machine.requestInFlight { requester?.cancelUpstream() }
            if machine.failure == nil {
                downstream.receiveFailure(status: status, message: "\(instance.plugin.info.id) refused the request (\(StatusCode.name(status)))")
            }
            downstream.receiveEnd(status: status)
        }
    }

    // MARK: - Host services called by the plugin

    func respond(status: Int32, headers: UnsafeBufferPointer<lessllm_header>) -> lessllm_status {
        guard case .forward = machine.respond() else { return LESSLLM_E_BAD_ARGUMENT }
        return downstream.receiveHead(status: status, headers: headers)
    }

    func emit(_ event: UnsafePointer<lessllm_event>) -> lessllm_status {
        guard case .forward = machine.emit() else { return LESSLLM_E_BAD_ARGUMENT }
        return downstream.receiveEvent(event)
    }

    func fail(status: lessllm_status, message: String) -> lessllm_status {
        guard case .forward = machine.fail(status) else { return status }
        downstream.receiveFailure(status: machine.failure ?? status, message: message)
        if machine.requestInFlight { requester?.cancelUpstream() }
        return status
    }

    func httpStart(_ request: UpstreamRequest) -> lessllm_status {
        if let invalid = HeaderRules.firstInvalid(in: request.headers) {
            // Sent as is, it could split the request (a configured key with a line break, say). Only its name is
            // told: the value may be a secret.
            _ = fail(status: LESSLLM_E_INTERNAL,
                     message: "the provider's upstream request carried a header that cannot be sent: '\(invalid)'")
            return LESSLLM_E_BAD_ARGUMENT
        }
        guard let requester, case .forward = machine.startRequest() else { return LESSLLM_E_BAD_ARGUMENT }
        return requester.startUpstream(request) ? LESSLLM_OK : LESSLLM_E_BAD_ARGUMENT
    }

    func httpCancel() {
        guard machine.requestInFlight else { return }
        requester?.cancelUpstream()
    }

    // MARK: - Input (StreamDownstream of the previous stage, or the upstream response)

    func receiveHead(status: Int32, headers: UnsafeBufferPointer<lessllm_header>) -> lessllm_status {
        guard machine.acceptsInput else { return LESSLLM_E_CANCELLED }
        guard let onHead = table.on_head else { return respond(status: status, headers: headers) }
        return settle(onHead(pluginState, handle, status, headers.baseAddress, headers.count))
    }

    func receiveEvent(_ event: UnsafePointer<lessllm_event>) -> lessllm_status {
        guard machine.acceptsInput else { return LESSLLM_E_CANCELLED }
        guard let onEvent = table.on_event else { return emit(event) }
        return settle(onEvent(pluginState, handle, event))
    }

    func receiveFailure(status: lessllm_status, message: String) {
        // A failure raised before this stage passes straight through to the client.
        _ = fail(status: status, message: message)
    }

    func receiveEnd(status: lessllm_status) {
        guard case .close = machine.inputEnded(status) else { return }
        close()
    }

    /// A callback's error status ends the stream as if passed to fail.
    private func settle(_ status: lessllm_status) -> lessllm_status {
        guard status != LESSLLM_OK else { return LESSLLM_OK }
        if machine.failure == nil && status != LESSLLM_E_CANCELLED {
            _ = fail(status: status, message: "\(instance.plugin.info.id) failed the stream (\(StatusCode.name(status)))")
        } else if status == LESSLLM_E_CANCELLED, machine.requestInFlight {
            requester?.cancelUpstream()
        }
        return status
    }

    private func close() {
        guard case .closing(let status) = machine.state else { return }
        table.close(pluginState, handle, status)
        pluginState = nil
        downstream.receiveEnd(status: machine.closeReturned())
    }
}

/// Sends a provider stage's upstream HTTP request and feeds the response back into the stage.
protocol UpstreamRequester: AnyObject {
    /// Starts the request; false when it cannot be started (malformed).
    func startUpstream(_ request: UpstreamRequest) -> Bool
    /// Cancels the request in flight; the stage then receives `receiveEnd(LESSLLM_E_CANCELLED)`.
    func cancelUpstream()
}

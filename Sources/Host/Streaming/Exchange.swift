import NIOCore
import PluginABI

/// One client request on its way through the gateway: the plugin stages, the upstream transfer, and the response
/// writer, wired together.
///
/// `provider stage → (response converter stages) → client writer`. The provider stage's upstream response comes
/// from the transport; SSE bodies are framed into whole events, other bodies are delivered as one event.
///
/// Threading: everything runs on the client connection's event loop; the transport calls in there (libcurl's thread
/// hops to it; the event-loop client reads there).
final class Exchange: UpstreamRequester, UpstreamResponseHandler {
    let id: String
    let trace: ExchangeTrace
    private let eventLoop: any EventLoop
    private let transport: UpstreamTransport
    private let options: TransportOptions
    private let writer: ClientResponseWriter
    private var stages: [PluginStreamContext] = []
    private var transfer: (any UpstreamTransfer)?
    private var framer = SSEFramer()
    private var upstreamIsEventStream = false
    private var upstreamBodyBuffer: [UInt8] = []
    private let flow = FlowControl()

    init(trace: ExchangeTrace, eventLoop: any EventLoop, transport: UpstreamTransport, options: TransportOptions,
         writer: ClientResponseWriter) {
        self.id = trace.id
        self.trace = trace
        self.eventLoop = eventLoop
        self.transport = transport
        self.options = options
        self.writer = writer
    }

    /// Opens the stages: each response converter (outermost last), then the provider.
    /// - Parameters:
    ///   - provider: the provider instance and what to open it with.
    ///   - converters: response converter stages from provider side to client side, with their open requests.
    func start(provider: (PluginInstance, OpenRequest), converters: [(PluginInstance, OpenRequest)]) {
        var downstream: any StreamDownstream = writer
        var opened: [(PluginStreamContext, OpenRequest)] = []
        for (instance, request) in converters.reversed() {
            let stage = PluginStreamContext(instance: instance, downstream: downstream, input: .previousStage)
            opened.append((stage, request))
            downstream = stage
        }
        let providerStage = PluginStreamContext(instance: provider.0, downstream: downstream, input: .upstream(self))
        stages = [providerStage] + opened.map(\.0).reversed()
        for (stage, request) in opened {
            stage.open(request)
            // Its failure has gone to the client already: nothing is sent upstream.
            if stage.openFailed { return }
        }
        providerStage.open(provider.1)
    }

    private var providerStage: PluginStreamContext { stages[0] }

    /// The largest non-streamed upstream body the gateway holds (it is delivered to the plugins as one event), and
    /// the longest stream event.
    static let maxWholeBodyBytes = 64 << 20

    private func refuseOversizedBody() {
        upstreamBodyBuffer = []
        refuse("The upstream's response body exceeds \(Self.maxWholeBodyBytes >> 20) MiB; only streamed (SSE) "
               + "responses may be larger.")
    }

    /// Ends the exchange with an upstream failure the gateway found in what it received.
    private func refuse(_ message: String) {
        providerStage.receiveFailure(status: LESSLLM_E_UPSTREAM, message: message)
        cancelUpstream()
    }

    // MARK: - Client side

    /// The client closed its connection: stop the upstream transfer now.
    func clientDisconnected() {
        writer.markClientGone()
        transfer?.cancel()
    }

    /// The client's socket can (or cannot) take more bytes: resume (or pause) reading from upstream.
    func clientWritabilityChanged(isWritable: Bool) {
        if flow.clientWritable(isWritable) { transfer?.resume() }
    }

    // MARK: - UpstreamRequester

    func startUpstream(_ request: UpstreamRequest) -> Bool {
        guard transfer == nil else { return false }
        trace.upstreamStartedAt = MonotonicClock.nanoseconds()
        trace.upstreamURL = request.url
        trace.upstreamRequestHeaders = request.headers
        trace.upstreamRequestBody = request.body
        // NIO tells of writability only when it changes: a client whose socket is already full (pipelined requests
        // it has not read the answers of) must hold the upstream back from the start.
        if !writer.clientIsWritable { _ = flow.clientWritable(false) }
        transfer = transport.start(request, options: options, flow: flow, eventLoop: eventLoop, handler: self)
        return transfer != nil
    }

    func cancelUpstream() {
        transfer?.cancel()
    }

    // MARK: - UpstreamResponseHandler

    func upstreamHead(status: Int, headers: [(String, String)]) {
        trace.upstreamHeadAt = MonotonicClock.nanoseconds()
        trace.upstreamStatus = status
        trace.upstreamResponseHeaders = headers
        upstreamIsEventStream = headers.contains { HeaderRules.isEventStreamType($0.0, $0.1) }
        let result = HeaderList.withBorrowed(headers) { providerStage.receiveHead(status: Int32(status), headers: $0) }
        if result == LESSLLM_E_CANCELLED { cancelUpstream() }
    }

    func upstreamRead(_ delivery: () -> Void) {
        writer.batchingWrites(delivery)
    }

    func upstreamBody(_ bytes: UnsafeRawBufferPointer, receivedAt: UInt64) {
        defer {
            if flow.relayed(bytes.count) { transfer?.resume() }
        }
        guard upstreamIsEventStream else {
            upstreamBodyBuffer.append(contentsOf: bytes)
            if upstreamBodyBuffer.count > Self.maxWholeBodyBytes { refuseOversizedBody() }
            return
        }
        let proceed = writer.batchingWrites {
            framer.feed(bytes) { event in deliver(event, at: receivedAt) }
        }
        trace.relayDelays.append(MonotonicClock.nanoseconds() - receivedAt)
        if framer.pendingByteCount > Self.maxWholeBodyBytes {
            refuse("The upstream sent a stream event over \(Self.maxWholeBodyBytes >> 20) MiB long.")
        } else if !proceed {
            cancelUpstream()
        }
    }

    func upstreamEnd(_ failure: TransportFailure?) {
        transfer = nil
        if let failure {
            let status: lessllm_status = switch failure.kind {
            case .unreachable: LESSLLM_E_UPSTREAM
            case .timeout: LESSLLM_E_TIMEOUT
            case .cancelled: LESSLLM_E_CANCELLED
            }
            if failure.kind != .cancelled {
                providerStage.receiveFailure(status: status, message: failure.message)
            } else if !writer.clientGone {
                // Cancelled by the gateway (shutting down) or a plugin, not by the client, who is still there: the
                // answer must not end as if it were whole.
                providerStage.receiveFailure(status: LESSLLM_E_OVERLOADED,
                                             message: "The upstream request was cancelled: \(failure.message).")
            }
            providerStage.receiveEnd(status: status)
            return
        }
        let now = MonotonicClock.nanoseconds()
        writer.batchingWrites {
            if upstreamIsEventStream {
                framer.finish { event in deliver(event, at: now) }
            } else {
                upstreamBodyBuffer.withUnsafeBytes { body in
                    _ = deliver(SSEFramer.Event(type: .init(start: nil, count: 0), data: body, raw: body, hasData: true), at: now)
                }
            }
            providerStage.receiveEnd(status: LESSLLM_OK)
        }
    }

    /// Hands one upstream event to the provider stage (noting it for the record); false when the stream should stop.
    private func deliver(_ event: SSEFramer.Event, at time: UInt64) -> Bool {
        var value = lessllm_event.borrowing(type: event.type, data: event.data, raw: event.raw)
        guard event.hasData else { return providerStage.receiveEvent(&value) != LESSLLM_E_CANCELLED }
        guard trace.upstreamEventsShareClientData else {
            trace.upstreamEvents.append(at: time, type: event.type, data: event.data)
            return providerStage.receiveEvent(&value) != LESSLLM_E_CANCELLED
        }
        let clientEventsBefore = trace.clientEvents.count
        let proceed = providerStage.receiveEvent(&value) != LESSLLM_E_CANCELLED
        if trace.clientEvents.loggedOnly(event.data, since: clientEventsBefore) {
            trace.upstreamEvents.append(at: time)
        } else {
            trace.upstreamEvents.append(at: time, type: event.type, data: event.data)
        }
        return proceed
    }
}

extension lessllm_event {
    /// An event over borrowed buffers, with the current ABI head.
    static func borrowing(
        type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, raw: UnsafeRawBufferPointer
    ) -> lessllm_event {
        func bytes(_ buffer: UnsafeRawBufferPointer) -> lessllm_bytes {
            lessllm_bytes(ptr: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), len: buffer.count)
        }
        return lessllm_event(
            size: UInt32(MemoryLayout<lessllm_event>.size),
            abi_major: UInt16(LESSLLM_ABI_MAJOR), abi_minor: UInt16(LESSLLM_ABI_MINOR),
            type: bytes(type), data: bytes(data), raw: bytes(raw))
    }
}

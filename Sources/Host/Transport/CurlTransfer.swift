import CCurl
import CurlShim
import NIOCore

/// One upstream HTTP transfer: a libcurl easy handle and everything it points to.
///
/// Created on any thread, then owned by the transport's curl thread; its callbacks run there and reach the handler
/// on its event loop through the transport's `DeliveryOutbox` (one hop per loop turn, not per callback).
final class CurlTransfer: @unchecked Sendable {
    let id: Int
    let easy: UnsafeMutableRawPointer
    let options: TransportOptions
    /// Back-pressure shared with the exchange.
    let flow: FlowControl
    private let eventLoop: any EventLoop
    private let outbox: DeliveryOutbox
    private let handler: NIOLoopBound<any UpstreamResponseHandler>
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private let body: UnsafeMutableRawBufferPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // Curl-thread state.
    private var headerBlock: [(String, String)] = []
    private var headDelivered = false
    private(set) var startedAt: UInt64 = 0
    private(set) var lastByteAt: UInt64 = 0
    private(set) var isPaused = false
    private var ended = false

    /// Prepares the easy handle; nil when libcurl cannot make one.
    init?(
        id: Int, request: UpstreamRequest, options: TransportOptions, flow: FlowControl, eventLoop: any EventLoop,
        outbox: DeliveryOutbox, handler: any UpstreamResponseHandler
    ) {
        guard let easy = curl_easy_init() else { return nil }
        self.id = id
        self.easy = easy
        self.options = options
        self.flow = flow
        self.eventLoop = eventLoop
        self.outbox = outbox
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
        let body = UnsafeMutableRawBufferPointer.allocate(byteCount: max(request.body.count, 1), alignment: 1)
        request.body.withUnsafeBytes { body.copyMemory(from: $0) }
        self.body = body
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure(request)
    }

    deinit {
        curl_slist_free_all(requestHeaders)
        curl_easy_cleanup(easy)
        body.deallocate()
        errorBuffer.deallocate()
    }

    private func configure(_ request: UpstreamRequest) {
        lessllm_curl_setopt_string(easy, CURLOPT_URL, request.url)
        lessllm_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        lessllm_curl_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        lessllm_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        lessllm_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        lessllm_curl_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        // Stream events are small; a smaller receive buffer per transfer keeps thousands of open streams cheap.
        lessllm_curl_setopt_long(easy, CURLOPT_BUFFERSIZE, 8192)
        lessllm_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.wholeMilliseconds)
        lessllm_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, options.totalTimeout.wholeMilliseconds)
        lessllm_curl_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        lessllm_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        if let caFile = options.caFile { lessllm_curl_setopt_string(easy, CURLOPT_CAINFO, caFile) }
        if let proxy = options.proxy {
            lessllm_curl_setopt_string(easy, CURLOPT_PROXY, proxy)
            // Always tunnel (CONNECT), also to plain-http upstreams: the proxy never sees the request or its key,
            // and a proxy that refuses us fails the transfer instead of answering in the upstream's place.
            lessllm_curl_setopt_long(easy, CURLOPT_HTTPPROXYTUNNEL, 1)
        }

        switch request.method {
        case "GET": lessllm_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "POST": break
        default: lessllm_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method != "GET" {
            lessllm_curl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            lessllm_curl_setopt_pointer(easy, CURLOPT_POSTFIELDS, body.baseAddress)
        }
        // "Expect:" stops curl from waiting for 100-continue on large bodies.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            requestHeaders = curl_slist_append(requestHeaders, line)
        }
        lessllm_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, requestHeaders)

        let me = Unmanaged.passUnretained(self).toOpaque()
        lessllm_curl_setopt_pointer(easy, CURLOPT_PRIVATE, me)
        lessllm_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        lessllm_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        lessllm_curl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            guard let user, let data else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            return transfer.received(body: UnsafeRawBufferPointer(start: data, count: size * count))
        }
        lessllm_curl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            guard let user, let data else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
            transfer.received(headerLine: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
    }

    // MARK: - Curl thread

    /// Marks the transfer as started (for the first-byte timeout).
    func markStarted(at now: UInt64) {
        startedAt = now
        lastByteAt = now
    }

    private func received(headerLine: UnsafeRawBufferPointer) {
        lastByteAt = MonotonicClock.nanoseconds()
        // Read as bytes: one String for the name and one for the value, nothing per character.
        var end = headerLine.count
        while end > 0 && (headerLine[end - 1] == 0x0A || headerLine[end - 1] == 0x0D) { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: headerLine[..<end])
        if line.starts(with: "HTTP/".utf8) {
            headerBlock = []  // a new response block (after 1xx, or a redirect) replaces the previous one
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < line.count && (line[valueStart] == 0x20 || line[valueStart] == 0x09) { valueStart += 1 }
            headerBlock.append((String(decoding: line[..<colon], as: UTF8.self),
                                String(decoding: line[valueStart...], as: UTF8.self)))
        }
    }

    private func received(body bytes: UnsafeRawBufferPointer) -> Int {
        let now = MonotonicClock.nanoseconds()
        lastByteAt = now
        deliverHeadIfNeeded()
        let copy = Array(bytes)
        let handler = self.handler
        outbox.post(to: eventLoop) { copy.withUnsafeBytes { handler.value.upstreamBody($0, receivedAt: now) } }
        if flow.received(bytes.count) && !isPaused {
            // Pausing from inside the write callback is allowed; this chunk is already accepted.
            isPaused = true
            flow.paused.store(true, ordering: .relaxed)
            curl_easy_pause(easy, CURLPAUSE_RECV)
        }
        return bytes.count
    }

    private func deliverHeadIfNeeded() {
        guard !headDelivered else { return }
        headDelivered = true
        var code = 0
        lessllm_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        let status = code
        let headers = headerBlock
        let handler = self.handler
        outbox.post(to: eventLoop) { handler.value.upstreamHead(status: status, headers: headers) }
    }

    /// When the request went out (monotonic ns), once the connection (and TLS) is up; nil before.
    var requestSentAt: UInt64? {
        var microseconds: curl_off_t = 0
        lessllm_curl_getinfo_offset(easy, CURLINFO_PRETRANSFER_TIME_T, &microseconds)
        return microseconds > 0 ? startedAt + UInt64(microseconds) * 1000 : nil
    }

    /// Whether the first byte of the response arrived.
    var hasResponseStarted: Bool { headDelivered || !headerBlock.isEmpty }

    /// Ends the transfer: delivers the head if the response completed without a body, then the end.
    func finish(_ failure: TransportFailure?) {
        guard !ended else { return }
        ended = true
        if failure == nil { deliverHeadIfNeeded() }
        let handler = self.handler
        outbox.post(to: eventLoop) { handler.value.upstreamEnd(failure) }
    }

    /// Resumes receiving after a back-pressure pause (the write callback may run again right away).
    func resume() {
        guard isPaused else { return }
        isPaused = false
        flow.paused.store(false, ordering: .relaxed)
        lastByteAt = MonotonicClock.nanoseconds()
        curl_easy_pause(easy, 0)
    }

    /// libcurl's detailed message for a failed transfer.
    func failureMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}

import NIOCore

/// One keep-alive HTTP/1.1 connection to a plain-http upstream, and the only handler of its channel's pipeline: it
/// writes each request as one buffer (the head serialised straight into bytes, the body after it) and reads the
/// response with `UpstreamResponseParser`, handing the body on as slices of what the socket read. It carries one
/// transfer at a time and waits in its event loop's pool between them.
///
/// Headers are checked before they get here (`PluginStreamContext.httpStart` refuses a request whose headers break
/// `HeaderRules`), and requests are framed by `content-length`, so there are no chunks or trailers to write.
///
/// THREAD: its channel's event loop only.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The pool key (`host:port`) this connection was opened for.
    let key: String
    /// The transfer using the connection; nil while it is idle.
    var transfer: EventLoopTransfer?
    /// The pool holding it while idle, and since when (monotonic ns).
    weak var pool: UpstreamConnectionPool?
    var idleSince: UInt64 = 0
    private var context: ChannelHandlerContext?
    /// A read that flow control held back while the transfer was paused.
    private var heldRead = false
    /// The request went out whole: only then may the connection carry another one.
    private var requestWritten = false
    private var parser = UpstreamResponseParser(requestMethod: "GET")
    /// The response ended with nothing after it: only then may the connection carry another request.
    private var responseEnded = false
    /// The start of a line that has not arrived whole (a head, a chunk size), read again with the next bytes.
    private var unread: ByteBuffer?
    /// Some byte of an answer to the current request arrived (a `100 Continue`, part of a head): the upstream has
    /// the request, so it must not be sent again.
    private(set) var answerStarted = false

    init(key: String) {
        self.key = key
    }

    var isActive: Bool { context?.channel.isActive ?? false }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `request` as one buffer and flushes it; false when the connection is already gone.
    func send(_ request: UpstreamRequest, to target: PlainHTTPTarget) -> Bool {
        guard let context, context.channel.isActive else { return false }
        requestWritten = false
        responseEnded = false
        answerStarted = false
        parser = UpstreamResponseParser(requestMethod: request.method)
        unread = nil
        var bytes = context.channel.allocator.buffer(capacity: 512 + request.body.count)
        Self.write(request, to: target, into: &bytes)
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenSuccess { [self] in requestWritten = true }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        return true
    }

    /// `<method> <target> HTTP/1.1`, the request's headers but those of framing, `host` when it has none,
    /// `content-length`, the blank line, the body.
    static func write(_ request: UpstreamRequest, to target: PlainHTTPTarget, into bytes: inout ByteBuffer) {
        var head = HTTPHeadWriter(capacity: 512)
        head.requestLine(method: request.method, target: target.requestTarget)
        var hasHost = false
        for (name, value) in request.headers {
            hasHost = hasHost || HeaderRules.name(name, is: "host")
            guard !Self.framing.contains(name) else { continue }
            head.header(name, value)
        }
        if !hasHost { head.header("Host", target.authority) }
        if request.method != "GET" || !request.body.isEmpty {
            head.header("Content-Length", decimal: request.body.count)
        }
        head.raw("\r\n")
        bytes.writeBytes(head.bytes)
        bytes.writeBytes(request.body)
    }

    /// Whether the connection may carry another request after this response ended.
    var isReusable: Bool { requestWritten && responseEnded && parser.keepsAlive && isActive }

    /// Resumes reading after a flow-control pause.
    func resumeReading() {
        guard heldRead, let context else { return }
        heldRead = false
        context.read()
    }

    func close() {
        context?.close(promise: nil)
    }

    // MARK: - ChannelDuplexHandler

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let transfer else {
            // Bytes on an idle connection belong to no request: the connection is unusable.
            context.close(promise: nil)
            return
        }
        answerStarted = true
        if var start = unread {
            unread = nil
            start.writeBuffer(&buffer)
            buffer = start
        }
        // One batch for the whole read: the head, the events and the end it brought reach the client in one write.
        transfer.receivedRead { consume(&buffer, context: context) }
    }

    private func consume(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        do {
            // Each part goes to the transfer of the moment: one may end (or be cancelled) part-way through a read.
            while let part = try parser.next(from: &buffer) {
                switch part {
                case .head(let status, let headers):
                    transfer?.receivedHead(status: status, headers: headers)
                case .body(let piece):
                    transfer?.receivedBody(piece)
                case .end:
                    // Bytes after the end are not a response to anything: the connection is not used again.
                    responseEnded = buffer.readableBytes == 0
                    transfer?.receivedEnd(on: self)
                    return
                }
            }
        } catch {
            transfer?.connectionLost(self, error: error)
            context.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 { unread = buffer }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transfer?.connectionLost(self, error: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool?.remove(self)
        if let transfer {
            // A body without a length ends with the connection; any other response was cut short.
            if parser.connectionClosed() { transfer.receivedEnd(on: self) } else { transfer.connectionLost(self, error: nil) }
        }
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        if transfer?.isPaused == true {
            heldRead = true
            return
        }
        context.read()
    }

    /// Headers the connection sets itself (the body's length) or that HTTP/1.1 framing forbids copying.
    private static let framing = HeaderNameSet([
        "content-length", "transfer-encoding", "expect", "connection", "keep-alive", "upgrade",
    ])
}

import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection to a plain-http upstream: the last handler of its channel's pipeline (after
/// NIO's request encoder and response decoder). It carries one transfer at a time and waits in its event loop's
/// pool between them.
///
/// THREAD: its channel's event loop only.
final class UpstreamConnection: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

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
    private var responseKeepsAlive = false

    init(key: String) {
        self.key = key
    }

    var isActive: Bool { context?.channel.isActive ?? false }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes `request` (head, body, end) and flushes once; false when the connection is already gone.
    func send(_ request: UpstreamRequest, to target: PlainHTTPTarget) -> Bool {
        guard let context, context.channel.isActive else { return false }
        requestWritten = false
        responseKeepsAlive = false
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 2)
        var hasHost = false
        for (name, value) in request.headers {
            let lowercased = name.lowercased()  // once per header, for both checks
            hasHost = hasHost || lowercased == "host"
            if !Self.isFraming(lowercased: lowercased) { headers.add(name: name, value: value) }
        }
        if !hasHost { headers.add(name: "Host", value: target.authority) }
        if request.method != "GET" || !request.body.isEmpty {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method),
                                   uri: target.requestTarget, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !request.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: request.body)))),
                          promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenSuccess { [self] in requestWritten = true }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        return true
    }

    /// Whether the connection may carry another request after this response ended.
    var isReusable: Bool { requestWritten && responseKeepsAlive && isActive }

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
        guard let transfer else {
            // Bytes on an idle connection belong to no request: the connection is unusable.
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            responseKeepsAlive = head.isKeepAlive
            transfer.receivedHead(head)
        case .body(let buffer):
            transfer.receivedBody(buffer)
        case .end:
            transfer.receivedEnd(on: self)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transfer?.connectionLost(self, error: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool?.remove(self)
        transfer?.connectionLost(self, error: nil)
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
    private static func isFraming(lowercased name: String) -> Bool {
        switch name {
        case "content-length", "transfer-encoding", "expect", "connection", "keep-alive", "upgrade": true
        default: false
        }
    }
}

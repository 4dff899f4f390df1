import NIOCore
import NIOHTTP1

/// Writes an upstream request (head, body, end) as one buffer: the head serialised straight into bytes, the body
/// appended, the whole handed to the socket at the end — in place of NIO's request encoder and header validator,
/// which cost a buffer and a pending write per part.
///
/// It sits below NIO's response decoder, which must still see each request head go by (it needs the method to
/// know whether a response has a body). Headers are checked before they get here (`PluginStreamContext.httpStart`
/// refuses a request whose headers break `HeaderRules`), and requests are framed by `content-length`, so there are
/// no chunks and no trailers to write.
///
/// Threading: the connection's event loop only.
final class UpstreamRequestEncoder: ChannelOutboundHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    /// The request written so far, sent whole when its end arrives.
    private var pending: ByteBuffer?
    /// Promises of the parts held in `pending`, completed with the write that sends them.
    private var pendingPromises: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            var bytes = context.channel.allocator.buffer(capacity: 512)
            Self.write(head, into: &bytes)
            pending = bytes
            hold(promise)
        case .body(.byteBuffer(let body)):
            if pending == nil {
                context.write(wrapOutboundOut(.byteBuffer(body)), promise: promise)
            } else {
                pending!.writeImmutableBuffer(body)
                hold(promise)
            }
        case .body(.fileRegion(let region)):
            sendPending(context: context, promise: nil)
            context.write(wrapOutboundOut(.fileRegion(region)), promise: promise)
        case .end:
            sendPending(context: context, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A connection that closed in the middle of a request: what was held is never sent.
        for promise in pendingPromises { promise.fail(ChannelError.ioOnClosedChannel) }
        pendingPromises = []
        pending = nil
    }

    private func hold(_ promise: EventLoopPromise<Void>?) {
        if let promise { pendingPromises.append(promise) }
    }

    private func sendPending(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let bytes = pending ?? context.channel.allocator.buffer(capacity: 0)
        pending = nil
        let held = pendingPromises
        pendingPromises = []
        if held.isEmpty {
            context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: written)
        for each in held { written.futureResult.cascade(to: each) }
        if let promise { written.futureResult.cascade(to: promise) }
    }

    /// `<method> <target> HTTP/1.1`, the headers, and the blank line that ends the head.
    static func write(_ head: HTTPRequestHead, into bytes: inout ByteBuffer) {
        bytes.writeString(head.method.rawValue)
        bytes.writeStaticString(" ")
        bytes.writeString(head.uri)
        bytes.writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in head.headers {
            bytes.writeString(name)
            bytes.writeStaticString(": ")
            bytes.writeString(value)
            bytes.writeStaticString("\r\n")
        }
        bytes.writeStaticString("\r\n")
    }
}

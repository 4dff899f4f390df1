import NIOCore
import NIOHTTP1

/// Serves the admin listener's connections: reads each whole request (bodies up to 1 MiB), lets `DashboardAPI`
/// answer, writes the response. Threading: the channel's event loop (NIO's contract).
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let maxBody = 1 << 20
    private let api: DashboardAPI
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(api: DashboardAPI) {
        self.api = api
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > Self.maxBody { tooLarge = true } else { body += chunk.readableBytesView }
        case .end:
            guard let head else { return }
            let keepAlive = head.isKeepAlive
            let response = tooLarge
                ? context.eventLoop.makeSucceededFuture(AdminResponse.error("The body exceeds 1 MiB.", status: .payloadTooLarge))
                : api.respond(to: AdminRequest(head: head, body: body), on: context.eventLoop)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            response.whenComplete { result in
                let response = (try? result.get()) ?? .error("internal error", status: .internalServerError)
                Self.write(response, keepAlive: keepAlive, context: bound.value)
            }
        }
    }

    private static func write(_ response: AdminResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: .http1_1, status: response.status)
        head.headers.add(name: "content-type", value: response.contentType)
        head.headers.add(name: "content-length", value: String(response.body.count))
        head.headers.add(name: "x-content-type-options", value: "nosniff")
        for (name, value) in response.headers { head.headers.add(name: name, value: value) }
        if !keepAlive { head.headers.add(name: "connection", value: "close") }
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                      promise: nil)
        let written = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

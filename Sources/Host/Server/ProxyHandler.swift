import JSONCore
import NIOCore
import NIOHTTP1

/// Reads HTTP requests on one client connection and hands each whole request to the gateway.
///
/// Bodies are collected up to the configured limit (a larger one is answered 413 and the connection closed);
/// while a response is streaming, the connection's writability and closure are passed to the exchange so a slow
/// client pauses the upstream and a vanished one cancels it.
///
/// Pipelined requests (sent before the previous response ended) wait in arrival order and are answered one after
/// another. Reading goes on while a response is under way (so a client's disconnect is seen at once, and the
/// socket's readiness is not switched off and on around every request: two `epoll_ctl` calls each); it is held
/// back only while pipelined requests wait, so what a client can queue is bounded by one read.
///
/// Threading: all methods run on the channel's event loop (NIO's contract for channel handlers).
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer)
        case discarding
        case responding(Exchange?)
    }

    private let gateway: Gateway
    private var state = State.idle
    private var context: ChannelHandlerContext?
    /// Parts of requests that arrived while a response was under way, in order; those before `nextPipelined`
    /// were handed on already (taking one moves nothing, however many a client queued).
    private var pipelined: [HTTPServerRequestPart] = []
    private var nextPipelined = 0
    /// A read the handler held back while pipelined requests wait.
    private var heldRead = false
    /// Set while queued parts are being handed on (a response that ends meanwhile must not start another pass).
    private var processingPipelined = false
    /// The connection closes after the current response (the request asked for it): later requests are dropped.
    private var closesAfterResponse = false
    /// Bytes that are not HTTP arrived after requests still being answered: they get a 400 once those are done.
    private var unparsable: (any Error)?

    /// The peer's address as text, formatted for the connection's first request (`inet_ntop` and `sprintf`).
    private var formattedPeerIP: String?

    init(gateway: Gateway) {
        self.gateway = gateway
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    private var isResponding: Bool {
        if case .responding = state { true } else { false }
    }

    private var hasPipelined: Bool { nextPipelined < pipelined.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isResponding || hasPipelined {
            pipelined.append(part)
            return
        }
        handle(part, context: context)
    }

    func read(context: ChannelHandlerContext) {
        if hasPipelined {
            heldRead = true
        } else {
            context.read()
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (part, state) {
        case (.head, _) where closesAfterResponse:
            break  // after a request that closes the connection
        case (.head(let head), _):
            closesAfterResponse = !head.isKeepAlive
            if let length = head.headers.first(name: "content-length").flatMap(Int.init),
               length > gateway.maxBodyBytes {
                rejectTooLarge(context: context, head: head)
                return
            }
            if Self.expectsContinue(head) {
                let interim = HTTPResponseHead(version: .http1_1, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
            }
            state = .receiving(head, context.channel.allocator.buffer(capacity: 0))
        case (.body(var chunk), .receiving(let head, var body)):
            guard body.readableBytes + chunk.readableBytes <= gateway.maxBodyBytes else {
                rejectTooLarge(context: context, head: head)
                return
            }
            state = .idle  // drop the reference so `body` is uniquely owned and grows in place
            body.writeBuffer(&chunk)
            state = .receiving(head, body)
        case (.end, .receiving(let head, let body)):
            state = .responding(nil)
            let request = IncomingRequest(head: head, body: body, peerIP: peerIP(context))
            let exchange = gateway.handle(request, context: context) { [weak self] in
                self?.responseFinished()
            }
            if case .responding = state { state = .responding(exchange) }
        case (.body, _), (.end, _):
            break  // the rest of a rejected request
        }
    }

    /// The client waits for a `100 Continue` before it sends the body (curl does for bodies over 1 MB; a refusal
    /// comes instead when the declared length is too large). Never to an HTTP/1.0 client (RFC 9110 §10.1.1).
    private static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        guard head.version.isAtLeastHTTP11, let expect = head.headers.first(name: "expect") else { return false }
        return expect.lowercased() == "100-continue"
    }

    private func peerIP(_ context: ChannelHandlerContext) -> String {
        if let formattedPeerIP { return formattedPeerIP }
        let text = context.channel.remoteAddress?.ipAddress ?? ""
        formattedPeerIP = text
        return text
    }

    private func responseFinished() {
        state = .idle
        handlePipelined()
    }

    /// Hands on queued parts until a request is under way again; reads resume once the queue is empty.
    private func handlePipelined() {
        guard !processingPipelined, let context else { return }
        processingPipelined = true
        defer { processingPipelined = false }
        while hasPipelined && !isResponding {
            let part = pipelined[nextPipelined]
            nextPipelined += 1
            handle(part, context: context)
        }
        guard !hasPipelined else { return }
        pipelined.removeAll()
        nextPipelined = 0
        if !isResponding, let error = unparsable {
            unparsable = nil
            answerUnparsable(error, context: context)
            return
        }
        if heldRead {
            heldRead = false
            context.read()
        }
    }

    private func rejectTooLarge(context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .discarding
        let dialect = Dialect(path: head.uri) ?? .openAIChat
        let error = GatewayError.payloadTooLarge(limit: gateway.maxBodyBytes)
        SimpleResponse.write(error.body(for: dialect), status: .payloadTooLarge, keepAlive: false,
                             omittingBody: head.method == .HEAD, context: context)
    }

    /// Answers bytes that are not an HTTP request with a 400 (in the OpenAI dialect: the path is unknown) and closes.
    private func answerUnparsable(_ error: any Error, context: ChannelHandlerContext) {
        switch state {
        case .receiving: break  // the request under way is the broken one
        case .idle where !closesAfterResponse: break
        case .idle, .discarding, .responding:
            context.close(promise: nil)  // closing anyway, or an answer is already on its way
            return
        }
        state = .discarding
        let message = "malformed HTTP request: \(error)"
        SimpleResponse.write(GatewayError.invalidRequest(message).body(for: .openAIChat), status: .badRequest,
                             keepAlive: false, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pipelined.removeAll()
        nextPipelined = 0
        if case .responding(let exchange?) = state { exchange.clientDisconnected() }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .responding(let exchange?) = state {
            exchange.clientWritabilityChanged(isWritable: context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError || error is ByteToMessageDecoderError {
            // Nothing after bytes that are not HTTP can be read. The requests before them are answered first.
            if isResponding || hasPipelined {
                if unparsable == nil { unparsable = error }
            } else {
                answerUnparsable(error, context: context)
            }
            return
        }
        gateway.logger.debug("client connection error", metadata: ["lessllm.error": "\(error)"])
        if case .responding(let exchange?) = state { exchange.clientDisconnected() }
        context.close(promise: nil)
    }
}

/// One whole client request.
struct IncomingRequest {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// The connection's peer address as text ("" when it has none, as a Unix socket's).
    var peerIP: String

    /// The path without the query string (found as a byte: splitting by `Character` walks grapheme clusters).
    var path: Substring {
        let uri = head.uri
        guard let query = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return uri[...] }
        return uri[..<query]
    }
}

extension Dialect {
    /// The dialect a request path belongs to, if it is one of the API endpoints.
    init?(path: String) {
        // Runs twice for every request: the path's bytes up to the query, compared where they lie.
        func isEndpoint(_ endpoint: StaticString) -> Bool { ByteSearch.equal(path, before: UInt8(ascii: "?"), endpoint) }
        if isEndpoint("/v1/chat/completions") || isEndpoint("/chat/completions") {
            self = .openAIChat
        } else if isEndpoint("/v1/messages") || isEndpoint("/messages") {
            self = .anthropicMessages
        } else {
            return nil
        }
    }

    /// The dialect to answer an unknown path in: Anthropic's under `/v1/messages/` (an Anthropic client asking for
    /// an endpoint the gateway does not serve, such as `count_tokens`), OpenAI's elsewhere.
    init(pathFamily path: String) {
        self = path.hasPrefix("/v1/messages/") || path.hasPrefix("/messages/") ? .anthropicMessages : .openAIChat
    }
}

extension HTTPVersion {
    /// HTTP/1.1 or later: a client that understands chunked bodies and interim (1xx) responses.
    var isAtLeastHTTP11: Bool { major > 1 || (major == 1 && minor >= 1) }
}

/// Writes a complete, small response (health, model list, early errors).
enum SimpleResponse {
    /// - Parameter omittingBody: the answer to a HEAD request: the head a GET would get, without its body.
    static func write(
        _ body: String, status: HTTPResponseStatus, contentType: String = "application/json",
        extraHeaders: [(String, String)] = [], keepAlive: Bool, omittingBody: Bool = false,
        context: ChannelHandlerContext
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "content-type", value: contentType)
        head.headers.add(name: "content-length", value: String(body.utf8.count))
        for (name, value) in extraHeaders { head.headers.add(name: name, value: value) }
        if !keepAlive { head.headers.add(name: "connection", value: "close") }
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !omittingBody {
            let bytes = context.channel.allocator.buffer(string: body)
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(bytes))), promise: nil)
        }
        let written = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

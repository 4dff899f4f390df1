import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A bound HTTP/1.1 listener whose connections are served by a handler made per connection.
final class HTTPListener: Sendable {
    private let channel: any Channel

    /// The address actually bound (useful with port 0).
    var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Binds `host:port` and serves each connection with `makeHandler()`.
    /// - Parameters:
    ///   - name: what the operator knows the listener as, in its log messages ("the proxy listener").
    ///   - handlerOrdersRequests: the handler answers pipelined and malformed requests in order itself;
    ///     otherwise NIO's pipelining and error handlers do it in front of it.
    /// - Throws: the bind error (address in use, permission denied…).
    static func bind(
        name: String, host: String, port: Int, group: any EventLoopGroup, logger: Logger,
        handlerOrdersRequests: Bool = false, makeHandler: @escaping @Sendable () -> any ChannelHandler
    ) throws -> HTTPListener {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Accepted sockets inherit TCP_NODELAY from the listening socket (NIO sets it there by default; said
            // here so it stays so): setting it on each connection would cost two syscalls per connection.
            .serverChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Up to 64 connections accepted per wake-up (NIO's default is 4): the listening socket's loop also relays,
            // and when a burst of new connections meets a busy loop, 4 per turn of the loop let the accept queue fill
            // (measured: 1,024 waiting during a 10,000-stream ramp) while the clients' clocks already run.
            .serverChannelOption(.maxMessagesPerRead, value: 64)
            // Out of descriptors, accepting pauses instead of failing again on every turn of the loop.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPause(listener: name, logger: logger))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Set here, synchronously: as `childChannelOption`s NIO applies each through a chain of futures,
                    // ~9,000 instructions an option on every new connection.
                    if let options = channel.syncOptions {
                        try options.setOption(.maxMessagesPerRead, value: 16)
                        try options.setOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
                    }
                    if handlerOrdersRequests {
                        try addOrderingHTTPHandlers(to: channel.pipeline.syncOperations)
                    } else {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    }
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
        let channel = try bootstrap.bind(host: host, port: port).wait()
        return HTTPListener(channel: channel)
    }

    /// The HTTP codec for a handler that orders requests and writes responses itself.
    ///
    /// Not `configureHTTPServerPipeline`: NIO's pipelining assistance switches reading off and on around every
    /// request (two syscalls each), and its error handler answers a malformed request at once, ahead of answers
    /// still owed to the requests before it. And its decoder would queue every request's method for the encoder,
    /// which takes one off for each response head it encodes (to drop HEAD responses' bodies): proxied responses are
    /// written below the encoder, so the queue would grow by one entry per request on a keep-alive connection and
    /// pair the next encoded head with the wrong request. The handler leaves out HEAD responses' bodies itself.
    private static func addOrderingHTTPHandlers(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandler(HTTPResponseEncoder())
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try pipeline.addHandler(NIOHTTPResponseHeadersValidator())
    }

    /// Stops accepting new connections (connections already open carry on).
    func stopAccepting() -> EventLoopFuture<Void> {
        channel.close()
    }
}

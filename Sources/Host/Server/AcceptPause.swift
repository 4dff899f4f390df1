import Glibc
import Logging
import NIOCore

/// Pauses a listener that cannot accept connections (out of descriptors or memory) and tells the operator once per
/// episode.
///
/// Connections that cannot be accepted wait in the listening socket's backlog, so the socket stays readable; NIO
/// keeps it registered after a failed accept and tries again on every turn of the event loop. One 10,000-stream
/// benchmark run at the descriptor limit made 777,000 failed `accept` calls, a core's worth of CPU taken from the
/// streams served by that loop. Here reading from the listening socket is switched off for a short pause instead;
/// the waiting connections are taken when it ends, if descriptors were freed meanwhile.
final class AcceptPause: ChannelInboundHandler {
    typealias InboundIn = any Channel

    /// Short enough that waiting connections are taken soon after descriptors are freed, long enough that trying
    /// costs nothing.
    static let pause = TimeAmount.milliseconds(100)

    private let listener: String
    private let logger: Logger
    /// Failed accepts since the last one that succeeded (0: accepting normally).
    private var failures = 0
    private var resume: Scheduled<Void>?

    /// - Parameter listener: what the operator knows the listener as ("the proxy listener").
    init(listener: String, logger: Logger) {
        self.listener = listener
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failures > 0 {
            logger.notice("\(listener) accepts connections again",
                          metadata: ["lessllm.listener.failed_accepts": "\(failures)"])
            failures = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let error = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode) else {
            context.fireErrorCaught(error)  // e.g. a client that gave up before its connection was accepted
            return
        }
        if failures == 0 {
            let advice = error.errnoCode == ENOBUFS || error.errnoCode == ENOMEM
                ? "" : " (raise the open-file limit: ulimit -n, or LimitNOFILE= for a systemd service)"
            logger.warning("""
                \(listener) cannot accept connections: \(String(cString: strerror(error.errnoCode))) (errno \
                \(error.errnoCode))\(advice); new connections wait and are accepted \
                when the gateway can take them again (tried every \(Self.pause.nanoseconds / 1_000_000) ms)
                """)
        }
        failures += 1
        guard resume == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        resume = context.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) { [self] in
            resume = nil
            try? options.setOption(.autoRead, value: true)  // reads (accepts) again at once
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }
}

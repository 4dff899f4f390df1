import NIOCore
import Synchronization

/// The upstream client for plain `http://` upstreams: HTTP/1.1 keep-alive connections on the exchanges' own event
/// loops (SwiftNIO's request encoder and response decoder), pooled per event loop.
///
/// An upstream event is read, framed, converted and written to the client by one thread in one wake-up; libcurl's
/// thread, which TLS and proxied upstreams use, needs two (its own and the event loop's).
final class EventLoopHTTPClient: Sendable {
    private let pools = Mutex<[ObjectIdentifier: NIOLoopBound<UpstreamConnectionPool>]>([:])
    private let idleLifetime: Duration

    /// - Parameter idleLifetime: how long an idle keep-alive connection is kept for reuse.
    init(idleLifetime: Duration = .seconds(60)) {
        self.idleLifetime = idleLifetime
    }

    /// Starts a transfer on `eventLoop`, which must be the calling thread's.
    func start(
        _ request: UpstreamRequest, target: PlainHTTPTarget, options: TransportOptions, flow: FlowControl,
        eventLoop: any EventLoop, handler: any UpstreamResponseHandler
    ) -> any UpstreamTransfer {
        let transfer = EventLoopTransfer(request: request, target: target, options: options, flow: flow,
                                         eventLoop: eventLoop, pool: pool(for: eventLoop), handler: handler)
        transfer.begin()
        return transfer
    }

    /// Closes the idle connections of every event loop.
    func shutdown() {
        for pool in pools.withLock({ Array($0.values) }) {
            pool.eventLoop.execute { pool.value.closeAll() }
        }
    }

    private func pool(for eventLoop: any EventLoop) -> UpstreamConnectionPool {
        let key = ObjectIdentifier(eventLoop)
        let bound = pools.withLock { pools in
            if let existing = pools[key] { return existing }
            let created = NIOLoopBound(UpstreamConnectionPool(eventLoop: eventLoop, idleLifetime: idleLifetime),
                                       eventLoop: eventLoop)
            pools[key] = created
            return created
        }
        return bound.value
    }
}

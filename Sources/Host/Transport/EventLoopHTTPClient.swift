import NIOCore
import Synchronization

/// The upstream client for plain `http://` upstreams: HTTP/1.1 keep-alive connections on the exchanges' own event
/// loops (SwiftNIO's request encoder and response decoder), pooled per event loop.
///
/// An upstream event is read, framed, converted and written to the client by one thread in one wake-up; libcurl's
/// thread, which TLS and proxied upstreams use, needs two (its own and the event loop's).
final class EventLoopHTTPClient: Sendable {
    /// Per event loop: its idle connections and its transfers' deadlines.
    private let loops = Mutex<[ObjectIdentifier: NIOLoopBound<LoopState>]>([:])
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
        let state = state(of: eventLoop)
        let transfer = EventLoopTransfer(request: request, target: target, options: options, flow: flow,
                                         eventLoop: eventLoop, pool: state.pool, deadlines: state.deadlines,
                                         handler: handler)
        transfer.begin()
        return transfer
    }

    /// Ends the transfers still running (as cancelled: the gateway is shutting down) and closes the idle
    /// connections, on every event loop.
    func shutdown() {
        for state in loops.withLock({ Array($0.values) }) {
            state.eventLoop.execute {
                // Transfers still running at the end of the grace period end as cancelled, so their clients are
                // told (an error in their dialect) before the connections close.
                state.value.deadlines.stopAll(because: "the gateway is shutting down")
                state.value.pool.closeAll()
            }
        }
    }

    private func state(of eventLoop: any EventLoop) -> LoopState {
        let key = ObjectIdentifier(eventLoop)
        let bound = loops.withLock { loops in
            if let existing = loops[key] { return existing }
            let state = LoopState(pool: UpstreamConnectionPool(eventLoop: eventLoop, idleLifetime: idleLifetime),
                                  deadlines: DeadlineTicker(eventLoop: eventLoop))
            let created = NIOLoopBound(state, eventLoop: eventLoop)
            loops[key] = created
            return created
        }
        return bound.value
    }

    /// What the client keeps per event loop (used on that loop only).
    private struct LoopState {
        let pool: UpstreamConnectionPool
        let deadlines: DeadlineTicker
    }
}

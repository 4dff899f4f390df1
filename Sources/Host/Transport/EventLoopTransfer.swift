import Glibc
import NIOCore
import NIOPosix

/// One upstream HTTP/1.1 transfer of the event-loop client: a pooled or new connection on the exchange's own event
/// loop, the request, and the response handed to the exchange as it is read — no thread hop in between.
///
/// Timeouts: connect is NIO's; first byte, idle gap and total share one deadline, the earliest of them, which the
/// event loop's `DeadlineTicker` watches; when it passes, the clocks are checked and the next one set (deadlines
/// only move later, so nothing is rescheduled per chunk).
///
/// A connect that fails because the process is out of file descriptors (EMFILE, ENFILE) is tried again a little
/// later, until the connect timeout: every stream holds two descriptors, so a burst past the limit would otherwise
/// fail the streams that arrive last while the ones ahead of them are about to finish and release theirs.
///
/// THREAD: the exchange's event loop only.
final class EventLoopTransfer: UpstreamTransfer, DeadlineWatched {
    private let request: UpstreamRequest
    private let target: PlainHTTPTarget
    private let options: TransportOptions
    private let flow: FlowControl
    private let eventLoop: any EventLoop
    private let pool: UpstreamConnectionPool
    private let deadlines: DeadlineTicker
    /// Nil once the transfer ended: nothing more reaches the exchange.
    private var handler: (any UpstreamResponseHandler)?
    private var connection: UpstreamConnection?
    private var onReusedConnection = false
    private var hasRetried = false
    private var headReceived = false
    private(set) var isPaused = false
    private let startedAt: UInt64
    private var sentAt: UInt64?
    private var lastByteAt: UInt64
    /// When the clocks are next checked (`DeadlineWatched`).
    private(set) var deadline: UInt64 = .max
    var tickerSlot = -1
    /// The wait before the next connect attempt when descriptors run out (doubles up to `longestDescriptorWait`).
    private var descriptorWait = EventLoopTransfer.firstDescriptorWait
    private static let firstDescriptorWait: UInt64 = 5_000_000
    private static let longestDescriptorWait: UInt64 = 200_000_000

    init(request: UpstreamRequest, target: PlainHTTPTarget, options: TransportOptions, flow: FlowControl,
         eventLoop: any EventLoop, pool: UpstreamConnectionPool, deadlines: DeadlineTicker,
         handler: any UpstreamResponseHandler) {
        self.request = request
        self.target = target
        self.options = options
        self.flow = flow
        self.eventLoop = eventLoop
        self.pool = pool
        self.deadlines = deadlines
        self.handler = handler
        startedAt = MonotonicClock.nanoseconds()
        lastByteAt = startedAt
    }

    /// Sends the request on an idle pooled connection, or on a new one.
    func begin() {
        arm(at: min(startedAt &+ options.firstByteTimeout.nanoseconds, totalDeadline))
        reuseOrConnect()
    }

    private func reuseOrConnect() {
        if let idle = pool.take(for: target.poolKey) {
            attach(idle, reused: true)
        } else {
            connect()
        }
    }

    private var totalDeadline: UInt64 { startedAt &+ options.totalTimeout.nanoseconds }

    private func connect() {
        let key = target.poolKey
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(clamping: options.connectTimeout.nanoseconds)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)  // NIO's default too; an event is sent at once
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The connection writes requests and reads responses itself: one handler, no HTTP codec.
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(key: key))
                }
            }
        // An IP address is connected to as it is. A name goes through NIO's resolver: getaddrinfo on another thread,
        // then Happy Eyeballs over the answers — for an address, a thread hop, two timers and a wake-up of this loop
        // per new connection for nothing.
        let connecting = if let address = try? SocketAddress(ipAddress: target.host, port: target.port) {
            bootstrap.connect(to: address)
        } else {
            bootstrap.connect(host: target.host, port: target.port)
        }
        connecting.assumeIsolated().whenComplete { [self] result in connected(result) }
    }

    private func connected(_ result: Result<any Channel, any Error>) {
        switch result {
        case .success(let channel):
            guard handler != nil else {
                channel.close(promise: nil)  // cancelled or timed out while connecting
                return
            }
            guard let connection = try? channel.pipeline.syncOperations.handler(type: UpstreamConnection.self) else {
                channel.close(promise: nil)
                end(TransportFailure(.unreachable, "upstream request failed: the connection could not be set up"))
                return
            }
            attach(connection, reused: false)
        case .failure(let error):
            guard handler != nil else { return }
            if ConnectFailure.isOutOfDescriptors(error), waitForDescriptor() { return }
            end(ConnectFailure.describe(error, target: target, timeout: options.connectTimeout))
        }
    }

    /// Schedules another attempt (a connection parked meanwhile is taken first: it holds a descriptor already);
    /// false when it would start past the connect timeout.
    private func waitForDescriptor() -> Bool {
        let wait = descriptorWait
        guard MonotonicClock.nanoseconds() &+ wait < startedAt &+ options.connectTimeout.nanoseconds else { return false }
        descriptorWait = min(descriptorWait * 2, Self.longestDescriptorWait)
        eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(wait))) { [self] in
            if handler != nil { reuseOrConnect() }
        }
        return true
    }

    private func attach(_ connection: UpstreamConnection, reused: Bool) {
        self.connection = connection
        connection.transfer = self
        onReusedConnection = reused
        sentAt = MonotonicClock.nanoseconds()
        if !connection.send(request, to: target) { connectionLost(connection, error: nil) }
    }

    /// Lets go of the connection; it no longer reports to this transfer.
    private func detach() -> UpstreamConnection? {
        let detached = connection
        detached?.transfer = nil
        connection = nil
        return detached
    }

    // MARK: - From the connection

    /// Runs `delivery` (the calls below for one read of the socket) as one batch of the exchange's.
    func receivedRead(_ delivery: () -> Void) {
        guard let handler else { return delivery() }
        handler.upstreamRead(delivery)
    }

    func receivedHead(status: Int, headers: [(String, String)]) {
        guard let handler else { return }
        headReceived = true
        lastByteAt = MonotonicClock.nanoseconds()
        if lastByteAt &+ options.idleTimeout.nanoseconds < deadline {
            arm(at: lastByteAt &+ options.idleTimeout.nanoseconds)
        }
        handler.upstreamHead(status: status, headers: headers)
    }

    func receivedBody(_ buffer: ByteBuffer) {
        guard let handler else { return }
        let now = MonotonicClock.nanoseconds()
        lastByteAt = now
        // Same thread as the exchange: the bytes are relayed before this returns (read in place, not copied), so
        // only a full client socket is a reason to stop reading.
        _ = flow.received(buffer.readableBytes)
        buffer.withUnsafeReadableBytes { handler.upstreamBody($0, receivedAt: now) }
        if self.handler != nil, !isPaused, flow.clientBlocked.load(ordering: .relaxed) {
            isPaused = true
            flow.paused.store(true, ordering: .relaxed)
        }
    }

    func receivedEnd(on connection: UpstreamConnection) {
        guard handler != nil else { return }
        _ = detach()
        if connection.isReusable { pool.park(connection) } else { connection.close() }
        end(nil)
    }

    /// The connection closed or failed. A reused connection that dies before any response byte was most likely
    /// closed by the upstream while idle: the request is sent once more, on a new connection (not when the upstream
    /// answered, however badly or briefly — an interim `100 Continue`, half a head: it has the request, and a
    /// completion sent twice may be generated and billed twice).
    func connectionLost(_ connection: UpstreamConnection, error: (any Error)?) {
        guard handler != nil, connection === self.connection else { return }
        _ = detach()
        connection.close()
        if !connection.answerStarted && onReusedConnection && !hasRetried {
            hasRetried = true
            connect()
            return
        }
        let reason = error.map { " (\($0))" } ?? ""
        end(TransportFailure(.unreachable, headReceived
            ? "upstream request failed: the connection closed before the response ended\(reason)"
            : "upstream request failed: the connection closed before a response\(reason)"))
    }

    // MARK: - UpstreamTransfer

    func cancel() {
        stop(because: "cancelled by the gateway")
    }

    func stop(because reason: String) {
        guard let handler else { return }
        self.handler = nil
        deadlines.forget(self)
        detach()?.close()
        // Never from inside the caller's call: the exchange may be in the middle of handling an event.
        eventLoop.assumeIsolated().execute {
            handler.upstreamEnd(TransportFailure(.cancelled, reason))
        }
    }

    func resume() {
        guard isPaused else { return }
        isPaused = false
        flow.paused.store(false, ordering: .relaxed)
        lastByteAt = MonotonicClock.nanoseconds()
        connection?.resumeReading()
    }

    // MARK: - Timeouts and the end

    private func arm(at deadline: UInt64) {
        self.deadline = deadline
        deadlines.watch(self)
    }

    func deadlineReached() {
        checkDeadlines()
    }

    private func checkDeadlines() {
        guard handler != nil else { return deadlines.forget(self) }
        let now = MonotonicClock.nanoseconds()
        if now >= totalDeadline {
            return expire("upstream timed out: the exchange took longer than \(options.totalTimeout)")
        }
        var next: UInt64
        if !headReceived {
            // The first-byte clock starts when the request went out; until then the connect timeout rules.
            let firstByteDeadline = (sentAt ?? now) &+ options.firstByteTimeout.nanoseconds
            if sentAt != nil && now >= firstByteDeadline {
                return expire("upstream sent no response within \(options.firstByteTimeout)")
            }
            next = firstByteDeadline
        } else if isPaused {
            next = now &+ options.idleTimeout.nanoseconds  // a paused transfer waits on the client, not the upstream
        } else {
            let idleDeadline = lastByteAt &+ options.idleTimeout.nanoseconds
            if now >= idleDeadline {
                return expire("upstream went silent for more than \(options.idleTimeout)")
            }
            next = idleDeadline
        }
        arm(at: min(next, totalDeadline))
    }

    private func expire(_ message: String) {
        detach()?.close()
        end(TransportFailure(.timeout, message))
    }

    /// Delivers the end (nil: the response completed) and lets go of the exchange.
    private func end(_ failure: TransportFailure?) {
        guard let handler else { return }
        self.handler = nil
        deadlines.forget(self)
        handler.upstreamEnd(failure)
    }
}

/// Turns NIO's connect errors into the transport's failure messages.
private enum ConnectFailure {
    static func describe(_ error: any Error, target: PlainHTTPTarget, timeout: Duration) -> TransportFailure {
        let place = "\(target.host) port \(target.port)"
        if case ChannelError.connectTimeout = error {
            return TransportFailure(.timeout, "upstream timed out: connecting to \(place) took longer than \(timeout)")
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                if case ChannelError.connectTimeout = first.error {
                    return TransportFailure(.timeout, "upstream timed out: connecting to \(place) took longer than \(timeout)")
                }
                return TransportFailure(.unreachable, "upstream request failed: connect to \(place) failed: \(reason(first.error))")
            }
            return TransportFailure(.unreachable, "upstream request failed: could not resolve host \(target.host)")
        }
        return TransportFailure(.unreachable, "upstream request failed: connect to \(place) failed: \(reason(error))")
    }

    /// Whether the connect failed for want of a file descriptor (the process's or the system's limit).
    static func isOutOfDescriptors(_ error: any Error) -> Bool {
        let errors = (error as? NIOConnectionError)?.connectionErrors.map(\.error) ?? [error]
        return errors.contains { error in
            guard let error = error as? IOError else { return false }
            return error.errnoCode == EMFILE || error.errnoCode == ENFILE
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}

import NIOCore

/// Idle keep-alive connections of one event loop, by `host:port`.
///
/// Each event loop has its own pool, so a transfer only ever reuses a connection of its own loop and no lock is
/// taken. Connections idle for longer than `idleLifetime` (60 s) are closed, checked every quarter of it (servers drop
/// idle connections too, and a connection the server already closed costs a retry).
///
/// THREAD: its event loop only.
final class UpstreamConnectionPool {
    /// At most this many idle connections are kept per upstream and event loop; more are closed.
    static let maxIdlePerUpstream = 128

    private let eventLoop: any EventLoop
    /// How long a connection may stay idle (ns), and how often that is checked.
    private let idleLifetime: UInt64
    private let sweepInterval: TimeAmount
    private var idle: [String: [UpstreamConnection]] = [:]
    private var sweep: Scheduled<Void>?

    init(eventLoop: any EventLoop, idleLifetime: Duration = .seconds(60)) {
        self.eventLoop = eventLoop
        self.idleLifetime = idleLifetime.nanoseconds
        sweepInterval = .nanoseconds(Int64(clamping: idleLifetime.nanoseconds / 4))
    }

    /// An idle, still open connection to `key`, taken out of the pool; the most recently used first.
    func take(for key: String) -> UpstreamConnection? {
        while let connection = idle[key]?.popLast() {
            connection.pool = nil
            if connection.isActive { return connection }
        }
        return nil
    }

    /// Keeps `connection` for reuse, or closes it when the pool is full.
    func park(_ connection: UpstreamConnection) {
        guard idle[connection.key, default: []].count < Self.maxIdlePerUpstream else {
            connection.close()
            return
        }
        connection.pool = self
        connection.idleSince = MonotonicClock.nanoseconds()
        idle[connection.key, default: []].append(connection)
        scheduleSweep()
    }

    /// Forgets a connection that closed while idle.
    func remove(_ connection: UpstreamConnection) {
        idle[connection.key]?.removeAll { $0 === connection }
        connection.pool = nil
    }

    /// Closes every idle connection (at shutdown).
    func closeAll() {
        sweep?.cancel()
        sweep = nil
        let connections = idle.values.joined()
        idle = [:]
        for connection in connections {
            connection.pool = nil
            connection.close()
        }
    }

    private func scheduleSweep() {
        guard sweep == nil else { return }
        sweep = eventLoop.assumeIsolated().scheduleTask(in: sweepInterval) { [self] in
            sweep = nil
            closeExpired()
        }
    }

    private func closeExpired() {
        let now = MonotonicClock.nanoseconds()
        for (key, connections) in idle {
            let (expired, kept) = connections.partitioned { now - $0.idleSince > idleLifetime }
            idle[key] = kept.isEmpty ? nil : kept
            for connection in expired {
                connection.pool = nil
                connection.close()
            }
        }
        if !idle.isEmpty { scheduleSweep() }
    }
}

private extension Array {
    /// The elements that match and those that do not, each in order.
    func partitioned(by matches: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for element in self {
            if matches(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}

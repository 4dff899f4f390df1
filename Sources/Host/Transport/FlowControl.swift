import Synchronization

/// Back-pressure shared by one transfer's two sides: the curl thread (producer) and the exchange's event loop
/// (consumer). The curl thread pauses the transfer as soon as too many received bytes wait on the event loop, or
/// the client's socket is full; the event loop asks to resume once both have cleared. Memory per stream is thus
/// bounded by `highWater` plus one libcurl chunk, however slow the client.
final class FlowControl: Sendable {
    /// Above this many bytes waiting on the event loop, the transfer pauses.
    static let highWater = 256 * 1024
    /// At or below this, a transfer paused for that reason may resume.
    static let lowWater = 64 * 1024

    /// Bytes handed to the event loop and not yet relayed.
    let pendingBytes = Atomic<Int>(0)
    /// The client's socket cannot take more right now.
    let clientBlocked = Atomic<Bool>(false)
    /// The curl thread paused the transfer.
    let paused = Atomic<Bool>(false)

    init() {}

    /// Curl thread: `count` more bytes were handed over. Returns true when the transfer should pause.
    func received(_ count: Int) -> Bool {
        let pending = pendingBytes.add(count, ordering: .relaxed).newValue
        return pending > Self.highWater || clientBlocked.load(ordering: .relaxed)
    }

    /// Event loop: `count` bytes were relayed. Returns true when a paused transfer may resume now.
    func relayed(_ count: Int) -> Bool {
        let pending = pendingBytes.subtract(count, ordering: .relaxed).newValue
        return mayResume(pending: pending)
    }

    /// Event loop: the client's socket became (un)writable. Returns true when a paused transfer may resume now.
    func clientWritable(_ writable: Bool) -> Bool {
        clientBlocked.store(!writable, ordering: .relaxed)
        return writable && mayResume(pending: pendingBytes.load(ordering: .relaxed))
    }

    private func mayResume(pending: Int) -> Bool {
        paused.load(ordering: .relaxed) && pending <= Self.lowWater && !clientBlocked.load(ordering: .relaxed)
    }
}

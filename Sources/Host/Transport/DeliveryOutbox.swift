import NIOCore

/// What the curl thread hands to event loops during one turn of its loop, sent as one task per event loop at the
/// end of the turn.
///
/// A wake-up of an event loop (a task queued under its lock, an eventfd write, a context switch) costs far more
/// than the work of relaying one chunk. Without batching, a non-streamed response costs three of them (head, body,
/// end) and every stream event one; with it, everything one `epoll_wait` made ready reaches each event loop in one
/// task, in the order it happened. Nothing waits for a later event: the turn ends as soon as libcurl has handled
/// the ready sockets.
///
/// THREAD: curl thread only.
final class DeliveryOutbox {
    typealias Delivery = @Sendable () -> Void

    private var batches: [(loop: any EventLoop, deliveries: [Delivery])] = []

    /// Queues `delivery` to run on `loop` when the current turn ends.
    func post(to loop: any EventLoop, _ delivery: @escaping Delivery) {
        // A handful of event loops: a linear search is cheaper than hashing.
        if let index = batches.firstIndex(where: { $0.loop === loop }) {
            batches[index].deliveries.append(delivery)
        } else {
            batches.append((loop, [delivery]))
        }
    }

    /// Sends each event loop its deliveries of this turn, as one task.
    func flush() {
        guard !batches.isEmpty else { return }
        for (loop, deliveries) in batches {
            if deliveries.count == 1 {
                loop.execute(deliveries[0])
            } else {
                loop.execute { for delivery in deliveries { delivery() } }
            }
        }
        batches.removeAll(keepingCapacity: true)
    }
}

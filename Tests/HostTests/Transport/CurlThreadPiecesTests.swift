import CCurl
import Dispatch
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import Host

/// The curl thread's two hand-off points: what it sends to event loops (`DeliveryOutbox`) and how other threads wake
/// it (`CurlSocketLoop.wake`).
@Suite("Curl thread hand-offs")
struct CurlThreadPiecesTests {
    @Test("the outbox runs nothing before a flush, then each loop's deliveries in the order they were posted")
    func outboxOrder() {
        let first = EmbeddedEventLoop(), second = EmbeddedEventLoop()
        let seen = Mutex<[String]>([])
        let outbox = DeliveryOutbox()
        for name in ["head", "body 1", "body 2", "end"] {
            outbox.post(to: first) { seen.withLock { $0.append("first: \(name)") } }
        }
        outbox.post(to: second) { seen.withLock { $0.append("second: end") } }
        first.run()
        second.run()
        #expect(seen.withLock { $0 }.isEmpty)

        outbox.flush()
        second.run()
        first.run()
        #expect(seen.withLock { $0 } == ["second: end", "first: head", "first: body 1", "first: body 2", "first: end"])

        // A flush with nothing posted sends nothing; the next turn starts empty.
        outbox.flush()
        outbox.post(to: first) { seen.withLock { $0.append("first: next") } }
        outbox.flush()
        first.run()
        second.run()
        #expect(seen.withLock { $0 }.last == "first: next")
        #expect(seen.withLock { $0 }.count == 6)
    }

    @Test("every wake-up after the loop read the last one wakes it again, however many wakers raced before")
    func wakeNeverLost() {
        let multi = curl_multi_init()!
        defer { curl_multi_cleanup(multi) }
        let loop = CurlSocketLoop(multi: multi)
        for round in 0..<50 {
            // Several wakers at once: at most one write is needed, and one is kept.
            DispatchQueue.concurrentPerform(iterations: 4) { _ in loop.wake() }
            let started = MonotonicClock.nanoseconds()
            _ = loop.wait(limit: 10_000)
            // Woken, not timed out (10 s): a lost wake-up would sit out the whole limit.
            #expect(MonotonicClock.nanoseconds() - started < 5_000_000_000, "round \(round)")
        }
        // Wakers racing with the loop's own reads: whatever interleaving happened, once they stop, one more wake-up
        // must still get through (a flag left set with the eventfd already read would swallow it).
        let stop = Atomic<Bool>(false)
        let waker = OSThread.start { while !stop.load(ordering: .relaxed) { loop.wake() } }
        for _ in 0..<2_000 { _ = loop.wait(limit: 1) }
        stop.store(true, ordering: .relaxed)
        waker.join()
        _ = loop.wait(limit: 0)
        loop.wake()
        let afterRace = MonotonicClock.nanoseconds()
        _ = loop.wait(limit: 10_000)
        #expect(MonotonicClock.nanoseconds() - afterRace < 5_000_000_000)
        // Nothing pending now: a wait times out (a short limit), so the flag did not leave a stale wake-up behind.
        let started = MonotonicClock.nanoseconds()
        _ = loop.wait(limit: 20)
        #expect(MonotonicClock.nanoseconds() - started >= 15_000_000)
    }
}

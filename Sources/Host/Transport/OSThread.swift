import CurlShim
import Glibc

/// A dedicated OS thread (the curl loop, the recorder's worker): long-lived work that must never run on an event
/// loop or in Swift's cooperative pool, because it blocks.
final class OSThread: @unchecked Sendable {
    private let body: () -> Void
    private var handle = pthread_t()

    private init(body: @escaping () -> Void) {
        self.body = body
    }

    /// Starts `body` on a new thread.
    @discardableResult
    static func start(_ body: @escaping () -> Void) -> OSThread {
        let thread = OSThread(body: body)
        let context = Unmanaged.passRetained(thread).toOpaque()
        let result = pthread_create(&thread.handle, nil, { argument in
            let thread = Unmanaged<OSThread>.fromOpaque(argument!).takeRetainedValue()
            thread.body()
            return nil
        }, context)
        precondition(result == 0, "cannot start a thread (error \(result))")
        return thread
    }

    /// Lowers the calling thread's scheduling priority (Linux nice value `niceness`, 0…19), so that under CPU
    /// contention it yields to the other threads; it still runs whenever a core is free. Best effort.
    static func lowerCurrentPriority(to niceness: Int32) {
        _ = lessllm_set_thread_niceness(niceness)
    }

    /// Waits for the thread to finish.
    func join() {
        pthread_join(handle, nil)
    }
}

import CCurl
import CurlShim
import Glibc
import Synchronization

/// The curl thread's event loop: epoll over exactly the sockets libcurl asks to watch (its socket callback), a
/// timer libcurl sets (its timer callback), and an eventfd other threads write to wake the loop.
///
/// With `curl_multi_socket_action`, each wake-up costs only the sockets that are ready, not every transfer in
/// flight — what keeps 10,000 open streams cheap. Used on the curl thread only, except `wake()`.
final class CurlSocketLoop: @unchecked Sendable {
    /// A socket that is ready, and how (`CURL_CSELECT_*`).
    struct Readiness {
        var socket: Int32
        var flags: Int32
    }

    private let epoll: Int32
    private let wakeDescriptor: Int32
    /// A wake-up is written and not yet read: more wakers need not write (a syscall each) until the loop reads it.
    private let wakePending = Atomic<Bool>(false)
    private var watched = Set<Int32>()
    private var events = [epoll_event](repeating: epoll_event(), count: 1024)
    /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` called (monotonic ns), if at all.
    private(set) var timerDeadline: UInt64?

    /// Creates the loop and installs libcurl's socket and timer callbacks on `multi`.
    init(multi: UnsafeMutableRawPointer) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeDescriptor = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epoll >= 0 && wakeDescriptor >= 0, "cannot create the curl thread's epoll/eventfd")
        var wakeEvent = epoll_event()
        wakeEvent.events = EPOLLIN.rawValue
        wakeEvent.data.fd = wakeDescriptor
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeDescriptor, &wakeEvent)

        let me = Unmanaged.passUnretained(self).toOpaque()
        lessllm_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        lessllm_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        lessllm_curl_multi_setopt_socket_callback(multi) { _, socket, what, user, _ in
            guard let user else { return 0 }
            Unmanaged<CurlSocketLoop>.fromOpaque(user).takeUnretainedValue().watch(socket, what: what)
            return 0
        }
        lessllm_curl_multi_setopt_timer_callback(multi) { _, milliseconds, user in
            guard let user else { return 0 }
            let loop = Unmanaged<CurlSocketLoop>.fromOpaque(user).takeUnretainedValue()
            loop.timerDeadline = milliseconds < 0 ? nil : MonotonicClock.nanoseconds() + UInt64(milliseconds) * 1_000_000
            return 0
        }
    }

    deinit {
        close(epoll)
        close(wakeDescriptor)
    }

    /// Wakes the loop from any thread.
    func wake() {
        guard !wakePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Waits until a socket is ready, the loop is woken, or `limit` (milliseconds) passes — whichever is first, and
    /// never past libcurl's timer. Returns the ready sockets.
    func wait(limit milliseconds: Int32) -> [Readiness] {
        var timeout = milliseconds
        if let deadline = timerDeadline {
            let now = MonotonicClock.nanoseconds()
            timeout = deadline <= now ? 0 : min(timeout, Int32(clamping: (deadline - now + 999_999) / 1_000_000))
        }
        let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
        guard count > 0 else { return [] }
        var ready: [Readiness] = []
        for event in events[..<Int(count)] {
            if event.data.fd == wakeDescriptor {
                var value: UInt64 = 0
                _ = read(wakeDescriptor, &value, 8)
                // Cleared after the read (which may consume a later waker's write too) and before the caller drains
                // its command queue: a waker that skipped writing queued its command before that drain, and any
                // later one writes a new wake-up.
                wakePending.store(false, ordering: .releasing)
                continue
            }
            var flags: Int32 = 0
            if event.events & EPOLLIN.rawValue != 0 { flags |= CURL_CSELECT_IN }
            if event.events & EPOLLOUT.rawValue != 0 { flags |= CURL_CSELECT_OUT }
            if event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= CURL_CSELECT_ERR }
            ready.append(Readiness(socket: event.data.fd, flags: flags))
        }
        return ready
    }

    /// Whether libcurl's timer has expired (and clears it: libcurl sets a new one as needed).
    func takeExpiredTimer() -> Bool {
        guard let deadline = timerDeadline, deadline <= MonotonicClock.nanoseconds() else { return false }
        timerDeadline = nil
        return true
    }

    /// libcurl's socket callback: start, change or stop watching `socket`.
    private func watch(_ socket: Int32, what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil) }
            return
        }
        var event = epoll_event()
        event.events = (what & CURL_POLL_IN != 0 ? EPOLLIN.rawValue : 0) | (what & CURL_POLL_OUT != 0 ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        let operation = watched.insert(socket).inserted ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        epoll_ctl(epoll, operation, socket, &event)
    }
}

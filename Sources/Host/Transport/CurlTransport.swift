import CCurl
import CurlShim
import Glibc
import Logging
import NIOCore
import Synchronization

/// The upstream client for TLS and proxied upstreams (plain-http ones use `EventLoopHTTPClient`): libcurl's multi
/// interface driven by one dedicated thread.
///
/// One multi handle means one shared pool of keep-alive (and HTTP/2 multiplexed) connections for every provider.
/// Other threads never touch libcurl: they queue a command and wake the curl thread, so starting, cancelling,
/// pausing and resuming are thread-safe and take effect within one loop turn (cancellation reaches the socket in
/// well under 100 ms, even while the upstream is silent). Responses are handed to each transfer's event loop, all
/// of one loop turn's in one task per event loop (`DeliveryOutbox`).
///
/// The loop is event-driven (`curl_multi_socket_action` over epoll, see `CurlSocketLoop`): a wake-up costs the
/// sockets that are ready, not every transfer in flight.
public final class CurlTransport: @unchecked Sendable {
    private enum Command {
        case start(CurlTransfer)
        case cancel(Int)
        case resume(Int)
        case shutdown
    }

    private let multi: UnsafeMutableRawPointer
    private let sockets: CurlSocketLoop
    private let outbox = DeliveryOutbox()
    private let commands = Mutex<[Command]>([])
    private let nextID = Atomic<Int>(1)
    private let logger: Logger
    private var thread: OSThread?
    /// Curl-thread state: the transfers in flight, by id.
    private var transfers: [Int: CurlTransfer] = [:]
    private var lastSweep: UInt64 = 0
    private var running = true

    /// How often timeouts that libcurl does not enforce (first byte, idle gap) are checked.
    private static let sweepInterval: UInt64 = 50_000_000

    /// Creates the transport and starts its thread.
    public init(logger: Logger) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()
        sockets = CurlSocketLoop(multi: multi)
        self.logger = logger
        lessllm_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        startThread()
    }

    // MARK: - Any thread

    /// Starts a transfer whose response is delivered to `handler` on `eventLoop`.
    /// - Returns: the transfer's controls, or nil when libcurl could not create a handle.
    func start(
        _ request: UpstreamRequest, options: TransportOptions, flow: FlowControl, eventLoop: any EventLoop,
        handler: any UpstreamResponseHandler
    ) -> (any UpstreamTransfer)? {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        guard let transfer = CurlTransfer(
            id: id, request: request, options: options, flow: flow, eventLoop: eventLoop, outbox: outbox,
            handler: handler)
        else { return nil }
        send(.start(transfer))
        return Control(transport: self, id: id)
    }

    /// A curl transfer as its exchange controls it: commands to the curl thread.
    private final class Control: UpstreamTransfer {
        let transport: CurlTransport
        let id: Int

        init(transport: CurlTransport, id: Int) {
            self.transport = transport
            self.id = id
        }

        func cancel() { transport.cancel(id) }
        func resume() { transport.resume(id) }
    }

    /// Cancels a transfer; its handler then receives `upstreamEnd(.cancelled)`.
    func cancel(_ id: Int) { send(.cancel(id)) }

    /// Resumes a transfer its flow control paused.
    func resume(_ id: Int) { send(.resume(id)) }

    /// Cancels every transfer and stops the thread.
    public func shutdown() {
        send(.shutdown)
        thread?.join()
        thread = nil
    }

    private func send(_ command: Command) {
        commands.withLock { $0.append(command) }
        sockets.wake()
    }

    // MARK: - Curl thread

    private func startThread() {
        thread = OSThread.start { [self] in runLoop() }
    }

    private func runLoop() {
        var stillRunning: Int32 = 0
        while running {
            runCommands()
            guard running else { break }
            let limit: Int32 = transfers.isEmpty ? 1000 : Int32(Self.sweepInterval / 1_000_000)
            for ready in sockets.wait(limit: limit) {
                curl_multi_socket_action(multi, ready.socket, ready.flags, &stillRunning)
            }
            if sockets.takeExpiredTimer() {
                curl_multi_socket_action(multi, -1 /* CURL_SOCKET_TIMEOUT */, 0, &stillRunning)
            }
            collectCompletions()
            sweepTimeouts()
            outbox.flush()
        }
        for transfer in transfers.values { remove(transfer, TransportFailure(.cancelled, "the gateway is shutting down")) }
        outbox.flush()
        curl_multi_cleanup(multi)
    }

    private func runCommands() {
        let pending = commands.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        for command in pending {
            switch command {
            case .start(let transfer):
                transfers[transfer.id] = transfer
                transfer.markStarted(at: MonotonicClock.nanoseconds())
                curl_multi_add_handle(multi, transfer.easy)
            case .cancel(let id):
                if let transfer = transfers[id] {
                    remove(transfer, TransportFailure(.cancelled, "cancelled by the gateway"))
                }
            case .resume(let id):
                transfers[id]?.resume()
            case .shutdown:
                running = false
            }
        }
    }

    private func collectCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var pointer: UnsafeMutableRawPointer?
            lessllm_curl_getinfo_pointer(easy, CURLINFO_PRIVATE, &pointer)
            guard let pointer else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(pointer).takeUnretainedValue()
            remove(transfer, failure(for: code, transfer))
        }
    }

    private func failure(for code: CURLcode, _ transfer: CurlTransfer) -> TransportFailure? {
        switch code {
        case CURLE_OK:
            return nil
        case CURLE_OPERATION_TIMEDOUT:
            return TransportFailure(.timeout, "upstream timed out: \(transfer.failureMessage(code))")
        default:
            return TransportFailure(.unreachable, "upstream request failed: \(transfer.failureMessage(code))")
        }
    }

    /// First-byte and idle-gap timeouts, checked every `sweepInterval`.
    private func sweepTimeouts() {
        let now = MonotonicClock.nanoseconds()
        guard now - lastSweep >= Self.sweepInterval else { return }
        lastSweep = now
        for transfer in transfers.values where !transfer.isPaused {
            let options = transfer.options
            if !transfer.hasResponseStarted {
                // The first-byte clock starts when the request went out; until then libcurl's connect timeout rules.
                if let sent = transfer.requestSentAt,
                   now > sent && now - sent > UInt64(options.firstByteTimeout.wholeMilliseconds) * 1_000_000 {
                    remove(transfer, TransportFailure(.timeout, "upstream sent no response within \(options.firstByteTimeout)"))
                }
            } else if now - transfer.lastByteAt > UInt64(options.idleTimeout.wholeMilliseconds) * 1_000_000 {
                remove(transfer, TransportFailure(.timeout, "upstream went silent for more than \(options.idleTimeout)"))
            }
        }
    }

    private func remove(_ transfer: CurlTransfer, _ failure: TransportFailure?) {
        curl_multi_remove_handle(multi, transfer.easy)
        transfers[transfer.id] = nil
        transfer.finish(failure)
    }
}

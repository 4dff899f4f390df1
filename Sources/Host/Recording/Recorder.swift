import Dispatch
import Glibc
import JSONCore
import Logging
import NIOCore
import PluginABI
import Synchronization

/// The log pipeline: the relay hands each finished trace to a bounded queue and moves on; one worker thread
/// turns traces into records and hands them, in batches, to every sink plugin (`sink:log`, which may block).
///
/// When the queue is full the relay is still not slowed: the trace is spilled to the journal and replayed later.
/// A sink that fails gets its batch back through the journal after a pause. Shutdown drains the queue and the
/// journal before returning. Sinks are idempotent on the record id, so a replay never stores a record twice.
final class Recorder: ExchangeRecording, @unchecked Sendable {
    private struct State {
        /// The waiting traces with their `approximateBytes`, oldest first (a ring: taking a batch moves nothing).
        var queue = CircularBuffer<(trace: ExchangeTrace, bytes: Int)>()
        var queuedBytes = 0
        var stopping = false
        /// The worker is waiting for a batch to fill (see `gather`): the trace that fills it says so, once.
        var gathering = false
    }

    private let sinks: [PluginInstance]
    private let builder: RecordBuilder
    private let capacity: Int
    private let byteBudget: Int
    private let journal: RecordJournal
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    /// Signalled when `gatherTarget` traces wait while the worker gathers (or at shutdown): ends the gathering early.
    private let batchReady = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// How many records reached the sinks (for tests and stats).
    let stored = Atomic<Int>(0)
    /// How many traces were spilled to the journal.
    let spilled = Atomic<Int>(0)

    static let batchSize = 256

    /// - Parameters:
    ///   - capacity: how many traces may wait in memory; beyond it they are spilled to the journal.
    ///   - byteBudget: how much memory (`ExchangeTrace.approximateBytes`) waiting traces may hold; beyond it they
    ///     are spilled too (one trace larger than the budget waits alone).
    init(sinks: [PluginInstance], builder: RecordBuilder, capacity: Int, byteBudget: Int = .max,
         journal: RecordJournal, logger: Logger) {
        self.sinks = sinks
        self.builder = builder
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.journal = journal
        self.logger = logger
        OSThread.start { [self] in runWorker() }
        wakeUp.signal()  // replay a journal left by an earlier run right away
    }

    // MARK: - Relay side (any event loop)

    func submit(_ trace: ExchangeTrace) {
        enum Outcome { case queuedFirst, batchReady, queued, full }
        let size = trace.approximateBytes
        let outcome = state.withLock { state -> Outcome in
            guard state.queue.count < capacity,
                  state.queue.isEmpty || state.queuedBytes + size <= byteBudget else { return .full }
            state.queue.append((trace, size))
            state.queuedBytes += size
            if state.queue.count == 1 { return .queuedFirst }
            guard state.gathering, state.queue.count >= Self.gatherTarget else { return .queued }
            state.gathering = false
            return .batchReady
        }
        switch outcome {
        case .queuedFirst:
            // Only the first trace of a batch wakes the worker (a futex call each); it gathers for a moment, takes
            // everything queued by then, and signals itself while more is left.
            wakeUp.signal()
        case .batchReady:
            batchReady.signal()
        case .queued:
            break
        case .full:
            spill([trace])
        }
    }

    private func spill(_ traces: [ExchangeTrace]) {
        for trace in traces {
            spilled.add(1, ordering: .relaxed)
            let redactor = builder.redactor
            let written = journal.append { entry in
                TraceCodec.encode(trace, redactor: redactor, into: &entry)
                redactor.maskSecrets(in: &entry)  // a body quoting a key (lengths kept: the mask is as long)
            }
            if !written {
                logger.error("cannot write the record journal", metadata: ["lessllm.journal": "\(journal.path)",
                                                                          "lessllm.exchange.id": "\(trace.id)"])
            }
        }
    }

    /// Stops taking new work once everything queued and journalled is stored; blocks until then.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wakeUp.signal()
        batchReady.signal()
        finished.wait()
    }

    // MARK: - Worker thread

    private func runWorker() {
        // Records are background work: when the cores are busy, the relay (event loops, curl thread) goes first.
        // Nothing is lost while the worker falls behind: the queue, then the journal, hold the traces.
        OSThread.lowerCurrentPriority(to: Self.backgroundNiceness)
        var retryAt: UInt64 = 0
        var failedAttempts = 0
        var rate = RecordRate()
        while true {
            _ = wakeUp.wait(timeout: .now() + .seconds(1))
            if rate.perSecond < Self.gatherBelowRate, let filledIn = gather() {
                rate.note(Self.gatherTarget, filledIn: filledIn)
            }
            let (batch, stopping) = state.withLock { state in
                var batch: [ExchangeTrace] = []
                batch.reserveCapacity(min(state.queue.count, Self.batchSize))
                while batch.count < Self.batchSize, let (trace, bytes) = state.queue.popFirst() {
                    batch.append(trace)
                    state.queuedBytes -= bytes
                }
                return (batch, state.stopping)
            }
            if !batch.isEmpty {
                rate.count(batch.count)
                if !deliver(batch) {
                    spill(batch)
                    failedAttempts += 1
                    retryAt = MonotonicClock.nanoseconds() + Self.retryDelay
                }
                wakeUp.signal()  // there may be more queued
                continue
            }
            if journal.hasEntries {
                let now = MonotonicClock.nanoseconds()
                // Shutting down while the sinks fail: try a few times, then leave the records in the journal,
                // where the next start replays them.
                if stopping && failedAttempts >= Self.attemptsAtShutdown {
                    logger.error("sinks keep failing; records stay in the journal for the next start",
                                 metadata: ["lessllm.journal": "\(journal.path)"])
                    break
                }
                if now >= retryAt {
                    if replayJournal() {
                        failedAttempts = 0
                    } else {
                        failedAttempts += 1
                        retryAt = now + Self.retryDelay
                    }
                    continue
                }
                if stopping {
                    usleep(useconds_t(min(retryAt - now, Self.retryDelay) / 1000))
                    continue
                }
            }
            if stopping { break }
        }
        finished.signal()
    }

    /// Lets a batch gather before it is stored: with fewer than `gatherTarget` traces waiting, waits up to
    /// `gatherWindow` for more. At moderate rates (where the worker keeps up) records then reach the sinks a few
    /// dozen at a time instead of one by one: one wake-up of this thread and one SQLite transaction per batch. A
    /// record alone in a transaction writes every page it touches — seven B-trees' pages, ~70 KB of disk for a
    /// ~2 KB record. Under load a batch is waiting already and nothing waits.
    /// - Returns: how long the batch took to reach `gatherTarget` (nanoseconds), nil when it did not.
    private func gather() -> UInt64? {
        let gathering = state.withLock { state in
            state.gathering = !state.stopping && (1..<Self.gatherTarget).contains(state.queue.count)
            return state.gathering
        }
        guard gathering else { return nil }
        let start = MonotonicClock.nanoseconds()
        let filled = batchReady.wait(timeout: .now() + Self.gatherWindow) == .success
        state.withLock { $0.gathering = false }
        return filled ? MonotonicClock.nanoseconds() &- start : nil
    }

    /// How long a batch may gather (records reach the dashboard this much later at most).
    static let gatherWindow: DispatchTimeInterval = .milliseconds(50)
    /// How many traces end the gathering early: enough to share a transaction's pages, few enough that storing
    /// them is a short burst (~1 ms).
    static let gatherTarget = 32
    /// Above this rate the worker stores records as they come (see BENCHMARKS.md, "c=1 is about sleeping"): on
    /// shared cores its sleeps while gathering let a core go idle between a closed loop's requests, and each
    /// gathered batch is a burst the relay waits behind — at concurrency 1 (~13,000 a second) gathering raised
    /// the relay's p99 from ~0.6 to 1.1–3.3 ms and its CPU per request by 9–24 %.
    static let gatherBelowRate = 5_000.0

    /// The recorder thread's nice value.
    static let backgroundNiceness: Int32 = 5

    /// The pause before a failed batch is tried again.
    static let retryDelay: UInt64 = 500_000_000
    /// How many failed attempts shutdown waits through before leaving records in the journal.
    static let attemptsAtShutdown = 4

    /// Replays the journal in batches; false when a sink failed (the journal file is kept for later).
    private func replayJournal() -> Bool {
        let traces = journal.takeEntries().compactMap { TraceCodec.decode($0) }
        var start = 0
        while start < traces.count {
            let batch = Array(traces[start..<min(start + Self.batchSize, traces.count)])
            guard deliver(batch) else { return false }
            start += batch.count
        }
        journal.finishReplay()
        return true
    }

    /// Builds the records of `traces` and hands them to every sink; false if any sink failed.
    private func deliver(_ traces: [ExchangeTrace]) -> Bool {
        var request = OpenRequest(op: "sink:log", body: [UInt8(ascii: "[")])
        request.recordFields.reserveCapacity(traces.count * Int(LESSLLM_RECORD_FIELD_COUNT))
        for (index, trace) in traces.enumerated() {
            if index > 0 { request.body.append(UInt8(ascii: ",")) }
            let record = builder.recordText(trace)
            let offset = request.body.count
            request.body.append(contentsOf: record.bytes)
            // The record's field ranges, moved to where the record sits in the batch.
            request.recordFields.append(contentsOf: record.fields.lazy.map {
                $0.map { $0.lowerBound + offset..<$0.upperBound + offset }
            })
        }
        request.body.append(UInt8(ascii: "]"))
        var allStored = true
        for sink in sinks {
            do {
                _ = try OneShotOperation.run(sink, request)
            } catch {
                allStored = false
                logger.error("sink refused a batch of records; they stay in the journal",
                             metadata: ["lessllm.sink": "\(sink.name)", "lessllm.error": "\(error.message)"])
            }
        }
        if allStored { stored.add(traces.count, ordering: .relaxed) }
        return allStored
    }
}

/// Records per second reaching the worker, measured over windows of at least 100 ms (a batch-by-batch figure
/// flaps with every gap between two requests).
private struct RecordRate {
    private(set) var perSecond = 0.0
    private var windowStart = MonotonicClock.nanoseconds()
    private var counted = 0

    /// A gathered batch that filled up faster than the window could tell: the rate is at least that, now (a load
    /// starting after a quiet spell would otherwise be gathered for up to a window more).
    mutating func note(_ records: Int, filledIn nanoseconds: UInt64) {
        perSecond = max(perSecond, Double(records) * 1e9 / Double(max(1, nanoseconds)))
    }

    mutating func count(_ records: Int) {
        counted += records
        let now = MonotonicClock.nanoseconds()
        let elapsed = now &- windowStart
        guard elapsed >= 100_000_000 else { return }
        perSecond = Double(counted) * 1e9 / Double(elapsed)
        windowStart = now
        counted = 0
    }
}

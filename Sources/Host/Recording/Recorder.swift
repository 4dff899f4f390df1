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
    }

    private let sinks: [PluginInstance]
    private let builder: RecordBuilder
    private let capacity: Int
    private let byteBudget: Int
    private let journal: RecordJournal
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
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
        enum Outcome { case queuedFirst, queued, full }
        let size = trace.approximateBytes
        let outcome = state.withLock { state -> Outcome in
            guard state.queue.count < capacity,
                  state.queue.isEmpty || state.queuedBytes + size <= byteBudget else { return .full }
            state.queue.append((trace, size))
            state.queuedBytes += size
            return state.queue.count == 1 ? .queuedFirst : .queued
        }
        switch outcome {
        case .queuedFirst:
            // Only the first trace of a batch wakes the worker (a futex call each): it takes everything queued
            // by then, and signals itself while more is left.
            wakeUp.signal()
        case .queued:
            break
        case .full:
            spill([trace])
        }
    }

    private func spill(_ traces: [ExchangeTrace]) {
        for trace in traces {
            spilled.add(1, ordering: .relaxed)
            if !journal.append(encoding: { TraceCodec.encode(trace, redactor: builder.redactor, into: &$0) }) {
                logger.error("cannot write the record journal", metadata: ["lessllm.journal": "\(journal.path)",
                                                                          "lessllm.exchange.id": "\(trace.id)"])
            }
        }
    }

    /// Stops taking new work once everything queued and journalled is stored; blocks until then.
    func shutdown() {
        state.withLock { $0.stopping = true }
        wakeUp.signal()
        finished.wait()
    }

    // MARK: - Worker thread

    private func runWorker() {
        // Records are background work: when the cores are busy, the relay (event loops, curl thread) goes first.
        // Nothing is lost while the worker falls behind: the queue, then the journal, hold the traces.
        OSThread.lowerCurrentPriority(to: Self.backgroundNiceness)
        var retryAt: UInt64 = 0
        var failedAttempts = 0
        while true {
            _ = wakeUp.wait(timeout: .now() + .seconds(1))
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

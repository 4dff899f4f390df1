import Foundation
import JSONCore
import Logging
import Testing

@testable import Host

/// The log pipeline with a real sink plugin (the C test sink, which appends each batch to a file).
@Suite("Recorder", .serialized)
struct RecorderTests {
    let folder: URL
    let output: URL
    let journal: RecordJournal

    init() throws {
        folder = try TestPaths.temporaryFolder("recorder")
        output = folder.appendingPathComponent("records.jsonl")
        journal = RecordJournal(path: folder.appendingPathComponent("lessllm.journal").path)
    }

    static let sinkLibrary: String = {
        let folder = try! TestPaths.temporaryFolder("test-sink")
        return try! CPluginCompiler.build(source: TestPaths.fixture("plugins/test_sink.c"), into: folder,
                                          name: "libtest_sink")
    }()

    func makeRecorder(capacity: Int = 1000, byteBudget: Int = .max, delayMillis: Int = 0,
                      failFirst: Int = 0) throws -> Recorder {
        let plugin = try LoadedPlugin.load(path: Self.sinkLibrary)
        let sink = try PluginInstance.create(
            plugin, name: "file", configJSON: #"{"name":"file","options":{"path":"\#(output.path)","delay_ms":\#(delayMillis),"fail_first":\#(failFirst)}}"#,
            logger: Logger(label: "test"))
        return Recorder(sinks: [sink], builder: RecordBuilderTests.builder, capacity: capacity,
                        byteBudget: byteBudget, journal: journal, logger: Logger(label: "test"))
    }

    static func trace(_ number: Int) -> ExchangeTrace {
        let trace = RecordBuilderTests.openAIStreamTrace(events: RecordBuilderTests.openAIChunks)
        return ExchangeTrace.copy(of: trace, id: String(format: "01TEST%020d", number))
    }

    /// Every record id the sink stored, in order.
    func storedIDs() throws -> [String] {
        guard let text = try? String(contentsOf: output, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").flatMap { line in
            try JSONValue(parsing: line).arrayValue!.map { $0["id"]!.stringValue! }
        }
    }

    @Test("10,000 exchanges submitted from many threads become exactly 10,000 records")
    func noLossNoDuplicates() throws {
        let recorder = try makeRecorder(capacity: 20_000)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: 10_000, by: 8) { recorder.submit(Self.trace(index)) }
        }
        recorder.shutdown()
        let ids = try storedIDs()
        #expect(ids.count == 10_000)
        #expect(Set(ids).count == 10_000)
        #expect(recorder.stored.load(ordering: .relaxed) == 10_000)
    }

    @Test("at a moderate rate records reach the sink a batch at a time, not one by one")
    func recordsGatherIntoBatches() throws {
        let recorder = try makeRecorder()
        for index in 0..<40 {
            recorder.submit(Self.trace(index))
            usleep(2_000)  // 500 a second: the worker keeps up, so without gathering each trace is a batch of one
        }
        recorder.shutdown()
        let batches = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(try storedIDs() == (0..<40).map { String(format: "01TEST%020d", $0) })
        #expect(batches.count <= 8, "40 traces over ~80 ms gather in 50 ms windows: \(batches.count) batches")
    }

    @Test("a slow sink never blocks submit: overflow goes to the journal and arrives later, once")
    func slowSinkSpills() throws {
        let recorder = try makeRecorder(capacity: 5, delayMillis: 200)
        for index in 0..<100 { recorder.submit(Self.trace(index)) }
        #expect(recorder.spilled.load(ordering: .relaxed) > 0)
        recorder.shutdown()
        let ids = try storedIDs()
        #expect(Set(ids) == Set((0..<100).map { String(format: "01TEST%020d", $0) }))
        #expect(ids.count == 100)
        #expect(!journal.hasEntries)
    }

    @Test("the queue's memory budget spills traces to the journal while its count is far from full, none lost")
    func byteBudgetSpills() throws {
        let size = Self.trace(0).approximateBytes
        #expect(size > Self.trace(0).requestBody.count)  // bodies, events and headers all count
        // Room for three traces by memory, a thousand by count; the sink holds each batch for 200 ms.
        let recorder = try makeRecorder(capacity: 1000, byteBudget: 3 * size + size / 2, delayMillis: 200)
        for index in 0..<40 { recorder.submit(Self.trace(index)) }
        let spilled = recorder.spilled.load(ordering: .relaxed)
        // In memory at most: the batch the worker took before the sink blocked (up to three, what the budget let
        // queue until then) and three queued behind it.
        #expect(spilled >= 40 - 6 && spilled < 40)
        recorder.shutdown()
        let ids = try storedIDs()
        #expect(Set(ids) == Set((0..<40).map { String(format: "01TEST%020d", $0) }))
        #expect(ids.count == 40)
        #expect(!journal.hasEntries)
    }

    @Test("one trace larger than the whole memory budget still waits in the queue when it is empty")
    func oversizedTraceQueuesAlone() throws {
        let recorder = try makeRecorder(capacity: 1000, byteBudget: 1)
        recorder.submit(Self.trace(1))
        recorder.shutdown()
        #expect(recorder.spilled.load(ordering: .relaxed) == 0)
        #expect(try storedIDs() == [String(format: "01TEST%020d", 1)])
    }

    @Test("a sink that fails for a while gets the same records again later, none lost")
    func failingSinkRetries() throws {
        let recorder = try makeRecorder(failFirst: 2)
        for index in 0..<10 { recorder.submit(Self.trace(index)) }
        recorder.shutdown()
        let ids = try storedIDs()
        #expect(Set(ids).count == 10)
        #expect(ids.count == 10)
    }

    @Test("a journal left behind by an earlier run is replayed at start")
    func replaysLeftoverJournal() throws {
        for index in 0..<3 { #expect(journal.append(TraceCodec.encode(Self.trace(index)))) }
        let recorder = try makeRecorder()
        recorder.shutdown()
        #expect(try storedIDs().sorted() == (0..<3).map { String(format: "01TEST%020d", $0) })
        #expect(!journal.hasEntries)
    }
}

extension ExchangeTrace {
    /// A copy with another id (tests).
    static func copy(of trace: ExchangeTrace, id: String) -> ExchangeTrace {
        TraceCodec.decode(ArraySlice(TraceCodec.encode(trace)))!.withID(id)
    }

    fileprivate func withID(_ id: String) -> ExchangeTrace {
        let copy = ExchangeTrace(id: id, receivedAt: receivedAt, wallMillis: receivedAtWallMillis, method: method,
                                 path: path, clientIP: clientIP, userAgent: userAgent, requestHeaders: requestHeaders,
                                 requestBody: requestBody, clientDialect: clientDialect)
        copy.stream = stream
        copy.requestedModel = requestedModel
        copy.provider = provider
        copy.upstreamModel = upstreamModel
        copy.upstreamDialect = upstreamDialect
        copy.clientEvents = clientEvents
        copy.responseIsEventStream = responseIsEventStream
        copy.responseStatus = responseStatus
        copy.finishedAt = finishedAt
        return copy
    }
}

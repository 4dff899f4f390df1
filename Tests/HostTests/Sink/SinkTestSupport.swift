import Foundation
import JSONCore
import PluginABI
import Testing

@testable import Host

/// One exchange record in the format of docs/exchange-record.md, with the fields the sink tests vary.
struct TestRecord {
    var id: String
    var startedAtMs: Int
    var model = "gpt-4o"
    var upstreamModel: String?
    var provider: String? = "openai"
    var clientDialect = "openai.chat"
    var upstreamDialect = "openai.chat"
    var stream = false
    var outcome = "ok"
    var status = 200
    var input = 100
    var output = 20
    var cacheRead = 0
    var cacheWrite = 0
    var reasoning = 0
    var estimated = false
    var cost: Double? = 0.01
    var cacheSavings = 0.0
    var ttftMs: Double? = 100
    var totalMs = 500.0
    var tpotMs: Double? = 10
    var prompt = "hello"
    var answer = "hi there"
    var errorMessage: String?

    var json: JSONValue {
        let upstream = upstreamModel ?? model
        return [
            "id": .string(id),
            "started_at": "2027-01-15T08:00:00.000Z",
            "started_at_ms": .int(startedAtMs),
            "client": ["dialect": .string(clientDialect), "ip": "127.0.0.1", "user_agent": "OpenAI/Python 1.54.0"],
            "route": [
                "provider": provider.map(JSONValue.string) ?? .null, "provider_plugin": "dev.lessllm.provider.openai",
                "upstream_dialect": .string(upstreamDialect), "requested_model": .string(model),
                "upstream_model": .string(upstream), "converted": .bool(clientDialect != upstreamDialect),
            ],
            "stream": .bool(stream),
            "outcome": .string(outcome),
            "error": errorMessage.map { ["status": .int(status), "type": "api_error", "message": .string($0)] } ?? .null,
            "http": [
                "method": "POST", "path": "/v1/chat/completions", "status": .int(status),
                "request_headers": ["content-type": "application/json", "authorization": "[redacted]"],
                "response_headers": ["content-type": "application/json"],
                "request_bytes": 321, "response_bytes": 654,
                "upstream": [
                    "url": "https://api.openai.com/v1/chat/completions", "status": .int(status),
                    "request_headers": ["Authorization": "[redacted]"], "response_headers": ["x-request-id": "req_1"],
                ],
            ],
            "request": ["model": .string(model), "messages": [["role": "user", "content": .string(prompt)]]],
            "upstream_request": .null,
            "response": ["choices": [["message": ["role": "assistant", "content": .string(answer)]]]],
            "raw_events": .null,
            "timing": [
                "upstream_ttfb_ms": 80.5, "ttft_ms": ttftMs.map(JSONValue.double) ?? .null,
                "tpot_ms": tpotMs.map(JSONValue.double) ?? .null, "output_tokens_per_second": 82.6,
                "total_ms": .double(totalMs), "gateway_overhead_ms": 0.4,
                "gap_ms": ["p50": 10.0, "p90": 15.0, "p99": 30.0, "max": 42.0], "token_times_ms": [130.2, 142.0],
            ],
            "usage": [
                "input": .int(input), "output": .int(output), "cache_read": .int(cacheRead),
                "cache_write": .int(cacheWrite), "reasoning": .int(reasoning), "estimated": .bool(estimated),
            ],
            "cost": cost.map { total in
                [
                    "total": .double(total), "input": 0, "output": 0, "cache_read": 0, "cache_write": 0,
                    "price": ["model": .string(upstream), "pattern": .string(upstream), "source": "builtin",
                              "input": 2.5, "output": 10.0, "cache_read": 1.25, "cache_write": .null],
                    "cache_hit_ratio": 0, "cache_savings": .double(cacheSavings),
                ]
            } ?? .null,
        ]
    }

    /// A `sink:log` body holding `records`.
    static func batch(_ records: [TestRecord]) -> String {
        JSONValue.array(records.map(\.json)).serialized()
    }
}

/// A sink instance on a fresh database in its own temporary folder.
struct SinkFixture {
    let folder: URL
    let databasePath: String
    let harness: PluginHarness

    /// Creates the sink on `<temp>/logs.db` (or `file` inside the temp folder).
    init(file: String = "logs.db", extraOptions: String = "") throws {
        folder = try TestPaths.temporaryFolder("sqlite-sink")
        databasePath = folder.appendingPathComponent(file).path
        harness = try Self.harness(path: databasePath, extraOptions: extraOptions)
    }

    /// A sink instance on `path` (several may share one file).
    static func harness(path: String, extraOptions: String = "") throws -> PluginHarness {
        try PluginHarness(path: TestPaths.plugin("SQLiteSink"), name: "sqlite",
                          config: #"{"name":"sqlite","options":{"path":\#(JSONString.quoted(path))\#(extraOptions)}}"#)
    }

    /// Stores `records` as one batch and returns what the sink emitted.
    @discardableResult
    func log(_ records: [TestRecord], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try answer(op: "sink:log", body: TestRecord.batch(records), sourceLocation: sourceLocation)
    }

    /// Runs a `sink:query` and returns its one answer.
    func query(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try answer(op: "sink:query", body: json, sourceLocation: sourceLocation)
    }

    /// Runs an op that must fail and returns its status and message.
    func failure(op: String = "sink:query", _ body: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: lessllm_status, message: String) {
        let (_, output, _) = harness.open(op: op, body: body)
        #expect(output.events.isEmpty, "a failed op emitted \(output.body)", sourceLocation: sourceLocation)
        #expect(output.ends.count == 1, sourceLocation: sourceLocation)
        let failure = try #require(output.failures.first, "expected \(op) to fail on \(body)", sourceLocation: sourceLocation)
        return (failure.0, failure.1)
    }

    private func answer(op: String, body: String, sourceLocation: SourceLocation) throws -> JSONValue {
        let (_, output, _) = harness.open(op: op, body: body)
        #expect(output.failures.isEmpty, "\(op) failed: \(output.failures)", sourceLocation: sourceLocation)
        #expect(output.ends == [LESSLLM_OK], sourceLocation: sourceLocation)
        #expect(output.events.count == 1, "\(op) must emit exactly one event", sourceLocation: sourceLocation)
        return try JSONValue(parsing: output.body)
    }

    /// Opens the database file directly.
    func file() throws -> SQLiteFile { try SQLiteFile(databasePath) }

    /// How many exchanges the file holds.
    func storedCount() throws -> Int64 {
        guard case .integer(let count) = try file().value("SELECT count(*) FROM exchanges") else { return -1 }
        return count
    }
}

/// Creating the sink with `config` fails; returns the reason the host reports.
func sinkCreationFailure(_ config: String) throws -> String {
    do {
        _ = try PluginHarness(path: TestPaths.plugin("SQLiteSink"), name: "sqlite", config: config)
    } catch let error as PluginLoadError {
        return error.reason
    }
    Issue.record("the sink accepted \(config)")
    return ""
}

/// 2027-01-15T08:00:00Z, a multiple of one minute.
let baseTimeMs = 1_800_000_000_000

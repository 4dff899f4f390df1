import JSONCore
import PluginABI
import Testing

@testable import Host

/// The field index the record builder writes beside each record (ABI 1.1 `record_fields`): every entry must be
/// exactly what `json_find` returns for the field's path in the record's own text, and nothing for a null or absent
/// field — sinks store columns from it without reading the JSON.
@Suite("Record field index")
struct RecordTextTests {
    /// The path of every `LESSLLM_RECORD_*` field, in the header's order (the specification this test pins).
    static let paths: [Int32: String] = [
        LESSLLM_RECORD_ID: "id", LESSLLM_RECORD_STARTED_AT_MS: "started_at_ms",
        LESSLLM_RECORD_CLIENT_DIALECT: "client.dialect", LESSLLM_RECORD_CLIENT_IP: "client.ip",
        LESSLLM_RECORD_USER_AGENT: "client.user_agent", LESSLLM_RECORD_PROVIDER: "route.provider",
        LESSLLM_RECORD_UPSTREAM_DIALECT: "route.upstream_dialect", LESSLLM_RECORD_REQUESTED_MODEL: "route.requested_model",
        LESSLLM_RECORD_UPSTREAM_MODEL: "route.upstream_model", LESSLLM_RECORD_CONVERTED: "route.converted",
        LESSLLM_RECORD_STREAM: "stream", LESSLLM_RECORD_OUTCOME: "outcome", LESSLLM_RECORD_ERROR: "error",
        LESSLLM_RECORD_ERROR_MESSAGE: "error.message", LESSLLM_RECORD_HTTP: "http", LESSLLM_RECORD_METHOD: "http.method",
        LESSLLM_RECORD_PATH: "http.path", LESSLLM_RECORD_STATUS: "http.status",
        LESSLLM_RECORD_REQUEST_BYTES: "http.request_bytes", LESSLLM_RECORD_RESPONSE_BYTES: "http.response_bytes",
        LESSLLM_RECORD_UPSTREAM_STATUS: "http.upstream.status", LESSLLM_RECORD_RESPONSE: "response",
        LESSLLM_RECORD_RAW_EVENTS: "raw_events", LESSLLM_RECORD_TIMING: "timing",
        LESSLLM_RECORD_UPSTREAM_TTFB_MS: "timing.upstream_ttfb_ms", LESSLLM_RECORD_TTFT_MS: "timing.ttft_ms",
        LESSLLM_RECORD_TPOT_MS: "timing.tpot_ms", LESSLLM_RECORD_OUTPUT_TOKENS_PER_SECOND: "timing.output_tokens_per_second",
        LESSLLM_RECORD_TOTAL_MS: "timing.total_ms", LESSLLM_RECORD_GATEWAY_OVERHEAD_MS: "timing.gateway_overhead_ms",
        LESSLLM_RECORD_USAGE: "usage", LESSLLM_RECORD_INPUT_TOKENS: "usage.input",
        LESSLLM_RECORD_OUTPUT_TOKENS: "usage.output", LESSLLM_RECORD_CACHE_READ_TOKENS: "usage.cache_read",
        LESSLLM_RECORD_CACHE_WRITE_TOKENS: "usage.cache_write", LESSLLM_RECORD_REASONING_TOKENS: "usage.reasoning",
        LESSLLM_RECORD_TOKENS_ESTIMATED: "usage.estimated", LESSLLM_RECORD_COST: "cost",
        LESSLLM_RECORD_COST_TOTAL: "cost.total", LESSLLM_RECORD_CACHE_SAVINGS: "cost.cache_savings",
        LESSLLM_RECORD_CACHE_HIT_RATIO: "cost.cache_hit_ratio", LESSLLM_RECORD_REQUEST: "request",
        LESSLLM_RECORD_UPSTREAM_REQUEST: "upstream_request",
    ]

    /// Traces that between them leave every field set once and null once: a priced stream with an upstream request
    /// body of its own, a whole body, a failure before any upstream, an upstream error status.
    static func traces() -> [(String, ExchangeTrace)] {
        var upstream = RecordBuilderTests.openAIChunks
        upstream.insert(RecordBuilderTests.usageChunk, at: 7)
        let streamed = RecordBuilderTests.openAIStreamTrace(events: RecordBuilderTests.openAIChunks, upstream: upstream)
        streamed.upstreamRequestBody = Array(#"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}"#.utf8)
        let whole = RecordBuilderTests.openAIStreamTrace(events: [#"{"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#])
        whole.stream = false
        whole.responseIsEventStream = false
        whole.upstreamResponseHeaders = [("content-type", "application/json")]
        let rejected = RecordBuilderTests.openAIStreamTrace(events: [])
        rejected.upstreamStartedAt = nil
        rejected.upstreamURL = nil
        rejected.upstreamStatus = nil
        rejected.provider = nil
        rejected.failure = .modelNotFound("no-such-model")
        rejected.responseStatus = 404
        let failedUpstream = RecordBuilderTests.openAIStreamTrace(events: [#"{"error":{"message":"slow down"}}"#])
        failedUpstream.upstreamStatus = 429
        failedUpstream.responseIsEventStream = false
        return [("streamed", streamed), ("whole body", whole), ("rejected", rejected), ("upstream 429", failedUpstream)]
    }

    @Test("every indexed field is exactly json_find's text for its path; null and absent fields have no entry")
    func indexMatchesTheText() throws {
        #expect(Self.paths.count + 1 == Int(LESSLLM_RECORD_FIELD_COUNT))
        var seenSet = Set<Int32>(), seenUnset = Set<Int32>()
        for (name, trace) in Self.traces() {
            let record = RecordBuilderTests.builder.recordText(trace)
            #expect(record.fields.count == Int(LESSLLM_RECORD_FIELD_COUNT), "\(name)")
            #expect(record.fields[Int(LESSLLM_RECORD_WHOLE)] == 0..<record.bytes.count, "\(name)")
            #expect(try JSONValue(parsing: record.bytes) == RecordBuilderTests.builder.record(trace), "\(name)")
            for (field, path) in Self.paths {
                let found = try record.bytes.withUnsafeBytes { try JSONScanner.find(path: path, in: $0) }
                let expected = found.flatMap { record.bytes[$0.lowerBound] == UInt8(ascii: "n") ? nil : $0 }
                #expect(record.fields[Int(field)] == expected, "\(name): \(path)")
                if expected == nil { seenUnset.insert(field) } else { seenSet.insert(field) }
            }
        }
        // The traces exercise both sides of every field the builder can leave null.
        #expect(seenSet == Set(Self.paths.keys))
        #expect(seenUnset.isSuperset(of: [LESSLLM_RECORD_ERROR, LESSLLM_RECORD_ERROR_MESSAGE, LESSLLM_RECORD_PROVIDER,
                                          LESSLLM_RECORD_UPSTREAM_STATUS, LESSLLM_RECORD_UPSTREAM_REQUEST,
                                          LESSLLM_RECORD_TPOT_MS]))
    }
}

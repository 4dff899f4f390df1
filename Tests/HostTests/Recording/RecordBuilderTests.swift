import JSONCore
import Testing

@testable import Host

/// The record of synthetic traces: reconstruction, usage, timing and cost, from exactly what the relay captured.
@Suite("Record builder")
struct RecordBuilderTests {
    static let builder = RecordBuilder(
        prices: PriceTable(overrides: [], builtin: try! PriceTable.loadBuiltin(executableDirectory: TestPaths.products.path)),
        redactor: HeaderRedactor(extra: ["x-team-secret"]), keepRawEvents: true)

    /// A trace of a streamed OpenAI exchange: events 10 ms apart from t0 + 100 ms.
    static func openAIStreamTrace(events: [String], upstream: [String]? = nil) -> ExchangeTrace {
        let t0: UInt64 = 1_000_000_000
        let trace = ExchangeTrace(
            id: "01TESTTRACE000000000000000", receivedAt: t0, wallMillis: 1_795_629_919_123, method: "POST",
            path: "/v1/chat/completions", clientIP: "10.0.0.7", userAgent: "OpenAI/Python 1.0",
            requestHeaders: [("Authorization", "Bearer sk-client-secret"), ("X-Team-Secret", "s3"), ("accept", "*/*")],
            requestBody: Array(#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#.utf8),
            clientDialect: .openAIChat)
        trace.stream = true
        trace.requestedModel = "gpt-4o"
        trace.provider = "openai"
        trace.providerPlugin = "dev.lessllm.provider.openai"
        trace.upstreamDialect = .openAIChat
        trace.upstreamModel = "gpt-4o"
        trace.upstreamStartedAt = t0 + 500_000
        trace.upstreamURL = "https://user:pw@api.example/v1/chat/completions?key=abc&x=1"
        trace.upstreamRequestHeaders = [("Authorization", "Bearer sk-upstream-secret")]
        trace.upstreamHeadAt = t0 + 90_500_000
        trace.upstreamStatus = 200
        trace.upstreamResponseHeaders = [("content-type", "text/event-stream")]
        for (index, data) in (upstream ?? events).enumerated() {
            Array(data.utf8).withUnsafeBytes {
                trace.upstreamEvents.append(at: t0 + 100_000_000 + UInt64(index) * 10_000_000, type: .init(start: nil, count: 0), data: $0)
            }
        }
        for (index, data) in events.enumerated() {
            Array(data.utf8).withUnsafeBytes {
                trace.clientEvents.append(at: t0 + 100_100_000 + UInt64(index) * 10_000_000, type: .init(start: nil, count: 0), data: $0)
            }
        }
        trace.relayDelays = [100_000, 300_000]
        trace.responseStatus = 200
        trace.responseHeaders = [("content-type", "text/event-stream")]
        trace.responseIsEventStream = true
        trace.responseBytes = 999
        trace.finishedAt = t0 + 200_000_000
        return trace
    }

    static let openAIChunks = [
        #"{"id":"chatcmpl-1","created":5,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hel"}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"lo"}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get","arguments":""}}]}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        "[DONE]",
    ]
    static let usageChunk = #"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":1000}}}"#

    @Test("a streamed OpenAI response is rebuilt whole; usage comes from the upstream's held-back usage chunk")
    func openAIStream() throws {
        var upstream = Self.openAIChunks
        upstream.insert(Self.usageChunk, at: 7)
        let record = Self.builder.record(Self.openAIStreamTrace(events: Self.openAIChunks, upstream: upstream))
        let expected: JSONValueLiteral = #"""
            {"id":"chatcmpl-1","object":"chat.completion","created":5,"model":"gpt-4o-2024-08-06","choices":[{"index":0,
            "message":{"role":"assistant","content":"Hello","tool_calls":[{"id":"call_1","type":"function",
            "function":{"name":"get","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":null}
            """#
        #expect(record["response"] == expected.value)
        #expect(record["usage"] == JSONValueLiteral(#"{"input":200,"output":5,"cache_read":1000,"cache_write":0,"cache_write_1h":0,"reasoning":0,"estimated":false}"#).value)
        #expect(record["outcome"]?.stringValue == "ok")
        // 200 × 2.50 + 1000 × 1.25 + 5 × 10 per million
        #expect(record["cost"]?["total"]?.doubleValue?.fixed(decimals: 6) == "0.001800")
        #expect(record["cost"]?["price"]?["pattern"]?.stringValue == "gpt-4o*")
    }

    @Test("timing: TTFT at the first content token, TPOT from the real token count, gaps, overhead")
    func timing() throws {
        var upstream = Self.openAIChunks
        upstream.insert(Self.usageChunk, at: 7)
        let timing = try #require(Self.builder.record(Self.openAIStreamTrace(events: Self.openAIChunks, upstream: upstream))["timing"])
        // Content events: "Hel" (index 1), "lo" (2), and the two argument fragments (4, 5); not the role chunk or
        // the tool call's name.
        #expect(timing["token_times_ms"] == JSONValueLiteral("[110.1,120.1,140.1,150.1]").value)
        #expect(timing["ttft_ms"]?.doubleValue == 110.1)
        #expect(timing["tpot_ms"]?.doubleValue == 10)  // (150.1 − 110.1) / (5 − 1)
        #expect(timing["output_tokens_per_second"]?.doubleValue == 125)  // 5 / 0.040 s
        #expect(timing["upstream_ttfb_ms"]?.doubleValue == 90)
        #expect(timing["total_ms"]?.doubleValue == 200)
        #expect(timing["gateway_overhead_ms"]?.doubleValue == 0.7)  // 0.5 before upstream + 0.2 mean relay
        #expect(timing["gap_ms"] == JSONValueLiteral(#"{"p50":10,"p90":10,"p99":10,"max":10}"#).value)
    }

    @Test("secrets are redacted from every header set and from the upstream URL")
    func redaction() throws {
        let record = Self.builder.record(Self.openAIStreamTrace(events: Self.openAIChunks))
        let text = record.serialized()
        #expect(!text.contains("sk-client-secret") && !text.contains("sk-upstream-secret") && !text.contains("s3\""))
        #expect(!text.contains("user:pw") && !text.contains("key=abc"))
        #expect(record["http"]?["request_headers"]?["authorization"]?.stringValue == "[redacted]")
        #expect(record["http"]?["request_headers"]?["x-team-secret"]?.stringValue == "[redacted]")
        #expect(record["http"]?["request_headers"]?["accept"]?.stringValue == "*/*")
        #expect(record["http"]?["upstream"]?["url"]?.stringValue
            == "https://[redacted]@api.example/v1/chat/completions?key=[redacted]&x=1")
    }

    @Test("without any reported usage the tokens are estimated and flagged")
    func estimatedUsage() throws {
        let record = Self.builder.record(Self.openAIStreamTrace(events: Self.openAIChunks))
        #expect(record["usage"]?["estimated"]?.boolValue == true)
        #expect(record["usage"]?["output"]?.intValue == 5)  // "Hello get {\"a\":1}" is 17 characters ≈ 5 tokens
        #expect(record["usage"]?["input"]?.intValue == 2)  // "user hi"
    }

    @Test("the same usage streamed or not stores identical tokens and cost (PEER_BUGS #5, #17)")
    func streamAndNonStreamAgree() throws {
        var upstream = Self.openAIChunks
        upstream.insert(Self.usageChunk, at: 7)
        let streamed = Self.builder.record(Self.openAIStreamTrace(events: Self.openAIChunks, upstream: upstream))
        let whole = #"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":1000}}}"#
        let trace = Self.openAIStreamTrace(events: [whole])
        trace.stream = false
        trace.responseIsEventStream = false
        trace.upstreamResponseHeaders = [("content-type", "application/json")]
        let nonStreamed = Self.builder.record(trace)
        #expect(streamed["usage"] == nonStreamed["usage"])
        #expect(streamed["cost"] == nonStreamed["cost"])
        #expect(nonStreamed["timing"]?["tpot_ms"] == .null)
    }

    @Test("a whole JSON body is stored as received; its usage is read, or without one the tokens are estimated from it")
    func wholeBodies() throws {
        func record(_ body: String) -> JSONValue {
            let trace = Self.openAIStreamTrace(events: [body])
            trace.stream = false
            trace.responseIsEventStream = false
            trace.upstreamResponseHeaders = [("content-type", "application/json")]
            return Self.builder.record(trace)
        }
        let answer = #"{"id":"chatcmpl-9","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, friend"},"finish_reason":"stop"}]"#
        let reported = record(answer + #","usage":{"prompt_tokens":30,"completion_tokens":4}}"#)
        #expect(reported["response"] == (try JSONValue(parsing: Array((answer + #","usage":{"prompt_tokens":30,"completion_tokens":4}}"#).utf8))))
        #expect(reported["usage"]?["input"]?.intValue == 30)
        #expect(reported["usage"]?["output"]?.intValue == 4)
        #expect(reported["usage"]?["estimated"]?.boolValue == false)
        // No usage, a null one, or one this dialect cannot read: estimated from the answer's text ("Hello there, friend").
        for tail in ["}", #","usage":null}"#, #","usage":{"input_tokens":30}}"#] {
            let estimated = record(answer + tail)
            #expect(estimated["usage"]?["estimated"]?.boolValue == true, "\(tail)")
            #expect(estimated["usage"]?["output"]?.intValue == 5, "\(tail)")
            #expect(estimated["response"]?["choices"]?[0]?["message"]?["content"] == "Hello there, friend")
        }
        // Not JSON at all: kept as text.
        #expect(record("upstream says no")["response"] == "upstream says no")
    }

    @Test("a request body goes into the record as sent when it is JSON (checked here unless the gateway checked it at intake), as text when not")
    func requestBodies() throws {
        func recorded(_ body: String, validatedAtIntake: Bool) -> (text: String, request: JSONValue?) {
            let trace = ExchangeTrace(
                id: "01TESTTRACE000000000000001", receivedAt: 1_000, wallMillis: 1_795_629_919_123, method: "POST",
                path: "/v1/chat/completions", clientIP: "10.0.0.7", userAgent: "curl/8", requestHeaders: [],
                requestBody: Array(body.utf8), clientDialect: .openAIChat)
            trace.requestBodyIsValidJSON = validatedAtIntake
            trace.finishedAt = 2_000
            let text = String(decoding: Self.builder.recordText(trace).bytes, as: UTF8.self)
            return (text, (try? JSONValue(parsing: text))?["request"])
        }
        let body = #" {"model":"m","messages":[{"role":"user","content":"é \"q\" \u00e9"}]}"# + "\n"
        for validated in [true, false] {
            let (text, request) = recorded(body, validatedAtIntake: validated)
            #expect(text.contains(#""request":"# + body), "validated at intake: \(validated)")
            #expect(request == (try JSONValue(parsing: body)))
        }
        #expect(recorded(#"{"model": oops}"#, validatedAtIntake: false).request == .string(#"{"model": oops}"#))
        #expect(recorded("", validatedAtIntake: false).request == .string(""))
    }

    @Test("outcomes: cancelled, timeout, truncated, upstream error, rejected")
    func outcomes() {
        let cancelled = Self.openAIStreamTrace(events: Array(Self.openAIChunks.prefix(3)))
        cancelled.clientCancelled = true
        #expect(RecordBuilder.outcome(cancelled).0 == "client_cancelled")
        let truncated = Self.openAIStreamTrace(events: Array(Self.openAIChunks.prefix(3)))
        truncated.failure = .upstreamFailed("The upstream stream ended before data: [DONE]")
        #expect(RecordBuilder.outcome(truncated).0 == "truncated")
        let partial = Self.builder.record(truncated)
        #expect(partial["response"]?["choices"]?[0]?["message"]?["content"]?.stringValue == "Hello")
        let timeout = Self.openAIStreamTrace(events: [])
        timeout.failure = .upstreamTimeout("upstream sent no response within 1s")
        #expect(RecordBuilder.outcome(timeout).0 == "timeout")
        let upstreamError = Self.openAIStreamTrace(events: [#"{"error":{"message":"slow"}}"#])
        upstreamError.upstreamStatus = 429
        #expect(RecordBuilder.outcome(upstreamError).0 == "upstream_error")
        let rejected = Self.openAIStreamTrace(events: [])
        rejected.upstreamStartedAt = nil
        rejected.failure = .modelNotFound("x")
        #expect(RecordBuilder.outcome(rejected).0 == "rejected")
    }

    @Test("an Anthropic stream is rebuilt the way the SDK accumulates it")
    func anthropicStream() throws {
        let events: [(String, String)] = [
            ("message_start", #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_read_input_tokens":500,"cache_creation_input_tokens":20,"output_tokens":1}}}"#),
            ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me"}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBsig=="}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            ("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"ls","input":{}}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"path\":"}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"/tmp\"}"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
            ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}"#),
            ("message_stop", #"{"type":"message_stop"}"#),
        ]
        var log = EventLog()
        for (type, data) in events {
            Array(type.utf8).withUnsafeBytes { t in Array(data.utf8).withUnsafeBytes { log.append(at: 0, type: t, data: $0) } }
        }
        let message = try #require(ResponseAnalysis.reconstruct(log, dialect: .anthropicMessages, isStream: true))
        let expected: JSONValueLiteral = #"""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
            {"type":"thinking","thinking":"Let me","signature":"EqQBsig=="},
            {"type":"tool_use","id":"toolu_1","name":"ls","input":{"path":"/tmp"}}],
            "stop_reason":"tool_use","stop_sequence":null,
            "usage":{"input_tokens":10,"cache_read_input_tokens":500,"cache_creation_input_tokens":20,"output_tokens":42}}
            """#
        #expect(message == expected.value)
        #expect(ResponseAnalysis.usage(in: message, dialect: .anthropicMessages)
            == TokenUsage(input: 10, output: 42, cacheRead: 500, cacheWrite: 20))
    }

    @Test("a long OpenAI stream (20,000 chunks of text and tool arguments) is rebuilt exactly")
    func longOpenAIStream() throws {
        var log = EventLog()
        func add(_ data: String) { Array(data.utf8).withUnsafeBytes { log.append(at: 0, type: .init(start: nil, count: 0), data: $0) } }
        add(#"{"id":"c1","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#)
        var text = "", arguments = ""
        for index in 0..<10_000 {
            let piece = "w\(index) "
            text += piece
            add(#"{"id":"c1","choices":[{"index":0,"delta":{"content":"\#(piece)"}}]}"#)
        }
        add(#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}"#)
        for index in 0..<10_000 {
            let piece = "\(index % 10)"
            arguments += piece
            add(#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\#(piece)"}}]}}]}"#)
        }
        add(#"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#)
        let completion = try #require(ResponseAnalysis.reconstruct(log, dialect: .openAIChat, isStream: true))
        let message = completion["choices"]?[0]?["message"]
        #expect(message?["content"]?.stringValue == text)
        #expect(message?["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue == arguments)
        #expect(message?["tool_calls"]?[0]?["id"]?.stringValue == "call_1")
        #expect(completion["choices"]?[0]?["finish_reason"]?.stringValue == "tool_calls")
    }

    @Test("Anthropic content deltas read with the scanner rebuild what the events parsed as documents rebuild")
    func anthropicDeltasAsParsed() throws {
        let events = [
            #"{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#,
            #"{"type":"content_block_delta","ind\u0065x":0,"delta":{"type":"text_delta","t\u0065xt":"lo \u2713"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x","text":" again"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":"not an object","delta":{"type":"text_delta","text":"!"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"cited_text":"c"}}}"#,
            #"{"type":"content_block_start","index":1,"content_block":{"type":"thinking","thinking":""}}"#,
            #"{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
            #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}"#,
            #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#,
            #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"[1]}"}}"#,
            #"{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"no start"}}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}"#,
        ]
        func rebuilt(namingDeltas: Bool) -> (JSONValue?, [Bool]) {
            var accumulator = Host.AnthropicStreamAccumulator()  // (the tests have a converter-side one of that name)
            var carried: [Bool] = []
            for data in events {
                // The SSE type decides the path: "content_block_delta" is read with the scanner, no type as a document.
                let type = namingDeltas && data.contains(#""type":"content_block_delta""#) ? "content_block_delta" : ""
                carried.append(accumulator.add(type: type, data: ArraySlice(data.utf8)))
            }
            return (accumulator.result, carried)
        }
        let scanned = rebuilt(namingDeltas: true)
        let parsed = rebuilt(namingDeltas: false)
        #expect(scanned.0 == parsed.0)
        #expect(scanned.1 == parsed.1)
        #expect(scanned.0?["content"]?[0]?["text"] == "Hello ✓ again!")
        #expect(scanned.0?["content"]?[2]?["input"]?["a"] == [1])
    }

    @Test("an OpenAI stream with two choices, reasoning, escaped keys, a repeated key and a fingerprint is rebuilt as parsing would")
    func openAIStreamKeys() throws {
        var log = EventLog()
        func add(_ data: String) { Array(data.utf8).withUnsafeBytes { log.append(at: 0, type: .init(start: nil, count: 0), data: $0) } }
        add(#"{"id":"c2","created":7,"mod\u0065l":"m2","system_fingerprint":"fp","choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"reasoning_content":"think "}}]}"#)
        add(#"{"id":"c2","choices":[{"index":0,"delta":{"cont\u0065nt":"A1","content":"A"}},{"index":1,"delta":{"content":"b"},"finish_reason":"length"}]}"#)
        add(#"{"id":"c2","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#)
        let completion = try #require(ResponseAnalysis.reconstruct(log, dialect: .openAIChat, isStream: true))
        #expect(completion["model"] == "m2")
        #expect(completion["system_fingerprint"] == "fp")
        #expect(completion["created"] == 7)
        let first = completion["choices"]?[0]
        let second = completion["choices"]?[1]
        #expect(first?["message"]?["content"] == "A")  // the repeated key's last value, as parsing takes it
        #expect(first?["message"]?["reasoning_content"] == "think ")
        #expect(first?["finish_reason"] == "stop")
        #expect(second?["index"] == 1)
        #expect(second?["message"]?["content"] == "Bb")
        #expect(second?["finish_reason"] == "length")
        #expect(completion["usage"]?["completion_tokens"] == 2)
    }

    @Test("a trace survives the journal's binary form unchanged")
    func traceCodecRoundTrip() throws {
        var upstream = Self.openAIChunks
        upstream.insert(Self.usageChunk, at: 7)
        let trace = Self.openAIStreamTrace(events: Self.openAIChunks, upstream: upstream)
        trace.failure = .upstreamFailed("boom")
        let decoded = try #require(TraceCodec.decode(ArraySlice(TraceCodec.encode(trace))))
        #expect(Self.builder.record(decoded) == Self.builder.record(trace))
        #expect(TraceCodec.decode(ArraySlice(TraceCodec.encode(trace).dropLast(3))) == nil)
    }

    @Test("the journal's binary form holds no secret: every header set and the upstream URL are masked")
    func traceCodecRedacts() throws {
        let trace = Self.openAIStreamTrace(events: Self.openAIChunks)
        trace.responseHeaders.append(("Set-Cookie", "session=s3cr3t-cookie"))
        let plain = String(decoding: TraceCodec.encode(trace), as: UTF8.self)
        let masked = TraceCodec.encode(trace, redactor: Self.builder.redactor)
        let text = String(decoding: masked, as: UTF8.self)
        for secret in ["sk-client-secret", "sk-upstream-secret", "s3cr3t-cookie", "user:pw", "key=abc"] {
            #expect(plain.contains(secret), "the fixture carries \(secret)")
            #expect(!text.contains(secret), "\(secret) is masked")
        }
        let decoded = try #require(TraceCodec.decode(ArraySlice(masked)))
        #expect(decoded.requestHeaders.first { $0.0 == "Authorization" }?.1 == HeaderRedactor.mask)
        #expect(decoded.responseHeaders.last! == ("Set-Cookie", HeaderRedactor.mask))
        #expect(decoded.requestHeaders.first { $0.0 == "accept" }?.1 == "*/*")
        // Masked before encoding or after decoding, the record is the same.
        #expect(Self.builder.record(decoded) == Self.builder.record(trace))
    }

    @Test("ISO 8601 timestamps")
    func timestamps() {
        #expect(Timestamp.iso8601(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(millis: 1_795_629_919_123) == "2026-11-25T18:05:19.123Z")
        #expect(Timestamp.iso8601(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601(millis: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.iso8601(millis: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.iso8601(millis: 253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
    }

    @Test("header lists: names lower-cased, repeats in any case joined in order, secrets masked in each place")
    func headerLists() throws {
        let redactor = HeaderRedactor(extra: ["X-Team-Secret"])
        let headers = [("Accept", "a/b"), ("X-Team-SECRET", "one"), ("Set-Cookie", "c=1"), ("accept", "c/d"),
                       ("set-cookie", "c=2"), ("Weird\"Name", "v"), ("x-team-secret", "two"), ("X-Ray", "x")]
        var json = JSONTextWriter(capacity: 256)
        RecordBuilder.write(headers: headers, redactedBy: redactor, to: &json)
        let text = String(decoding: json.bytes, as: UTF8.self)
        #expect(text == #"{"accept":"a/b, c/d","x-team-secret":"[redacted], [redacted]","set-cookie":"[redacted], [redacted]","weird\"name":"v","x-ray":"x"}"#)
        #expect(try JSONValue(parsing: json.bytes)["weird\"name"] == "v")

        // No two names of one length (nothing can repeat), and two of one length that differ.
        for (list, expected) in [
            ([("Content-Type", "x"), ("Authorization", "Bearer k"), ("X-A", "1")],
             #"{"content-type":"x","authorization":"[redacted]","x-a":"1"}"#),
            ([("X-A", "1"), ("X-B", "2"), ("x-a", "3")], #"{"x-a":"1, 3","x-b":"2"}"#),
        ] {
            var json = JSONTextWriter(capacity: 64)
            RecordBuilder.write(headers: list, redactedBy: redactor, to: &json)
            #expect(String(decoding: json.bytes, as: UTF8.self) == expected)
        }
    }

}

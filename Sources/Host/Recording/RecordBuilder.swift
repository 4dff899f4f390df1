import JSONCore
import PluginABI

/// Turns a finished trace into the exchange record (docs/exchange-record.md): reconstructs the response, counts
/// tokens, prices them, computes the timing figures, and redacts every secret. Runs on the recorder's worker
/// thread, never on the relay path.
struct RecordBuilder: Sendable {
    let prices: PriceTable
    let redactor: HeaderRedactor
    let keepRawEvents: Bool

    /// The record of `trace` as a document (for tests and tools; the recorder uses `recordText`).
    func record(_ trace: ExchangeTrace) -> JSONValue {
        (try? JSONValue(parsing: recordText(trace).bytes)) ?? .null
    }

    /// The record of `trace` as JSON text, with its indexed fields located. The request bodies go in as the exact
    /// bytes the client (and the gateway) sent when they are JSON — never parsed and serialised again.
    func recordText(_ trace: ExchangeTrace) -> RecordText {
        let clientDialect = trace.clientDialect ?? .openAIChat
        let upstreamDialect = trace.upstreamDialect ?? clientDialect
        let (response, streamContentTimes) = ResponseAnalysis.analyse(
            trace.clientEvents, dialect: clientDialect, isStream: trace.responseIsEventStream)
        let usage = usage(reportedUsage(trace, response: response, clientDialect: clientDialect,
                                        upstreamDialect: upstreamDialect),
                          response: response, trace: trace)
        let contentTimes = trace.responseIsEventStream
            ? streamContentTimes
            : (Self.succeeded(trace) ? trace.clientEvents.entries.map(\.at) : [])
        let timing = ExchangeTiming(trace: trace, contentTimes: contentTimes, outputTokens: usage?.output ?? 0)
        let model = trace.upstreamModel ?? trace.requestedModel ?? ""
        let price = prices.price(for: model) ?? trace.requestedModel.flatMap { prices.price(for: $0) }
        let cost = zip2(usage, price).map { Cost(usage: $0, price: $1) }

        let streamError = trace.responseIsEventStream
            ? ResponseAnalysis.streamError(trace.clientEvents, dialect: clientDialect) : nil
        let (outcome, error) = Self.outcome(trace, streamError: streamError)

        var record = RecordText(capacity: 2048 + trace.requestBody.count * 2)
        record.json.beginObject()
        record.member("id", field: LESSLLM_RECORD_ID) { $0.json.string(trace.id) }
        record.json.key("started_at"); record.json.string(Timestamp.iso8601(millis: trace.receivedAtWallMillis))
        record.member("started_at_ms", field: LESSLLM_RECORD_STARTED_AT_MS) {
            $0.json.int(Int(trace.receivedAtWallMillis))
        }
        record.json.key("client"); record.json.beginObject()
        record.member("dialect", field: LESSLLM_RECORD_CLIENT_DIALECT) { $0.json.string(clientDialect.rawValue) }
        record.member("ip", field: LESSLLM_RECORD_CLIENT_IP) { $0.json.string(trace.clientIP) }
        record.member("user_agent", field: LESSLLM_RECORD_USER_AGENT) { $0.json.string(trace.userAgent) }
        record.json.endObject()
        record.json.key("route"); record.json.beginObject()
        record.member("provider", field: LESSLLM_RECORD_PROVIDER) { $0.json.string(trace.provider) }
        record.json.key("provider_plugin"); record.json.string(trace.providerPlugin)
        record.member("upstream_dialect", field: LESSLLM_RECORD_UPSTREAM_DIALECT) {
            $0.json.string(trace.provider == nil ? nil : upstreamDialect.rawValue)
        }
        record.member("requested_model", field: LESSLLM_RECORD_REQUESTED_MODEL) { $0.json.string(trace.requestedModel) }
        record.member("upstream_model", field: LESSLLM_RECORD_UPSTREAM_MODEL) { $0.json.string(trace.upstreamModel) }
        record.member("converted", field: LESSLLM_RECORD_CONVERTED) { $0.json.bool(upstreamDialect != clientDialect) }
        record.json.endObject()
        record.member("stream", field: LESSLLM_RECORD_STREAM) { $0.json.bool(trace.stream) }
        record.member("outcome", field: LESSLLM_RECORD_OUTCOME) { $0.json.string(outcome) }
        record.member("error", field: LESSLLM_RECORD_ERROR) { Self.write(error: error, to: &$0) }
        record.member("http", field: LESSLLM_RECORD_HTTP) { writeHTTP(trace, to: &$0) }
        record.member("response", field: LESSLLM_RECORD_RESPONSE) {
            if !trace.responseIsEventStream, case .object = response, trace.clientEvents.entries.count == 1 {
                // A whole JSON body: stored as the client received it (the analysis already checked it parses).
                $0.json.json(trace.clientEvents.data(of: trace.clientEvents.entries[0]))
            } else {
                $0.json.value(response ?? .null)
            }
        }
        if trace.clientEvents.overflowed || trace.upstreamEvents.overflowed {
            record.json.key("response_truncated_at_bytes"); record.json.int(EventLog.byteLimit)
        }
        record.member("raw_events", field: LESSLLM_RECORD_RAW_EVENTS) {
            if keepRawEvents { writeRawEvents(trace, to: &$0.json) } else { $0.json.null() }
        }
        record.member("timing", field: LESSLLM_RECORD_TIMING) { Self.write(timing, to: &$0) }
        record.member("usage", field: LESSLLM_RECORD_USAGE) {
            if let usage { Self.write(usage, to: &$0) } else { $0.json.null() }
        }
        record.member("cost", field: LESSLLM_RECORD_COST) {
            if let cost { Self.write(cost, to: &$0) } else { $0.json.null() }
        }
        record.member("request", field: LESSLLM_RECORD_REQUEST) {
            Self.write(body: trace.requestBody, to: &$0.json, isValidJSON: trace.requestBodyIsValidJSON)
        }
        record.member("upstream_request", field: LESSLLM_RECORD_UPSTREAM_REQUEST) {
            if let upstream = trace.upstreamRequestBody, upstream != trace.requestBody {
                Self.write(body: upstream, to: &$0.json)
            } else {
                $0.json.null()
            }
        }
        record.json.endObject()
        record.json.maskSecrets(redactor)
        record.finish()
        return record
    }

    /// A request body: its own bytes when they are valid JSON (checked here unless the gateway did already), else the
    /// body as a JSON string.
    private static func write(body: [UInt8], to json: inout JSONTextWriter, isValidJSON: Bool = false) {
        if isValidJSON || (!body.isEmpty && (try? JSONScanner.validate(body)) != nil) {
            json.json(body)
        } else {
            json.string(String(decoding: body, as: UTF8.self))
        }
    }

    /// The record's `error`: null, or an object whose `message` is indexed.
    private static func write(error: JSONValue, to record: inout RecordText) {
        guard case .object(let members) = error else { return record.json.value(error) }
        record.json.beginObject()
        for (key, value) in members {
            if key == "message" {
                record.member("message", field: LESSLLM_RECORD_ERROR_MESSAGE) { $0.json.value(value) }
            } else {
                record.json.key(text: key)
                record.json.value(value)
            }
        }
        record.json.endObject()
    }

    // MARK: - Parts

    /// The usage the upstream reported. Passthrough responses carry it themselves; the upstream's own events are read
    /// only when the response was converted or the client's copy lacks it (a usage chunk the client did not ask for
    /// was held back). A converted answer's own usage is never taken: when the upstream reported none, what the
    /// converter put there is its estimate, and the record estimates (and says so) instead.
    private func reportedUsage(_ trace: ExchangeTrace, response: JSONValue?, clientDialect: Dialect,
                               upstreamDialect: Dialect) -> TokenUsage? {
        func usage(of response: JSONValue, dialect: Dialect, isStream: Bool) -> TokenUsage? {
            isStream ? ResponseAnalysis.usage(inStream: response, dialect: dialect)
                : ResponseAnalysis.usage(in: response, dialect: dialect)
        }
        if upstreamDialect == clientDialect, let response,
           let usage = usage(of: response, dialect: clientDialect, isStream: trace.responseIsEventStream) {
            return usage
        }
        let upstreamIsStream = trace.upstreamResponseHeaders.contains {
            $0.0.lowercased() == "content-type" && $0.1.lowercased().hasPrefix("text/event-stream")
        }
        let upstream = ResponseAnalysis.reconstruct(trace.upstreamEvents, dialect: upstreamDialect, isStream: upstreamIsStream)
        return upstream.flatMap { usage(of: $0, dialect: upstreamDialect, isStream: upstreamIsStream) }
    }

    /// Whether the client got a successful answer (nothing failed, and every status on the way was 2xx).
    static func succeeded(_ trace: ExchangeTrace) -> Bool {
        trace.failure == nil && (200..<300).contains(trace.responseStatus)
            && trace.upstreamStatus.map { (200..<300).contains($0) } ?? true
    }

    private func usage(_ reported: TokenUsage?, response: JSONValue?, trace: ExchangeTrace) -> TokenUsage? {
        if let reported { return reported }
        // Estimate only what was generated: an answer that succeeded, or a stream cut short after it started.
        let partialStream = trace.responseIsEventStream && !trace.clientEvents.isEmpty
        guard trace.provider != nil, Self.succeeded(trace) || partialStream else { return nil }
        // Nothing reported: estimate from the text, and say so.
        let request = Self.json(trace.requestBody)
        let input = ResponseAnalysis.estimateTokens(Self.text(in: request["messages"]) + Self.text(in: request["system"]))
        let output = ResponseAnalysis.estimateTokens(
            response.map { ResponseAnalysis.generatedText($0, dialect: trace.clientDialect ?? .openAIChat) } ?? "")
        return TokenUsage(input: input, output: output, estimated: true)
    }

    private func writeHTTP(_ trace: ExchangeTrace, to record: inout RecordText) {
        record.json.beginObject()
        record.member("method", field: LESSLLM_RECORD_METHOD) { $0.json.string(trace.method) }
        // A client may put its key in the query (`?key=`): the path is redacted as URLs are.
        record.member("path", field: LESSLLM_RECORD_PATH) { $0.json.string(redactor.redact(url: trace.path)) }
        record.member("status", field: LESSLLM_RECORD_STATUS) { $0.json.int(trace.responseStatus) }
        record.json.key("request_headers")
        Self.write(headers: trace.requestHeaders, redactedBy: redactor, to: &record.json)
        record.json.key("response_headers")
        Self.write(headers: trace.responseHeaders, redactedBy: redactor, to: &record.json)
        record.member("request_bytes", field: LESSLLM_RECORD_REQUEST_BYTES) { $0.json.int(trace.requestBody.count) }
        record.member("response_bytes", field: LESSLLM_RECORD_RESPONSE_BYTES) { $0.json.int(trace.responseBytes) }
        record.json.key("upstream")
        if let url = trace.upstreamURL {
            record.json.beginObject()
            record.json.key("url"); record.json.string(redactor.redact(url: url))
            record.member("status", field: LESSLLM_RECORD_UPSTREAM_STATUS) { $0.json.int(trace.upstreamStatus) }
            record.json.key("request_headers")
            Self.write(headers: trace.upstreamRequestHeaders, redactedBy: redactor, to: &record.json)
            record.json.key("response_headers")
            Self.write(headers: trace.upstreamResponseHeaders, redactedBy: redactor, to: &record.json)
            record.json.endObject()
        } else {
            record.json.null()
        }
        record.json.endObject()
    }

    private func writeRawEvents(_ trace: ExchangeTrace, to json: inout JSONTextWriter) {
        let log = trace.upstreamEvents
        json.beginArray()
        for entry in log.entries {
            json.beginObject()
            json.key("t_ms"); json.milliseconds(Double(Int64(bitPattern: entry.at &- trace.receivedAt)) / 1_000_000)
            json.key("type"); json.string(log.type(of: entry))
            json.key("data"); json.string(String(decoding: log.data(of: entry), as: UTF8.self))
            json.endObject()
        }
        json.endArray()
    }

    /// ok, client_cancelled, timeout, truncated (failed after the stream started), upstream_error (including an error
    /// event in a stream that began well), rejected.
    static func outcome(_ trace: ExchangeTrace, streamError: (type: String, message: String)? = nil) -> (String, JSONValue) {
        if trace.clientCancelled { return ("client_cancelled", .null) }
        if let failure = trace.failure {
            let error: JSONValue = ["status": .int(failure.status), "type": .string(failure.shortDescription),
                                    "message": .string(failure.message)]
            if failure.status == 504 { return ("timeout", error) }
            if trace.upstreamStartedAt == nil { return ("rejected", error) }
            if trace.responseIsEventStream && !trace.clientEvents.isEmpty { return ("truncated", error) }
            return ("upstream_error", error)
        }
        if let streamError {
            return ("upstream_error", ["status": .int(ResponseAnalysis.status(ofErrorType: streamError.type)),
                                       "type": .string(streamError.type), "message": .string(streamError.message)])
        }
        if let status = trace.upstreamStatus, !(200..<300).contains(status) {
            return ("upstream_error", ["status": .int(status), "type": "upstream_status",
                                       "message": .string("the upstream answered HTTP \(status)")])
        }
        return ("ok", .null)
    }

    // MARK: - JSON helpers

    static func json(_ bytes: [UInt8]) -> JSONValue {
        (try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
    }

    /// Headers as an object keyed by lower-cased name, secrets masked; repeated headers are joined with ", ".
    /// Names are compared and lower-cased byte by byte (lengths first), without a lower-cased copy or a hash per
    /// header: a list holds a dozen headers, rarely a repeated one.
    static func write(headers list: [(String, String)], redactedBy redactor: HeaderRedactor,
                      to json: inout JSONTextWriter) {
        json.beginObject()
        // Names of different lengths cannot be the same name: most lists have no two of one length, and need no
        // comparisons at all.
        var lengths: UInt64 = 0
        var mayRepeat = false
        for (name, _) in list {
            let bit = HeaderNameSet.lengthBit(name.utf8.count)
            mayRepeat = mayRepeat || lengths & bit != 0
            lengths |= bit
        }
        for (index, (name, value)) in list.enumerated() {
            // A repeated name was written with its first occurrence.
            if mayRepeat, list[..<index].contains(where: { HeaderRules.sameName($0.0, name) }) { continue }
            let secret = redactor.isSecret(name)
            var joined = secret ? HeaderRedactor.mask : value
            if mayRepeat {
                for (other, more) in list[(index + 1)...] where HeaderRules.sameName(other, name) {
                    joined += ", " + (secret ? HeaderRedactor.mask : more)
                }
            }
            json.key(lowercasing: name)
            json.string(joined)
        }
        json.endObject()
    }

    /// All string leaves under `value`, joined (for token estimates).
    static func text(in value: JSONValue?) -> String {
        switch value {
        case .string(let text): text
        case .array(let items): items.map { text(in: $0) }.joined(separator: " ")
        case .object(let object): object.map { text(in: $0.value) }.joined(separator: " ")
        default: ""
        }
    }

    static func write(_ usage: TokenUsage, to record: inout RecordText) {
        record.json.beginObject()
        record.member("input", field: LESSLLM_RECORD_INPUT_TOKENS) { $0.json.int(usage.input) }
        record.member("output", field: LESSLLM_RECORD_OUTPUT_TOKENS) { $0.json.int(usage.output) }
        record.member("cache_read", field: LESSLLM_RECORD_CACHE_READ_TOKENS) { $0.json.int(usage.cacheRead) }
        record.member("cache_write", field: LESSLLM_RECORD_CACHE_WRITE_TOKENS) { $0.json.int(usage.cacheWrite) }
        record.json.key("cache_write_1h"); record.json.int(usage.cacheWriteLong)
        record.member("reasoning", field: LESSLLM_RECORD_REASONING_TOKENS) { $0.json.int(usage.reasoning) }
        record.member("estimated", field: LESSLLM_RECORD_TOKENS_ESTIMATED) { $0.json.bool(usage.estimated) }
        record.json.endObject()
    }

    static func write(_ cost: Cost, to record: inout RecordText) {
        let price = cost.price
        // Money is stored to a trillionth of a dollar, so binary floating-point noise never shows in a total.
        func money(_ value: Double) -> Double { (value * 1e12).rounded() / 1e12 }
        record.json.beginObject()
        record.member("total", field: LESSLLM_RECORD_COST_TOTAL) { $0.json.double(money(cost.total)) }
        record.json.key("input"); record.json.double(money(cost.input))
        record.json.key("output"); record.json.double(money(cost.output))
        record.json.key("cache_read"); record.json.double(money(cost.cacheRead))
        record.json.key("cache_write"); record.json.double(money(cost.cacheWrite))
        record.json.key("price"); record.json.beginObject()
        record.json.key("pattern"); record.json.string(price.pattern)
        record.json.key("source"); record.json.string(price.source.rawValue)
        record.json.key("input"); record.json.double(price.input)
        record.json.key("output"); record.json.double(price.output)
        record.json.key("cache_read"); record.json.double(price.cacheRead)
        record.json.key("cache_write"); record.json.double(price.cacheWrite)
        record.json.key("cache_write_1h"); record.json.double(price.longCacheWriteRate)
        record.json.endObject()
        record.member("cache_hit_ratio", field: LESSLLM_RECORD_CACHE_HIT_RATIO) { $0.json.double(cost.cacheHitRatio) }
        record.member("cache_savings", field: LESSLLM_RECORD_CACHE_SAVINGS) {
            $0.json.double(money(cost.cacheSavings))
        }
        record.json.endObject()
    }

    static func write(_ timing: ExchangeTiming, to record: inout RecordText) {
        record.json.beginObject()
        record.member("upstream_ttfb_ms", field: LESSLLM_RECORD_UPSTREAM_TTFB_MS) {
            $0.json.milliseconds(timing.upstreamTTFB)
        }
        record.member("ttft_ms", field: LESSLLM_RECORD_TTFT_MS) { $0.json.milliseconds(timing.ttft) }
        record.member("tpot_ms", field: LESSLLM_RECORD_TPOT_MS) { $0.json.milliseconds(timing.tpot) }
        record.member("output_tokens_per_second", field: LESSLLM_RECORD_OUTPUT_TOKENS_PER_SECOND) {
            $0.json.milliseconds(timing.outputTokensPerSecond)
        }
        record.member("total_ms", field: LESSLLM_RECORD_TOTAL_MS) { $0.json.milliseconds(timing.total) }
        record.member("gateway_overhead_ms", field: LESSLLM_RECORD_GATEWAY_OVERHEAD_MS) {
            $0.json.milliseconds(timing.gatewayOverhead)
        }
        record.json.key("pre_upstream_ms"); record.json.milliseconds(timing.preUpstream)
        record.json.key("relay_mean_ms"); record.json.milliseconds(timing.relayMean)
        record.json.key("relay_max_ms"); record.json.milliseconds(timing.relayMax)
        record.json.key("gap_ms")
        if let gaps = timing.gaps {
            record.json.beginObject()
            record.json.key("p50"); record.json.milliseconds(gaps.p50)
            record.json.key("p90"); record.json.milliseconds(gaps.p90)
            record.json.key("p99"); record.json.milliseconds(gaps.p99)
            record.json.key("max"); record.json.milliseconds(gaps.max)
            record.json.endObject()
        } else {
            record.json.null()
        }
        record.json.key("token_times_ms"); record.json.beginArray()
        for time in timing.tokenTimes { record.json.milliseconds(time) }
        record.json.endArray()
        record.json.endObject()
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

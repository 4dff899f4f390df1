import JSONCore

/// Turns a finished trace into the exchange record (docs/exchange-record.md): reconstructs the response, counts
/// tokens, prices them, computes the timing figures, and redacts every secret. Runs on the recorder's worker
/// thread, never on the relay path.
struct RecordBuilder: Sendable {
    let prices: PriceTable
    let redactor: HeaderRedactor
    let keepRawEvents: Bool

    /// The record of `trace` as a document (for tests and tools; the recorder uses `recordBytes`).
    func record(_ trace: ExchangeTrace) -> JSONValue {
        (try? JSONValue(parsing: recordBytes(trace))) ?? .null
    }

    /// The record of `trace` as JSON text. The request bodies go in as the exact bytes the client (and the
    /// gateway) sent when they are JSON — never parsed and serialised again.
    func recordBytes(_ trace: ExchangeTrace) -> [UInt8] {
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

        var record: JSONObject = [
            "id": .string(trace.id),
            "started_at": .string(Timestamp.iso8601(millis: trace.receivedAtWallMillis)),
            "started_at_ms": .int(Int(trace.receivedAtWallMillis)),
            "client": ["dialect": .string(clientDialect.rawValue), "ip": .string(trace.clientIP),
                       "user_agent": .string(trace.userAgent)],
        ]
        record["route"] = [
            "provider": trace.provider.map(JSONValue.string) ?? .null,
            "provider_plugin": trace.providerPlugin.map(JSONValue.string) ?? .null,
            "upstream_dialect": trace.provider == nil ? .null : .string(upstreamDialect.rawValue),
            "requested_model": trace.requestedModel.map(JSONValue.string) ?? .null,
            "upstream_model": trace.upstreamModel.map(JSONValue.string) ?? .null,
            "converted": .bool(upstreamDialect != clientDialect),
        ]
        record["stream"] = .bool(trace.stream)
        let streamError = trace.responseIsEventStream
            ? ResponseAnalysis.streamError(trace.clientEvents, dialect: clientDialect) : nil
        let (outcome, error) = Self.outcome(trace, streamError: streamError)
        record["outcome"] = .string(outcome)
        record["error"] = error
        record["http"] = http(trace)
        record["response"] = response ?? .null
        if trace.clientEvents.overflowed || trace.upstreamEvents.overflowed {
            record["response_truncated_at_bytes"] = .int(EventLog.byteLimit)
        }
        record["raw_events"] = keepRawEvents ? rawEvents(trace) : .null
        record["timing"] = Self.json(timing)
        record["usage"] = usage.map(Self.json) ?? .null
        record["cost"] = cost.map(Self.json) ?? .null
        var bytes = JSONValue.object(record).serializedBytes()
        bytes.removeLast()  // the closing brace: the request bodies are appended as they are
        Self.appendMember("request", trace.requestBody, to: &bytes)
        if let upstream = trace.upstreamRequestBody, upstream != trace.requestBody {
            Self.appendMember("upstream_request", upstream, to: &bytes)
        } else {
            bytes.append(contentsOf: #","upstream_request":null"#.utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// Appends `,"key":<body>` — the body's own bytes when they are valid JSON, else the body as a JSON string.
    private static func appendMember(_ key: String, _ body: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: ","))
        JSONString.encode(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if !body.isEmpty, (try? JSONScanner.validate(body)) != nil {
            bytes.append(contentsOf: body)
        } else {
            JSONString.encode(String(decoding: body, as: UTF8.self), into: &bytes)
        }
    }

    // MARK: - Parts

    /// The usage the upstream reported. Passthrough responses carry it themselves; the upstream's own events are read
    /// only when the response was converted (a converter may have estimated) or the client's copy lacks it (a usage
    /// chunk the client did not ask for was held back).
    private func reportedUsage(_ trace: ExchangeTrace, response: JSONValue?, clientDialect: Dialect,
                               upstreamDialect: Dialect) -> TokenUsage? {
        if upstreamDialect == clientDialect, let usage = response.flatMap({ ResponseAnalysis.usage(in: $0, dialect: clientDialect) }) {
            return usage
        }
        let upstreamIsStream = trace.upstreamResponseHeaders.contains {
            $0.0.lowercased() == "content-type" && $0.1.lowercased().hasPrefix("text/event-stream")
        }
        let upstream = ResponseAnalysis.reconstruct(trace.upstreamEvents, dialect: upstreamDialect, isStream: upstreamIsStream)
        return upstream.flatMap { ResponseAnalysis.usage(in: $0, dialect: upstreamDialect) }
            ?? response.flatMap { ResponseAnalysis.usage(in: $0, dialect: clientDialect) }
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

    private func http(_ trace: ExchangeTrace) -> JSONValue {
        var upstream: JSONValue = .null
        if let url = trace.upstreamURL {
            upstream = [
                "url": .string(redactor.redact(url: url)),
                "status": trace.upstreamStatus.map(JSONValue.int) ?? .null,
                "request_headers": Self.headers(redactor.redact(trace.upstreamRequestHeaders)),
                "response_headers": Self.headers(redactor.redact(trace.upstreamResponseHeaders)),
            ]
        }
        return [
            "method": .string(trace.method), "path": .string(trace.path), "status": .int(trace.responseStatus),
            "request_headers": Self.headers(redactor.redact(trace.requestHeaders)),
            "response_headers": Self.headers(redactor.redact(trace.responseHeaders)),
            "request_bytes": .int(trace.requestBody.count), "response_bytes": .int(trace.responseBytes),
            "upstream": upstream,
        ]
    }

    private func rawEvents(_ trace: ExchangeTrace) -> JSONValue {
        .array(trace.upstreamEvents.entries.map { entry in
            ["t_ms": .double(Double(Int64(bitPattern: entry.at &- trace.receivedAt)) / 1_000_000),
             "type": .string(trace.upstreamEvents.type(of: entry)),
             "data": .string(String(decoding: trace.upstreamEvents.data(of: entry), as: UTF8.self))]
        })
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

    static func headers(_ list: [(String, String)]) -> JSONValue {
        var object = JSONObject()
        for (name, value) in list {
            let key = name.lowercased()
            if let existing = object[key]?.stringValue { object[key] = .string(existing + ", " + value) } else { object[key] = .string(value) }
        }
        return .object(object)
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

    static func json(_ usage: TokenUsage) -> JSONValue {
        ["input": .int(usage.input), "output": .int(usage.output), "cache_read": .int(usage.cacheRead),
         "cache_write": .int(usage.cacheWrite), "reasoning": .int(usage.reasoning), "estimated": .bool(usage.estimated)]
    }

    static func json(_ cost: Cost) -> JSONValue {
        let price = cost.price
        // Money is stored to a trillionth of a dollar, so binary floating-point noise never shows in a total.
        func money(_ value: Double) -> JSONValue { .double((value * 1e12).rounded() / 1e12) }
        return [
            "total": money(cost.total), "input": money(cost.input), "output": money(cost.output),
            "cache_read": money(cost.cacheRead), "cache_write": money(cost.cacheWrite),
            "price": ["pattern": .string(price.pattern), "source": .string(price.source.rawValue),
                      "input": .double(price.input), "output": .double(price.output),
                      "cache_read": price.cacheRead.map(JSONValue.double) ?? .null,
                      "cache_write": price.cacheWrite.map(JSONValue.double) ?? .null],
            "cache_hit_ratio": cost.cacheHitRatio.map(JSONValue.double) ?? .null,
            "cache_savings": money(cost.cacheSavings),
        ]
    }

    static func json(_ timing: ExchangeTiming) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .double(($0 * 1000).rounded() / 1000) } ?? .null }
        return [
            "upstream_ttfb_ms": number(timing.upstreamTTFB), "ttft_ms": number(timing.ttft),
            "tpot_ms": number(timing.tpot), "output_tokens_per_second": number(timing.outputTokensPerSecond),
            "total_ms": number(timing.total), "gateway_overhead_ms": number(timing.gatewayOverhead),
            "pre_upstream_ms": number(timing.preUpstream), "relay_mean_ms": number(timing.relayMean),
            "relay_max_ms": number(timing.relayMax),
            "gap_ms": timing.gaps.map { ["p50": number($0.p50), "p90": number($0.p90), "p99": number($0.p99),
                                         "max": number($0.max)] } ?? .null,
            "token_times_ms": .array(timing.tokenTimes.map { number($0) }),
        ]
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

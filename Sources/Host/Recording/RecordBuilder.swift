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

        let streamError = trace.responseIsEventStream
            ? ResponseAnalysis.streamError(trace.clientEvents, dialect: clientDialect) : nil
        let (outcome, error) = Self.outcome(trace, streamError: streamError)

        var json = JSONTextWriter(capacity: 2048 + trace.requestBody.count * 2)
        json.beginObject()
        json.key("id"); json.string(trace.id)
        json.key("started_at"); json.string(Timestamp.iso8601(millis: trace.receivedAtWallMillis))
        json.key("started_at_ms"); json.int(Int(trace.receivedAtWallMillis))
        json.key("client"); json.beginObject()
        json.key("dialect"); json.string(clientDialect.rawValue)
        json.key("ip"); json.string(trace.clientIP)
        json.key("user_agent"); json.string(trace.userAgent)
        json.endObject()
        json.key("route"); json.beginObject()
        json.key("provider"); json.string(trace.provider)
        json.key("provider_plugin"); json.string(trace.providerPlugin)
        json.key("upstream_dialect"); json.string(trace.provider == nil ? nil : upstreamDialect.rawValue)
        json.key("requested_model"); json.string(trace.requestedModel)
        json.key("upstream_model"); json.string(trace.upstreamModel)
        json.key("converted"); json.bool(upstreamDialect != clientDialect)
        json.endObject()
        json.key("stream"); json.bool(trace.stream)
        json.key("outcome"); json.string(outcome)
        json.key("error"); json.value(error)
        json.key("http"); writeHTTP(trace, to: &json)
        json.key("response")
        if !trace.responseIsEventStream, case .object = response, trace.clientEvents.entries.count == 1 {
            // A whole JSON body: stored as the client received it (the analysis already checked it parses).
            json.json(trace.clientEvents.data(of: trace.clientEvents.entries[0]))
        } else {
            json.value(response ?? .null)
        }
        if trace.clientEvents.overflowed || trace.upstreamEvents.overflowed {
            json.key("response_truncated_at_bytes"); json.int(EventLog.byteLimit)
        }
        json.key("raw_events")
        if keepRawEvents { writeRawEvents(trace, to: &json) } else { json.null() }
        json.key("timing"); Self.write(timing, to: &json)
        json.key("usage")
        if let usage { Self.write(usage, to: &json) } else { json.null() }
        json.key("cost")
        if let cost { Self.write(cost, to: &json) } else { json.null() }
        json.endObject()
        var bytes = json.bytes
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

    private func writeHTTP(_ trace: ExchangeTrace, to json: inout JSONTextWriter) {
        json.beginObject()
        json.key("method"); json.string(trace.method)
        json.key("path"); json.string(trace.path)
        json.key("status"); json.int(trace.responseStatus)
        json.key("request_headers"); Self.write(headers: trace.requestHeaders, redactedBy: redactor, to: &json)
        json.key("response_headers"); Self.write(headers: trace.responseHeaders, redactedBy: redactor, to: &json)
        json.key("request_bytes"); json.int(trace.requestBody.count)
        json.key("response_bytes"); json.int(trace.responseBytes)
        json.key("upstream")
        if let url = trace.upstreamURL {
            json.beginObject()
            json.key("url"); json.string(redactor.redact(url: url))
            json.key("status"); json.int(trace.upstreamStatus)
            json.key("request_headers"); Self.write(headers: trace.upstreamRequestHeaders, redactedBy: redactor, to: &json)
            json.key("response_headers"); Self.write(headers: trace.upstreamResponseHeaders, redactedBy: redactor, to: &json)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
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
    /// Each name is lower-cased once, for the key and the redaction check both.
    static func write(headers list: [(String, String)], redactedBy redactor: HeaderRedactor,
                      to json: inout JSONTextWriter) {
        var merged: [(name: String, value: String)] = []
        merged.reserveCapacity(list.count)
        for (name, original) in list {
            let key = name.lowercased()
            let value = redactor.isSecret(lowercasedName: key) ? HeaderRedactor.mask : original
            if let index = merged.firstIndex(where: { $0.name == key }) {
                merged[index].value += ", " + value
            } else {
                merged.append((key, value))
            }
        }
        json.beginObject()
        for header in merged {
            json.key(text: header.name)
            json.string(header.value)
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

    static func write(_ usage: TokenUsage, to json: inout JSONTextWriter) {
        json.beginObject()
        json.key("input"); json.int(usage.input)
        json.key("output"); json.int(usage.output)
        json.key("cache_read"); json.int(usage.cacheRead)
        json.key("cache_write"); json.int(usage.cacheWrite)
        json.key("reasoning"); json.int(usage.reasoning)
        json.key("estimated"); json.bool(usage.estimated)
        json.endObject()
    }

    static func write(_ cost: Cost, to json: inout JSONTextWriter) {
        let price = cost.price
        // Money is stored to a trillionth of a dollar, so binary floating-point noise never shows in a total.
        func money(_ value: Double) -> Double { (value * 1e12).rounded() / 1e12 }
        json.beginObject()
        json.key("total"); json.double(money(cost.total))
        json.key("input"); json.double(money(cost.input))
        json.key("output"); json.double(money(cost.output))
        json.key("cache_read"); json.double(money(cost.cacheRead))
        json.key("cache_write"); json.double(money(cost.cacheWrite))
        json.key("price"); json.beginObject()
        json.key("pattern"); json.string(price.pattern)
        json.key("source"); json.string(price.source.rawValue)
        json.key("input"); json.double(price.input)
        json.key("output"); json.double(price.output)
        json.key("cache_read"); json.double(price.cacheRead)
        json.key("cache_write"); json.double(price.cacheWrite)
        json.endObject()
        json.key("cache_hit_ratio"); json.double(cost.cacheHitRatio)
        json.key("cache_savings"); json.double(money(cost.cacheSavings))
        json.endObject()
    }

    static func write(_ timing: ExchangeTiming, to json: inout JSONTextWriter) {
        json.beginObject()
        json.key("upstream_ttfb_ms"); json.milliseconds(timing.upstreamTTFB)
        json.key("ttft_ms"); json.milliseconds(timing.ttft)
        json.key("tpot_ms"); json.milliseconds(timing.tpot)
        json.key("output_tokens_per_second"); json.milliseconds(timing.outputTokensPerSecond)
        json.key("total_ms"); json.milliseconds(timing.total)
        json.key("gateway_overhead_ms"); json.milliseconds(timing.gatewayOverhead)
        json.key("pre_upstream_ms"); json.milliseconds(timing.preUpstream)
        json.key("relay_mean_ms"); json.milliseconds(timing.relayMean)
        json.key("relay_max_ms"); json.milliseconds(timing.relayMax)
        json.key("gap_ms")
        if let gaps = timing.gaps {
            json.beginObject()
            json.key("p50"); json.milliseconds(gaps.p50)
            json.key("p90"); json.milliseconds(gaps.p90)
            json.key("p99"); json.milliseconds(gaps.p99)
            json.key("max"); json.milliseconds(gaps.max)
            json.endObject()
        } else {
            json.null()
        }
        json.key("token_times_ms"); json.beginArray()
        for time in timing.tokenTimes { json.milliseconds(time) }
        json.endArray()
        json.endObject()
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

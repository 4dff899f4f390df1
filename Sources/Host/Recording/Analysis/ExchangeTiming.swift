/// The timing figures of one exchange, all in milliseconds, from its trace's monotonic timestamps.
///
/// - TTFT: request received → first event carrying a content token (for a non-streamed response: the body).
/// - TPOT: (last token event − first token event) / (output tokens − 1), from the real output token count.
/// - Tokens per second: output tokens / (last − first token event) for streams; output / total otherwise.
/// - Gateway overhead: time inside LessLLM before the upstream request went out, plus the mean relay delay
///   (an upstream chunk's arrival in the transport → written to the client).
/// - Gaps: between consecutive upstream events (the client's events when there was no upstream).
struct ExchangeTiming: Equatable {
    var upstreamTTFB: Double?
    var ttft: Double?
    var tpot: Double?
    var outputTokensPerSecond: Double?
    var total: Double
    var preUpstream: Double?
    var relayMean: Double?
    var relayMax: Double?
    var gatewayOverhead: Double?
    var gaps: (p50: Double, p90: Double, p99: Double, max: Double)?
    var tokenTimes: [Double]

    static func == (lhs: ExchangeTiming, rhs: ExchangeTiming) -> Bool {
        lhs.ttft == rhs.ttft && lhs.tpot == rhs.tpot && lhs.total == rhs.total && lhs.tokenTimes == rhs.tokenTimes
    }

    /// - Parameters:
    ///   - contentTimes: monotonic times of the client events that carried content, in order.
    ///   - outputTokens: the exchange's real output token count.
    init(trace: ExchangeTrace, contentTimes: [UInt64], outputTokens: Int) {
        func millis(_ from: UInt64, _ to: UInt64) -> Double { Double(Int64(bitPattern: to &- from)) / 1_000_000 }
        let start = trace.receivedAt
        total = millis(start, trace.finishedAt)
        if let sent = trace.upstreamStartedAt {
            preUpstream = millis(start, sent)
            upstreamTTFB = trace.upstreamHeadAt.map { millis(sent, $0) }
        }
        if !trace.relayDelays.isEmpty {
            relayMean = Double(trace.relayDelays.reduce(0, +)) / Double(trace.relayDelays.count) / 1_000_000
            relayMax = Double(trace.relayDelays.max()!) / 1_000_000
        }
        if let preUpstream { gatewayOverhead = preUpstream + (relayMean ?? 0) }
        tokenTimes = contentTimes.map { millis(start, $0) }
        if let first = tokenTimes.first {
            ttft = first
        }
        if trace.stream, let first = tokenTimes.first, let last = tokenTimes.last {
            if outputTokens > 1 && last > first { tpot = (last - first) / Double(outputTokens - 1) }
            if outputTokens > 0 && last > first { outputTokensPerSecond = Double(outputTokens) / ((last - first) / 1000) }
        } else if !trace.stream, outputTokens > 0, total > 0 {
            outputTokensPerSecond = Double(outputTokens) / (total / 1000)
        }
        let times = (trace.upstreamEvents.isEmpty ? trace.clientEvents : trace.upstreamEvents).entries.map(\.at)
        let intervals = zip(times.dropFirst(), times).map { millis($1, $0) }.sorted()
        if !intervals.isEmpty {
            gaps = (Self.percentile(intervals, 0.50), Self.percentile(intervals, 0.90), Self.percentile(intervals, 0.99),
                    intervals.last!)
        }
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }
}

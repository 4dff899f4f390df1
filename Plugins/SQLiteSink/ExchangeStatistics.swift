import JSONCore

/// Statistics over a group of exchanges: one row of an aggregate answer, or its totals.
///
/// As JSON:
/// ```
/// {"key":…, "count":N, "errors":N, "cancelled":N, "error_rate":0.25,
///  "tokens":{"input":N,"output":N,"cache_read":N,"cache_write":N,"reasoning":N},
///  "cost_total":1.5, "priced":N, "cache_savings":0.2, "cache_hit_ratio":0.8,
///  "ttft_ms":{"p50":…,"p95":…,"p99":…}, "total_ms":{…}, "tpot_ms":{…}}
/// ```
/// - `errors` counts outcomes other than `ok` and `client_cancelled` (a client leaving is not a failure of the
///   gateway or the upstream); `cancelled` counts `client_cancelled`; `error_rate` = errors / count.
/// - `cost_total` and `cache_savings` sum the exchanges that have them (USD); `priced` counts the exchanges with
///   a cost (the rest had no known price).
/// - `cache_hit_ratio` = cache_read / (input + cache_read + cache_write) over the group's summed tokens, null when
///   that is 0.
/// - Percentiles use the nearest-rank method over the exchanges that have the value (the p-th percentile of n
///   sorted values is the value at rank ⌈p·n/100⌉), so each one is a latency that really occurred; null when no
///   exchange has the value.
struct ExchangeStatistics {
    private(set) var count = 0
    private var errors = 0
    private var cancelled = 0
    private var inputTokens = 0
    private var outputTokens = 0
    private var cacheReadTokens = 0
    private var cacheWriteTokens = 0
    private var reasoningTokens = 0
    private var cost = 0.0
    private var priced = 0
    private var cacheSavings = 0.0
    private var ttft: [Double] = []
    private var total: [Double] = []
    private var tpot: [Double] = []

    /// One exchange's numbers, as read from the `exchanges` table.
    struct Sample {
        var outcome: String?
        var input, output, cacheRead, cacheWrite, reasoning: Int?
        var cost, cacheSavings, ttft, total, tpot: Double?
    }

    /// Adds one exchange.
    mutating func add(_ sample: Sample) {
        count += 1
        switch sample.outcome {
        case "ok": break
        case "client_cancelled": cancelled += 1
        default: errors += 1
        }
        inputTokens += sample.input ?? 0
        outputTokens += sample.output ?? 0
        cacheReadTokens += sample.cacheRead ?? 0
        cacheWriteTokens += sample.cacheWrite ?? 0
        reasoningTokens += sample.reasoning ?? 0
        if let value = sample.cost {
            cost += value
            priced += 1
        }
        cacheSavings += sample.cacheSavings ?? 0
        if let value = sample.ttft { ttft.append(value) }
        if let value = sample.total { total.append(value) }
        if let value = sample.tpot { tpot.append(value) }
    }

    /// The statistics as a JSON object, `key` first when given.
    func json(key: JSONValue? = nil) -> JSONValue {
        var object = JSONObject()
        if let key { object["key"] = key }
        object["count"] = .int(count)
        object["errors"] = .int(errors)
        object["cancelled"] = .int(cancelled)
        object["error_rate"] = count == 0 ? .null : .double(Double(errors) / Double(count))
        object["tokens"] = [
            "input": .int(inputTokens), "output": .int(outputTokens), "cache_read": .int(cacheReadTokens),
            "cache_write": .int(cacheWriteTokens), "reasoning": .int(reasoningTokens),
        ]
        object["cost_total"] = .double(cost)
        object["priced"] = .int(priced)
        object["cache_savings"] = .double(cacheSavings)
        let prompt = inputTokens + cacheReadTokens + cacheWriteTokens
        object["cache_hit_ratio"] = prompt == 0 ? .null : .double(Double(cacheReadTokens) / Double(prompt))
        object["ttft_ms"] = Self.percentiles(ttft)
        object["total_ms"] = Self.percentiles(total)
        object["tpot_ms"] = Self.percentiles(tpot)
        return .object(object)
    }

    private static func percentiles(_ values: [Double]) -> JSONValue {
        let sorted = values.sorted()
        func rank(_ percent: Int) -> JSONValue {
            guard !sorted.isEmpty else { return .null }
            return .double(sorted[nearestRankIndex(percent: percent, count: sorted.count)])
        }
        return ["p50": rank(50), "p95": rank(95), "p99": rank(99)]
    }

    /// The 0-based index of the nearest-rank `percent`-th percentile among `count` sorted values:
    /// ⌈percent·count/100⌉ − 1, computed in integers so 0.95·20 is exactly 19.
    static func nearestRankIndex(percent: Int, count: Int) -> Int {
        max(0, (percent * count + 99) / 100 - 1)
    }
}

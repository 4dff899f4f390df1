import CSQLite
import PluginABI
import JSONCore
import PluginKit

/// The dashboard's read connection: list, get and aggregate queries.
///
/// Opened read-only (`SQLITE_OPEN_READONLY` and `PRAGMA query_only`), separate from the writer, so in WAL mode
/// reads never wait for a batch being written. Each query runs in one read transaction, so a list's total and
/// its items come from the same snapshot.
///
/// THREAD: not thread-safe; `SQLiteSink` keeps it behind a `Mutex`.
final class ExchangeReader {
    private let connection: SQLiteConnection
    private let path: String

    /// The columns of a list item, in output order; the flags among them are written as booleans.
    static let summaryColumns = [
        "id", "started_at_ms", "client_dialect", "provider", "upstream_dialect", "requested_model", "upstream_model",
        "converted", "stream", "outcome", "status", "upstream_status", "error_message", "input_tokens",
        "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "tokens_estimated",
        "cost_total", "cache_savings", "ttft_ms", "tpot_ms", "total_ms",
    ]
    private static let flagColumns: Set = ["converted", "stream", "tokens_estimated"]
    private static let groupLimit = 10_000

    /// Opens a read-only connection to the database the writer already prepared.
    /// - Throws: `PluginError.config` when it cannot be opened.
    init(path: String, busyTimeoutMilliseconds: Int) throws(PluginError) {
        self.path = path
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path, flags: SQLITE_OPEN_READONLY,
                                              busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try connection.execute("PRAGMA query_only = 1")
        } catch {
            throw .config("cannot open database '\(path)' for reading: \(error.message)")
        }
    }

    /// Answers a list query.
    /// - Throws: `PluginError.internalError` when SQLite fails.
    func list(filters: ExchangeFilters, limit: Int, offset: Int) throws(PluginError) -> JSONValue {
        let (condition, values) = filters.whereClause
        let countSQL = "SELECT count(*) FROM exchanges" + condition
        let itemsSQL = "SELECT " + Self.summaryColumns.joined(separator: ", ") + " FROM exchanges" + condition
            + " ORDER BY started_at_ms DESC, id DESC LIMIT ? OFFSET ?"
        return try reading { () throws(SQLiteError) in
            let counter = try connection.cached(countSQL)
            defer { counter.reset() }
            try counter.bind(values)
            let total = try counter.step() ? counter.integer(0) ?? 0 : 0

            let statement = try connection.cached(itemsSQL)
            defer { statement.reset() }
            try statement.bind(values + [.integer(Int64(limit)), .integer(Int64(offset))])
            var items: [JSONValue] = []
            while try statement.step() {
                var item = JSONObject()
                for (index, column) in Self.summaryColumns.enumerated() {
                    let value = statement.value(index)
                    if Self.flagColumns.contains(column), case .integer(let flag) = value {
                        item[column] = .bool(flag != 0)
                    } else {
                        item[column] = value.json
                    }
                }
                items.append(.object(item))
            }
            return ["total": .int(total), "limit": .int(limit), "offset": .int(offset), "items": .array(items)]
        }
    }

    /// The stored record with `id` as JSON text, or nil when there is none.
    /// - Throws: `PluginError.internalError` when SQLite fails.
    func record(id: String) throws(PluginError) -> String? {
        try reading { () throws(SQLiteError) in
            let statement = try connection.cached("SELECT record_json FROM exchanges WHERE id = ?")
            defer { statement.reset() }
            try statement.bind([.text(id)])
            return try statement.step() ? statement.text(0) : nil
        }
    }

    /// Answers an aggregate query: the matching exchanges' numbers are read from the covering time index and
    /// grouped, summed and ranked here (percentiles need every value, which SQL's aggregates do not give).
    /// - Throws: `PluginError.invalidRequest` past 10000 groups; `.internalError` when SQLite fails.
    func aggregate(_ request: AggregateRequest) throws(PluginError) -> JSONValue {
        let (condition, values) = request.filters.whereClause
        let key = switch request.grouping {
        case .time: "started_at_ms"
        case .model: "coalesce(upstream_model, requested_model)"
        case .requestedModel: "requested_model"
        case .provider: "provider"
        }
        let sql = "SELECT \(key), outcome, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
            + "reasoning_tokens, cost_total, cache_savings, ttft_ms, total_ms, tpot_ms FROM exchanges" + condition
        var totals = ExchangeStatistics()
        var groups: [GroupKey: ExchangeStatistics] = [:]
        try reading { () throws(SQLiteError) in
            let statement = try connection.cached(sql)
            defer { statement.reset() }
            try statement.bind(values)
            while try statement.step() {
                let sample = ExchangeStatistics.Sample(
                    outcome: statement.text(1), input: statement.integer(2), output: statement.integer(3),
                    cacheRead: statement.integer(4), cacheWrite: statement.integer(5), reasoning: statement.integer(6),
                    cost: statement.real(7), cacheSavings: statement.real(8), ttft: statement.real(9),
                    total: statement.real(10), tpot: statement.real(11))
                let group: GroupKey = switch request.grouping {
                case .time: .bucket(Self.bucketStart(statement.integer(0) ?? 0, width: request.bucketMs))
                default: .name(statement.text(0))
                }
                totals.add(sample)
                groups[group, default: ExchangeStatistics()].add(sample)
            }
        }
        guard groups.count <= Self.groupLimit else {
            throw .invalidRequest("the aggregate has \(groups.count) groups, more than \(Self.groupLimit); "
                + "choose a larger bucket_ms or a shorter time range")
        }
        let ordered = groups.sorted { left, right in
            switch (left.key, right.key) {
            case let (.bucket(a), .bucket(b)): return a < b
            default:
                if left.value.count != right.value.count { return left.value.count > right.value.count }
                return left.key < right.key
            }
        }
        var answer = JSONObject()
        answer["group_by"] = .string(request.grouping.rawValue)
        if request.grouping == .time { answer["bucket_ms"] = .int(request.bucketMs) }
        answer["from_ms"] = request.filters.fromMs.map(JSONValue.int) ?? .null
        answer["to_ms"] = request.filters.toMs.map(JSONValue.int) ?? .null
        answer["groups"] = .array(ordered.map { $0.value.json(key: $0.key.json) })
        answer["totals"] = totals.json()
        return .object(answer)
    }

    /// The start of the `width`-wide bucket holding `time`, aligned to multiples of `width` since the epoch.
    static func bucketStart(_ time: Int, width: Int) -> Int {
        let remainder = time % width
        return remainder < 0 ? time - remainder - width : time - remainder
    }

    private func reading<Value>(_ body: () throws(SQLiteError) -> Value) throws(PluginError) -> Value {
        do throws(SQLiteError) {
            return try connection.transaction("DEFERRED", body)
        } catch {
            let message = "cannot read database '\(path)': \(error.message)"
            throw error.isBusy ? PluginError(LESSLLM_E_OVERLOADED, message) : .internalError(message)
        }
    }
}

/// The key of one aggregate group.
private enum GroupKey: Hashable, Comparable {
    case bucket(Int)
    case name(String?)

    var json: JSONValue {
        switch self {
        case .bucket(let start): .int(start)
        case .name(let name): name.map(JSONValue.string) ?? .null
        }
    }

    static func < (left: GroupKey, right: GroupKey) -> Bool {
        switch (left, right) {
        case let (.bucket(a), .bucket(b)): a < b
        case let (.name(a?), .name(b?)): a < b
        case (.name(.some), .name(.none)): true  // a missing name sorts last
        default: false
        }
    }
}

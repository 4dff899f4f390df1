import JSONCore
import PluginKit

/// A `sink:query` request: the dashboard's (and the CLI's) access to the log.
///
/// The body is one JSON object with a `kind`; the answer is ONE emitted event whose data is a JSON object. Unknown
/// kinds, unknown parameters and parameters of the wrong type or range fail with `LESSLLM_E_INVALID_REQUEST` and a
/// message naming the parameter. Filters are described in `ExchangeFilters`.
///
/// **list** — exchanges, newest first (`started_at_ms` then `id`, descending):
/// ```
/// {"kind":"list","filters":{…},"limit":50,"offset":0}          limit 1…1000 (default 50), offset ≥ 0 (default 0)
/// → {"total":N,"limit":50,"offset":0,"items":[{"id","started_at_ms","client_dialect","provider",
///    "upstream_dialect","requested_model","upstream_model","converted","stream","outcome","status",
///    "upstream_status","error_message","input_tokens","output_tokens","cache_read_tokens","cache_write_tokens",
///    "reasoning_tokens","tokens_estimated","cost_total","cache_savings","ttft_ms","tpot_ms","total_ms"},…]}
/// ```
/// `total` counts every match (for paging); `converted`, `stream`, `tokens_estimated` are booleans; absent values
/// are null.
///
/// **get** — one whole record, exactly as it was stored:
/// ```
/// {"kind":"get","id":"01…"}  → {"record":{…}}        unknown id → LESSLLM_E_NOT_FOUND
/// ```
///
/// **aggregate** — statistics per group plus totals over the range (see `ExchangeStatistics` for each row):
/// ```
/// {"kind":"aggregate","from_ms":…,"to_ms":…,"group_by":"time","bucket_ms":60000,"filters":{…}}
/// → {"group_by":"time","bucket_ms":60000,"from_ms":…,"to_ms":…,"groups":[{"key":…,…}],"totals":{…}}
/// ```
/// `from_ms`/`to_ms` are optional (`from_ms ≤ started_at_ms < to_ms`); `filters` takes the list filters except the
/// time range. `group_by` is `time` (key = bucket start in Unix ms; buckets are `bucket_ms` wide (default 60000,
/// at least 1), aligned to multiples of it since the epoch; empty buckets are left out; ascending), `model` (the
/// upstream model — the one that served and was priced — or the requested model when no upstream request was
/// made), `requested_model`, or `provider`; model and provider groups come by count, descending, then by key.
/// At most 10000 groups.
///
/// **sql** — read-only SQL (see `SQLConsole`):
/// ```
/// {"kind":"sql","sql":"SELECT …","max_rows":1000,"timeout_ms":5000}    max_rows 1…10000, timeout_ms 1…60000
/// → {"columns":["…"],"rows":[[…]],"row_count":N,"truncated":false,"truncated_by":null,"elapsed_ms":1.25}
/// ```
/// `truncated_by` is `"max_rows"` or `"bytes"` (the values reached 32 MiB) when `truncated` is true.
enum SinkQuery {
    /// Exchange summaries, newest first, one page of them.
    case list(filters: ExchangeFilters, limit: Int, offset: Int)
    /// One whole record.
    case get(id: String)
    /// Statistics per group and over the range.
    case aggregate(AggregateRequest)
    /// Read-only SQL.
    case sql(ConsoleRequest)

    /// The valid `kind` values.
    static let kinds = ["list", "get", "aggregate", "sql"]

    /// Parses a query body.
    /// - Throws: `PluginError.invalidRequest` with a precise message.
    init(parsing body: UnsafeRawBufferPointer) throws(PluginError) {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("the query is not valid JSON: \(error)")
        }
        guard case .object(let members) = document else {
            throw .invalidRequest("the query must be a JSON object with a \"kind\", got \(JSONDescription.of(document))")
        }
        guard let kindValue = members["kind"] else {
            throw .invalidRequest("the query has no \"kind\" (one of \(Self.kinds.joined(separator: ", ")))")
        }
        guard let kind = kindValue.stringValue else {
            throw .invalidRequest("'kind' must be a string, got \(JSONDescription.of(kindValue))")
        }
        switch kind {
        case "list":
            let parameters = try QueryParameters(document, what: "a list query", known: ["kind", "filters", "limit", "offset"])
            var filters = ExchangeFilters()
            if let value = parameters.value("filters") { filters = try ExchangeFilters(value) }
            self = .list(filters: filters,
                         limit: try parameters.integer("limit", in: 1...1000) ?? 50,
                         offset: try parameters.integer("offset", in: 0...Int(Int64.max)) ?? 0)
        case "get":
            let parameters = try QueryParameters(document, what: "a get query", known: ["kind", "id"])
            guard let id = try parameters.string("id"), !id.isEmpty else {
                throw .invalidRequest("a get query needs \"id\": the exchange id")
            }
            self = .get(id: id)
        case "aggregate":
            self = .aggregate(try AggregateRequest(document))
        case "sql":
            self = .sql(try ConsoleRequest(document))
        default:
            throw .invalidRequest("unknown query kind '\(kind)' (valid: \(Self.kinds.joined(separator: ", ")))")
        }
    }
}

/// An aggregate query's parameters (see `SinkQuery`).
struct AggregateRequest {
    /// How exchanges are grouped.
    enum Grouping: String, CaseIterable {
        case time, model, requestedModel = "requested_model", provider
    }

    /// Which exchanges count (the time range included).
    var filters: ExchangeFilters
    /// How they are grouped.
    var grouping: Grouping
    /// The bucket width for `.time`.
    var bucketMs: Int

    /// Reads the parameters of an aggregate query.
    /// - Throws: `PluginError.invalidRequest` naming the bad parameter.
    init(_ document: JSONValue) throws(PluginError) {
        let parameters = try QueryParameters(document, what: "an aggregate query",
                                             known: ["kind", "from_ms", "to_ms", "group_by", "bucket_ms", "filters"])
        filters = ExchangeFilters()
        if let value = parameters.value("filters") { filters = try ExchangeFilters(value, allowTime: false) }
        filters.fromMs = try parameters.integer("from_ms", in: Int.min...Int.max)
        filters.toMs = try parameters.integer("to_ms", in: Int.min...Int.max)
        let name = try parameters.choice("group_by", of: Grouping.allCases.map(\.rawValue)) ?? "time"
        grouping = Grouping(rawValue: name) ?? .time
        bucketMs = try parameters.integer("bucket_ms", in: 1...Int(Int64.max)) ?? 60_000
    }
}

/// A SQL console query's parameters (see `SinkQuery`).
struct ConsoleRequest {
    /// One statement.
    var sql: String
    /// Rows returned at most.
    var maxRows: Int
    /// The time limit.
    var timeoutMs: Int

    /// Reads the parameters of a sql query.
    /// - Throws: `PluginError.invalidRequest` naming the bad parameter.
    init(_ document: JSONValue) throws(PluginError) {
        let parameters = try QueryParameters(document, what: "a sql query", known: ["kind", "sql", "max_rows", "timeout_ms"])
        guard let sql = try parameters.string("sql"),
              sql.contains(where: { !$0.isWhitespace }) else {
            throw .invalidRequest("a sql query needs \"sql\": one SELECT statement")
        }
        self.sql = sql
        maxRows = try parameters.integer("max_rows", in: 1...10_000) ?? 1000
        timeoutMs = try parameters.integer("timeout_ms", in: 1...60_000) ?? 5000
    }
}

import JSONCore
import PluginKit

/// Which exchanges a list or aggregate query covers. Every filter given must match (AND).
///
/// | filter | matches |
/// | --- | --- |
/// | `from_ms`, `to_ms` | `from_ms ≤ started_at_ms < to_ms` (Unix ms) |
/// | `model` | the requested **or** the upstream model, exactly |
/// | `provider`, `client_dialect`, `upstream_dialect` | exactly |
/// | `outcome` | a string, or an array of up to 16 (any of them) |
/// | `stream` | `true` / `false` |
/// | `status` | the HTTP status the client got |
/// | `search` | text inside the request (as received or as sent upstream), the response or the error |
///
/// `search` is a substring match (SQL `LIKE` with `%`, `_` and `\` escaped) over the stored JSON text; the term is
/// JSON-escaped first, so `say "hi"` finds the body text `say "hi"`. It ignores case for ASCII letters only, and
/// it reads the bodies of every exchange the other filters leave, so narrow the time range on a large database.
struct ExchangeFilters: Equatable {
    var fromMs: Int?
    var toMs: Int?
    var model: String?
    var provider: String?
    var clientDialect: String?
    var upstreamDialect: String?
    var outcomes: [String]?
    var stream: Bool?
    var status: Int?
    var search: String?

    /// Every filter name.
    static let names = ["from_ms", "to_ms", "model", "provider", "client_dialect", "upstream_dialect", "outcome",
                        "stream", "status", "search"]

    init() {}

    /// Reads a `filters` object.
    /// - Parameter allowTime: false where `from_ms`/`to_ms` belong at the query's top level (aggregate).
    /// - Throws: `PluginError.invalidRequest` naming the bad filter.
    init(_ value: JSONValue, allowTime: Bool = true) throws(PluginError) {
        let known = allowTime ? Self.names : Self.names.filter { $0 != "from_ms" && $0 != "to_ms" }
        let parameters = try QueryParameters(value, what: "filters", prefix: "filters.", known: known)
        fromMs = try parameters.integer("from_ms", in: Int.min...Int.max)
        toMs = try parameters.integer("to_ms", in: Int.min...Int.max)
        model = try parameters.string("model")
        provider = try parameters.string("provider")
        clientDialect = try parameters.string("client_dialect")
        upstreamDialect = try parameters.string("upstream_dialect")
        outcomes = try parameters.strings("outcome", limit: 16)
        stream = try parameters.bool("stream")
        status = try parameters.integer("status", in: 100...999)
        search = try parameters.string("search").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The WHERE clause (with a leading " WHERE ", or empty) and its values, in placeholder order.
    var whereClause: (sql: String, values: [SQLiteValue]) {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        func add(_ condition: String, _ bound: SQLiteValue...) {
            conditions.append(condition)
            values.append(contentsOf: bound)
        }
        if let fromMs { add("started_at_ms >= ?", .integer(Int64(fromMs))) }
        if let toMs { add("started_at_ms < ?", .integer(Int64(toMs))) }
        if let model { add("(requested_model = ? OR upstream_model = ?)", .text(model), .text(model)) }
        if let provider { add("provider = ?", .text(provider)) }
        if let clientDialect { add("client_dialect = ?", .text(clientDialect)) }
        if let upstreamDialect { add("upstream_dialect = ?", .text(upstreamDialect)) }
        if let outcomes {
            conditions.append("outcome IN (" + outcomes.map { _ in "?" }.joined(separator: ", ") + ")")
            values.append(contentsOf: outcomes.map { .text($0) })
        }
        if let stream { add("stream = ?", .integer(stream ? 1 : 0)) }
        if let status { add("status = ?", .integer(Int64(status))) }
        if let search {
            let pattern = SQLiteValue.text("%" + Self.likeEscaped(Self.jsonEscaped(search)) + "%")
            let columns = ["request_json", "upstream_request_json", "response_json", "error_json"]
            // Each part is text of the whole record, so a record without the text is skipped before its parts are
            // read out of it (the view's columns parse the record of every row stored since schema version 3).
            conditions.append("record_json LIKE ? ESCAPE '\\' AND ("
                + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            values.append(contentsOf: [pattern] + columns.map { _ in pattern })
        }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), values)
    }

    /// `text` as it appears inside a JSON string literal (without the quotes).
    static func jsonEscaped(_ text: String) -> String {
        String(JSONString.quoted(text).dropFirst().dropLast())
    }

    /// `text` with LIKE's wildcards and the escape character escaped by `\`.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

import JSONCore

/// Turns the dashboard API's query parameters into the sink's query JSON, refusing bad parameters with a
/// message that names them.
enum DashboardQueries {
    static let filterNames = ["from_ms", "to_ms", "model", "provider", "client_dialect", "upstream_dialect",
                              "outcome", "stream", "status", "search"]

    /// `GET /api/exchanges?limit&offset&<filters>` → a list query.
    static func list(_ parameters: [String: String]) throws(GatewayError) -> JSONValue {
        try checkKnown(parameters, filterNames + ["limit", "offset"])
        var query: JSONObject = ["kind": "list", "filters": .object(try filters(parameters))]
        if let limit = try integer(parameters, "limit", 1...1000) { query["limit"] = .int(limit) }
        if let offset = try integer(parameters, "offset", 0...Int.max) { query["offset"] = .int(offset) }
        return .object(query)
    }

    /// `GET /api/exchanges/{id}` → a get query.
    static func get(_ id: String) -> JSONValue {
        ["kind": "get", "id": .string(id)]
    }

    /// `GET /api/stats?group_by&bucket_ms&<filters>` → an aggregate query.
    static func stats(_ parameters: [String: String]) throws(GatewayError) -> JSONValue {
        try checkKnown(parameters, filterNames + ["group_by", "bucket_ms"])
        var all = try filters(parameters)
        var query: JSONObject = ["kind": "aggregate"]
        for key in ["from_ms", "to_ms"] {
            if let value = all.removeValue(forKey: key) { query[key] = value }
        }
        query["filters"] = .object(all)
        let groups = ["time", "model", "requested_model", "provider"]
        if let group = parameters["group_by"] {
            guard groups.contains(group) else {
                throw .invalidRequest("'group_by' must be one of \(groups.joined(separator: ", ")), got \"\(group)\"")
            }
            query["group_by"] = .string(group)
        }
        if let bucket = try integer(parameters, "bucket_ms", 1000...(366 * 86_400_000)) { query["bucket_ms"] = .int(bucket) }
        return .object(query)
    }

    /// `POST /api/sql` with `{"sql":…,"max_rows":…,"timeout_ms":…}` → a sql query.
    static func sql(_ body: [UInt8]) throws(GatewayError) -> JSONValue {
        guard let request = try? JSONValue(parsing: body), var object = request.objectValue else {
            throw .invalidRequest("The body must be a JSON object like {\"sql\":\"SELECT …\"}.")
        }
        guard object["sql"]?.stringValue != nil else { throw .invalidRequest("'sql' (a string) is required.") }
        for key in object.keys where !["sql", "max_rows", "timeout_ms"].contains(key) {
            throw .invalidRequest("Unknown parameter '\(key)' (valid: sql, max_rows, timeout_ms).")
        }
        object["kind"] = "sql"
        return .object(object)
    }

    private static func filters(_ parameters: [String: String]) throws(GatewayError) -> JSONObject {
        var filters = JSONObject()
        for key in ["model", "provider", "client_dialect", "upstream_dialect", "search"] {
            if let value = parameters[key], !value.isEmpty { filters[key] = .string(value) }
        }
        for key in ["from_ms", "to_ms"] {
            if let value = try integer(parameters, key, Int.min...Int.max) { filters[key] = .int(value) }
        }
        if let status = try integer(parameters, "status", 100...999) { filters["status"] = .int(status) }
        if let outcome = parameters["outcome"], !outcome.isEmpty {
            filters["outcome"] = .array(outcome.split(separator: ",").map { .string(String($0)) })
        }
        if let stream = parameters["stream"], !stream.isEmpty {
            guard stream == "true" || stream == "false" else {
                throw .invalidRequest("'stream' must be true or false, got \"\(stream)\"")
            }
            filters["stream"] = .bool(stream == "true")
        }
        return filters
    }

    private static func integer(_ parameters: [String: String], _ key: String, _ range: ClosedRange<Int>)
        throws(GatewayError) -> Int? {
        guard let text = parameters[key], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidRequest("'\(key)' must be an integer in \(range.lowerBound)…\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    private static func checkKnown(_ parameters: [String: String], _ known: [String]) throws(GatewayError) {
        for key in parameters.keys.sorted() where !known.contains(key) && key != "token" {
            throw .invalidRequest("Unknown parameter '\(key)' (valid: \(known.joined(separator: ", "))).")
        }
    }
}

import Foundation
import JSONCore
import PluginABI
import Testing

@testable import Host

/// `sink:query` kinds list, get and aggregate, and the refusal of malformed queries.
@Suite("SQLite sink: list, get and aggregate queries")
struct SQLiteSinkQueryTests {
    /// Six exchanges over two providers, both dialects and several outcomes, one a second apart.
    static func listFixture() throws -> SinkFixture {
        let sink = try SinkFixture()
        var records: [TestRecord] = []
        for index in 0..<6 {
            var record = TestRecord(id: "01L\(index)", startedAtMs: baseTimeMs + index * 1000)
            record.prompt = "question number \(index)"
            records.append(record)
        }
        records[1].model = "claude-sonnet-4-5"
        records[1].provider = "anthropic"
        records[1].clientDialect = "anthropic.messages"
        records[1].upstreamDialect = "anthropic.messages"
        records[2].model = "fast"
        records[2].upstreamModel = "gpt-4o-mini"
        records[2].stream = true
        records[3].outcome = "timeout"
        records[3].status = 504
        records[3].errorMessage = "the upstream did not answer"
        records[4].outcome = "client_cancelled"
        records[4].stream = true
        records[5].prompt = #"What does 100% mean? Say "hello_world" \ done"#
        records[0].answer = "Paris is the capital of FRANCE"
        try sink.log(records)
        return sink
    }

    func ids(_ answer: JSONValue) -> [String] {
        answer["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test("list returns summaries newest first with the total, and pages with limit and offset")
    func listAndPaging() throws {
        let sink = try Self.listFixture()
        let all = try sink.query(#"{"kind":"list"}"#)
        #expect(all["total"] == 6 && all["limit"] == 50 && all["offset"] == 0)
        #expect(ids(all) == ["01L5", "01L4", "01L3", "01L2", "01L1", "01L0"])
        let item = try #require(all["items"]?[3])
        #expect(item == [
            "id": "01L2", "started_at_ms": .int(baseTimeMs + 2000), "client_dialect": "openai.chat",
            "provider": "openai", "upstream_dialect": "openai.chat", "requested_model": "fast",
            "upstream_model": "gpt-4o-mini", "converted": false, "stream": true, "outcome": "ok", "status": 200,
            "upstream_status": 200, "error_message": nil, "input_tokens": 100, "output_tokens": 20,
            "cache_read_tokens": 0, "cache_write_tokens": 0, "reasoning_tokens": 0, "tokens_estimated": false,
            "cost_total": 0.01, "cache_savings": 0, "ttft_ms": 100, "tpot_ms": 10, "total_ms": 500,
        ])
        let page = try sink.query(#"{"kind":"list","limit":2,"offset":2}"#)
        #expect(page["total"] == 6 && ids(page) == ["01L3", "01L2"])
        let beyond = try sink.query(#"{"kind":"list","limit":2,"offset":10}"#)
        #expect(beyond["total"] == 6 && ids(beyond).isEmpty)
    }

    @Test("list filters by time, model (requested or upstream), provider, dialect, outcome and stream")
    func listFilters() throws {
        let sink = try Self.listFixture()
        func filtered(_ filters: String) throws -> [String] {
            let answer = try sink.query(#"{"kind":"list","filters":\#(filters)}"#)
            #expect(answer["total"] == .int(ids(answer).count))
            return ids(answer)
        }
        #expect(try filtered(#"{"from_ms":\#(baseTimeMs + 1000),"to_ms":\#(baseTimeMs + 3000)}"#) == ["01L2", "01L1"])
        #expect(try filtered(#"{"model":"gpt-4o-mini"}"#) == ["01L2"])
        #expect(try filtered(#"{"model":"fast"}"#) == ["01L2"])
        #expect(try filtered(#"{"provider":"anthropic"}"#) == ["01L1"])
        #expect(try filtered(#"{"client_dialect":"anthropic.messages"}"#) == ["01L1"])
        #expect(try filtered(#"{"upstream_dialect":"openai.chat","stream":true}"#) == ["01L4", "01L2"])
        #expect(try filtered(#"{"stream":false,"provider":"openai"}"#) == ["01L5", "01L3", "01L0"])
        #expect(try filtered(#"{"outcome":"timeout"}"#) == ["01L3"])
        #expect(try filtered(#"{"outcome":["timeout","client_cancelled"]}"#) == ["01L4", "01L3"])
        #expect(try filtered(#"{"status":504}"#) == ["01L3"])
        #expect(try filtered(#"{"model":"nope"}"#).isEmpty)
    }

    @Test("search matches text in request and response bodies and errors, with LIKE wildcards taken literally")
    func listSearch() throws {
        let sink = try Self.listFixture()
        func search(_ text: String) throws -> [String] {
            ids(try sink.query(#"{"kind":"list","filters":{"search":\#(JSONString.quoted(text))}}"#))
        }
        #expect(try search("question number 3") == ["01L3"])
        #expect(try search("capital of france") == ["01L0"])  // response body, ASCII case ignored
        #expect(try search("did not answer") == ["01L3"])  // error message
        #expect(try search("100%") == ["01L5"])
        #expect(try search("100%25").isEmpty)
        #expect(try search("hello_world") == ["01L5"])
        #expect(try search("hello world").isEmpty)
        #expect(try search("n_mber").isEmpty)  // `_` is not a wildcard
        #expect(try search(#"Say "hello_world" \ done"#) == ["01L5"])  // quotes and backslash, JSON-escaped
        #expect(try search("question") == ["01L4", "01L3", "01L2", "01L1", "01L0"])
        let combined = try sink.query(#"{"kind":"list","filters":{"search":"question","stream":true},"limit":1}"#)
        #expect(combined["total"] == 2 && ids(combined) == ["01L4"])
    }

    @Test("get returns the whole record as stored; an unknown id is NOT_FOUND")
    func getRecord() throws {
        let sink = try SinkFixture()
        var record = TestRecord(id: "01GET", startedAtMs: baseTimeMs)
        record.prompt = "Grüße, \"quoted\" \u{1F600}"
        try sink.log([record])
        let answer = try sink.query(#"{"kind":"get","id":"01GET"}"#)
        #expect(answer["record"] == record.json)
        #expect(answer["record"]?["request"]?["messages"]?[0]?["content"] == "Grüße, \"quoted\" \u{1F600}")
        let missing = try sink.failure(#"{"kind":"get","id":"01NOPE"}"#)
        #expect(missing.status == LESSLLM_E_NOT_FOUND)
        #expect(missing.message == "no exchange with id '01NOPE'")
    }

    /// Ten gpt-4o exchanges (TTFT 10…100 ms, total 100…1000 ms, one upstream error, one cancelled) in the first
    /// minute, four claude exchanges (one unpriced) in the second.
    static func aggregateFixture() throws -> SinkFixture {
        let sink = try SinkFixture()
        var records: [TestRecord] = []
        for index in 1...10 {
            var record = TestRecord(id: "01A\(index)", startedAtMs: baseTimeMs + index * 1000)
            record.ttftMs = Double(index * 10)
            record.totalMs = Double(index * 100)
            record.tpotMs = Double(index)
            record.input = 100
            record.output = 10
            record.cacheRead = 300
            record.cacheWrite = 0
            record.reasoning = 2
            record.cost = 0.25
            record.cacheSavings = 0.125
            if index == 10 { record.outcome = "upstream_error" }
            if index == 9 { record.outcome = "client_cancelled" }
            records.append(record)
        }
        for index in 1...4 {
            var record = TestRecord(id: "01B\(index)", startedAtMs: baseTimeMs + 60_000 + index * 1000)
            record.model = "claude-haiku-4-5"
            record.provider = "anthropic"
            record.clientDialect = "anthropic.messages"
            record.ttftMs = 5
            record.totalMs = 50
            record.tpotMs = nil
            record.input = 10
            record.output = 5
            record.cacheRead = 0
            record.cacheWrite = 40
            record.cost = index == 4 ? nil : 0.5
            record.cacheSavings = 0
            records.append(record)
        }
        try sink.log(records)
        return sink
    }

    static let gptGroup: JSONValue = [
        "key": "gpt-4o", "count": 10, "errors": 1, "cancelled": 1, "error_rate": 0.1,
        "tokens": ["input": 1000, "output": 100, "cache_read": 3000, "cache_write": 0, "reasoning": 20],
        "cost_total": 2.5, "priced": 10, "cache_savings": 1.25, "cache_hit_ratio": 0.75,
        "ttft_ms": ["p50": 50, "p95": 100, "p99": 100],
        "total_ms": ["p50": 500, "p95": 1000, "p99": 1000],
        "tpot_ms": ["p50": 5, "p95": 10, "p99": 10],
    ]
    static let claudeGroup: JSONValue = [
        "key": "claude-haiku-4-5", "count": 4, "errors": 0, "cancelled": 0, "error_rate": 0,
        "tokens": ["input": 40, "output": 20, "cache_read": 0, "cache_write": 160, "reasoning": 0],
        "cost_total": 1.5, "priced": 3, "cache_savings": 0, "cache_hit_ratio": 0,
        "ttft_ms": ["p50": 5, "p95": 5, "p99": 5],
        "total_ms": ["p50": 50, "p95": 50, "p99": 50],
        "tpot_ms": ["p50": nil, "p95": nil, "p99": nil],
    ]

    @Test("aggregate by model: counts, error rate, token and cost sums, cache savings and ratio, percentiles")
    func aggregateByModel() throws {
        let sink = try Self.aggregateFixture()
        let answer = try sink.query(#"{"kind":"aggregate","group_by":"model"}"#)
        #expect(answer["group_by"] == "model" && answer["from_ms"] == .null && answer["to_ms"] == .null)
        #expect(answer["groups"] == [Self.gptGroup, Self.claudeGroup])
        let totals = try #require(answer["totals"])
        #expect(totals["count"] == 14 && totals["errors"] == 1 && totals["cancelled"] == 1)
        #expect(totals["error_rate"]?.doubleValue == 1.0 / 14)
        #expect(totals["cost_total"] == 4 && totals["priced"] == 13 && totals["cache_savings"] == 1.25)
        #expect(totals["tokens"] == ["input": 1040, "output": 120, "cache_read": 3000, "cache_write": 160, "reasoning": 20])
        #expect(totals["cache_hit_ratio"]?.doubleValue == 3000.0 / 4200)
        // 14 TTFTs sorted: 5 5 5 5 10 20 … 100 → p50 is the 7th (30), p95 the 14th (100).
        #expect(totals["ttft_ms"] == ["p50": 30, "p95": 100, "p99": 100])
        let byProvider = try sink.query(#"{"kind":"aggregate","group_by":"provider"}"#)
        #expect(byProvider["groups"]?.arrayValue?.map { $0["key"] } == ["openai", "anthropic"])
    }

    @Test("aggregate by time buckets within a range, with filters, aligned to the bucket width")
    func aggregateByTime() throws {
        let sink = try Self.aggregateFixture()
        let answer = try sink.query("""
            {"kind":"aggregate","group_by":"time","bucket_ms":60000,"from_ms":\(baseTimeMs),"to_ms":\(baseTimeMs + 120_000)}
            """)
        #expect(answer["bucket_ms"] == 60000 && answer["from_ms"] == .int(baseTimeMs))
        var first = Self.gptGroup.objectValue!
        first["key"] = .int(baseTimeMs)
        var second = Self.claudeGroup.objectValue!
        second["key"] = .int(baseTimeMs + 60_000)
        #expect(answer["groups"] == [.object(first), .object(second)])

        let narrow = try sink.query("""
            {"kind":"aggregate","group_by":"time","bucket_ms":5000,"from_ms":\(baseTimeMs + 3000),"to_ms":\(baseTimeMs + 61_000),
             "filters":{"provider":"openai","outcome":["ok","upstream_error"]}}
            """)
        // gpt-4o exchanges 3…10 minus the cancelled 9th: buckets [0,5 s) holds 3 and 4, [5 s,10 s) 5…8, [10 s,15 s) 10.
        #expect(narrow["groups"]?.arrayValue?.map { [$0["key"], $0["count"], $0["errors"]] }
            == [[.int(baseTimeMs), 2, 0], [.int(baseTimeMs + 5000), 4, 0], [.int(baseTimeMs + 10_000), 1, 1]])
        #expect(narrow["totals"]?["count"] == 7)
        #expect(narrow["totals"]?["ttft_ms"] == ["p50": 60, "p95": 100, "p99": 100])

        let empty = try sink.query(#"{"kind":"aggregate","from_ms":0,"to_ms":1}"#)
        #expect(empty["groups"] == [])
        #expect(empty["totals"]?["count"] == 0 && empty["totals"]?["error_rate"] == .null)
        #expect(empty["totals"]?["ttft_ms"] == ["p50": nil, "p95": nil, "p99": nil])
    }

    @Test("malformed queries are refused with a message that names the parameter")
    func badQueries() throws {
        let sink = try SinkFixture()
        let cases: [(String, String)] = [
            (#"[1]"#, "the query must be a JSON object with a \"kind\", got an array"),
            (#"{}"#, "the query has no \"kind\" (one of list, get, aggregate, sql)"),
            (#"{"kind":7}"#, "'kind' must be a string, got a number (7)"),
            (#"{"kind":"lst"}"#, "unknown query kind 'lst' (valid: list, get, aggregate, sql)"),
            (#"{"kind":"list","limt":5,"page":1}"#,
             "unknown parameters 'limt', 'page' in a list query (valid: kind, filters, limit, offset)"),
            (#"{"kind":"list","limit":"50"}"#, #"'limit' must be an integer from 1 to 1000, got a string ("50")"#),
            (#"{"kind":"list","limit":5000}"#, "'limit' must be an integer from 1 to 1000, got a number (5000)"),
            (#"{"kind":"list","offset":-1}"#, "'offset' must be an integer ≥ 0, got a number (-1)"),
            (#"{"kind":"list","filters":[]}"#, "filters must be a JSON object, got an array"),
            (#"{"kind":"list","filters":{"stream":"yes"}}"#, #"'filters.stream' must be true or false, got a string ("yes")"#),
            (#"{"kind":"list","filters":{"from_ms":1.5}}"#, "'filters.from_ms' must be an integer, got a number (1.5)"),
            (#"{"kind":"list","filters":{"modle":"x"}}"#,
             "unknown parameter 'filters.modle' in filters (valid: from_ms, to_ms, model, provider, client_dialect, upstream_dialect, outcome, stream, status, search)"),
            (#"{"kind":"list","filters":{"outcome":[]}}"#,
             "'filters.outcome' must be a string or an array of 1 to 16 strings, got an array"),
            (#"{"kind":"get"}"#, #"a get query needs "id": the exchange id"#),
            (#"{"kind":"aggregate","group_by":"day"}"#,
             #"'group_by' must be one of time, model, requested_model, provider, got "day""#),
            (#"{"kind":"aggregate","bucket_ms":0}"#, "'bucket_ms' must be an integer ≥ 1, got a number (0)"),
            (#"{"kind":"aggregate","filters":{"from_ms":1}}"#,
             "unknown parameter 'filters.from_ms' in filters (valid: model, provider, client_dialect, upstream_dialect, outcome, stream, status, search)"),
            (#"{"kind":"sql"}"#, #"a sql query needs "sql": one SELECT statement"#),
            (#"{"kind":"sql","sql":"SELECT 1","max_rows":0}"#, "'max_rows' must be an integer from 1 to 10000, got a number (0)"),
            (#"{"kind":"sql","sql":"SELECT 1","timeout_ms":true}"#,
             "'timeout_ms' must be an integer from 1 to 60000, got a boolean (true)"),
        ]
        for (query, message) in cases {
            let failure = try sink.failure(query)
            #expect(failure.status == LESSLLM_E_INVALID_REQUEST, "\(query)")
            #expect(failure.message == message)
        }
        let notJSON = try sink.failure(#"{"kind":"list""#)
        #expect(notJSON.status == LESSLLM_E_INVALID_REQUEST)
        #expect(notJSON.message.hasPrefix("the query is not valid JSON: "))
    }
}

import JSONCore
import PluginKit

/// One exchange record turned into the column values of `ExchangeSchema.columns`.
///
/// The record format is docs/exchange-record.md. Only `id` (a non-empty string) and `started_at_ms` (an integer)
/// are required; every other field may be absent or null and is then stored as NULL. Fields of the wrong type are
/// refused with the record and field named.
struct ExchangeRow {
    /// The exchange id (the primary key).
    let id: String
    /// The values, in `ExchangeSchema.columns` order.
    let values: [SQLiteValue]

    /// Reads record `index` (0-based) of a batch of `count`: the bytes at `range` of `batch`.
    /// - Throws: `PluginError.invalidRequest` naming the record and the problem.
    init(_ batch: [UInt8], range: Range<Int>, index: Int, count: Int) throws(PluginError) {
        let position = "record \(index + 1) of \(count)"
        guard batch[range.lowerBound] == UInt8(ascii: "{") else {
            throw .invalidRequest("\(position) must be a JSON object, got \(JSONDescription.of(batch[range]))")
        }
        let fields = try RecordFields(bytes: batch, range: range, label: position)
        guard let id = try? fields.string("id"), !id.isEmpty else {
            throw .invalidRequest("\(position) has no \"id\" (a non-empty string is required)")
        }
        guard id.utf8.count <= 128 else { throw .invalidRequest("\(position) has an id longer than 128 bytes") }
        fields.label = "\(position) (id \(id))"
        guard let startedAt = try fields.integer("started_at_ms") else {
            throw fields.problem("started_at_ms is required (Unix milliseconds)")
        }
        for section in ["client", "route", "http", "usage", "cost", "timing", "error"] {
            try fields.requireObject(section)
        }
        self.id = id
        let record = String(decoding: batch[range], as: UTF8.self)
        values = [
            .text(id),
            .integer(Int64(startedAt)),
            .text(try fields.string("client", "dialect")),
            .text(try fields.string("route", "provider")),
            .text(try fields.string("route", "upstream_dialect")),
            .text(try fields.string("route", "requested_model")),
            .text(try fields.string("route", "upstream_model")),
            .flag(try fields.bool("route", "converted")),
            .flag(try fields.bool("stream")),
            .text(try fields.string("outcome")),
            .integer(try fields.integer("http", "status")),
            .integer(try fields.integer("http", "upstream", "status")),
            .text(try fields.string("http", "method")),
            .text(try fields.string("http", "path")),
            .text(try fields.string("client", "ip")),
            .text(try fields.string("client", "user_agent")),
            .integer(try fields.integer("http", "request_bytes")),
            .integer(try fields.integer("http", "response_bytes")),
            .integer(try fields.integer("usage", "input")),
            .integer(try fields.integer("usage", "output")),
            .integer(try fields.integer("usage", "cache_read")),
            .integer(try fields.integer("usage", "cache_write")),
            .integer(try fields.integer("usage", "reasoning")),
            .flag(try fields.bool("usage", "estimated")),
            .real(try fields.number("cost", "total")),
            .real(try fields.number("cost", "cache_savings")),
            .real(try fields.number("cost", "cache_hit_ratio")),
            .real(try fields.number("timing", "upstream_ttfb_ms")),
            .real(try fields.number("timing", "ttft_ms")),
            .real(try fields.number("timing", "tpot_ms")),
            .real(try fields.number("timing", "total_ms")),
            .real(try fields.number("timing", "gateway_overhead_ms")),
            .real(try fields.number("timing", "output_tokens_per_second")),
            .text(try fields.string("error", "message")),
            .text(fields.json("request")),
            .text(fields.json("upstream_request")),
            .text(fields.json("response")),
            .text(fields.json("http")),
            .text(fields.json("timing")),
            .text(fields.json("usage")),
            .text(fields.json("cost")),
            .text(fields.json("raw_events")),
            .text(fields.json("error")),
            .text(record),
        ]
        assert(values.count == ExchangeSchema.columns.count)
    }

    /// Reads a `sink:log` body: a JSON array of records.
    /// - Throws: `PluginError.invalidRequest` for a body that is not a JSON array or any malformed record; the
    ///   whole batch is refused, so nothing of it is written.
    static func batch(from body: UnsafeRawBufferPointer) throws(PluginError) -> [ExchangeRow] {
        let bytes = Array(body)
        let records: [Range<Int>]?
        do {
            records = try JSONScanner.topLevelElements(in: bytes)
        } catch {
            throw .invalidRequest("sink:log expects a JSON array of exchange records; the body is not valid JSON: \(error)")
        }
        guard let records else {
            let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } ?? 0
            throw .invalidRequest("sink:log expects a JSON array of exchange records, got \(JSONDescription.of(bytes[start...]))")
        }
        var rows: [ExchangeRow] = []
        rows.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            rows.append(try ExchangeRow(bytes, range: record, index: index, count: records.count))
        }
        return rows
    }
}

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
    /// The scalar columns, in `ExchangeSchema.columns` order.
    let values: [SQLiteValue]
    /// The JSON text columns that follow them (`request_json` … `record_json`), as ranges of `batch`; nil is NULL.
    let jsonParts: [Range<Int>?]
    /// The batch the record came from (shared by every row of it, not copied).
    let batch: [UInt8]

    /// Reads record `index` (0-based) of a batch of `count`: the bytes at `range` of `batch`.
    /// - Throws: `PluginError.invalidRequest` naming the record and the problem.
    init(_ batch: [UInt8], range: Range<Int>, index: Int, count: Int) throws(PluginError) {
        let position = "record \(index + 1) of \(count)"
        guard batch[range.lowerBound] == UInt8(ascii: "{") else {
            throw .invalidRequest("\(position) must be a JSON object, got \(JSONDescription.of(batch[range]))")
        }
        var fields = try RecordFields(bytes: batch, range: range, label: position)
        guard let id = try? fields.string("id"), !id.isEmpty else {
            throw .invalidRequest("\(position) has no \"id\" (a non-empty string is required)")
        }
        guard id.utf8.count <= 128 else { throw .invalidRequest("\(position) has an id longer than 128 bytes") }
        fields.label = "\(position) (id \(id))"
        guard let startedAt = try fields.integer("started_at_ms") else {
            throw fields.problem("started_at_ms is required (Unix milliseconds)")
        }
        let client = try fields.section("client")
        let route = try fields.section("route")
        let http = try fields.section("http")
        let upstream = try http?.section("upstream")
        let usage = try fields.section("usage")
        let cost = try fields.section("cost")
        let timing = try fields.section("timing")
        let error = try fields.section("error")
        self.id = id
        self.batch = batch
        values = [
            .text(id),
            .integer(Int64(startedAt)),
            .text(try client?.string("dialect")),
            .text(try route?.string("provider")),
            .text(try route?.string("upstream_dialect")),
            .text(try route?.string("requested_model")),
            .text(try route?.string("upstream_model")),
            .flag(try route?.bool("converted")),
            .flag(try fields.bool("stream")),
            .text(try fields.string("outcome")),
            .integer(try http?.integer("status")),
            .integer(try upstream?.integer("status")),
            .text(try http?.string("method")),
            .text(try http?.string("path")),
            .text(try client?.string("ip")),
            .text(try client?.string("user_agent")),
            .integer(try http?.integer("request_bytes")),
            .integer(try http?.integer("response_bytes")),
            .integer(try usage?.integer("input")),
            .integer(try usage?.integer("output")),
            .integer(try usage?.integer("cache_read")),
            .integer(try usage?.integer("cache_write")),
            .integer(try usage?.integer("reasoning")),
            .flag(try usage?.bool("estimated")),
            .real(try cost?.number("total")),
            .real(try cost?.number("cache_savings")),
            .real(try cost?.number("cache_hit_ratio")),
            .real(try timing?.number("upstream_ttfb_ms")),
            .real(try timing?.number("ttft_ms")),
            .real(try timing?.number("tpot_ms")),
            .real(try timing?.number("total_ms")),
            .real(try timing?.number("gateway_overhead_ms")),
            .real(try timing?.number("output_tokens_per_second")),
            .text(try error?.string("message")),
        ]
        jsonParts = [
            fields.json("request"), fields.json("upstream_request"), fields.json("response"), fields.json("http"),
            fields.json("timing"), fields.json("usage"), fields.json("cost"), fields.json("raw_events"),
            fields.json("error"), range,
        ]
        assert(values.count + jsonParts.count == ExchangeSchema.columns.count)
    }

    /// Binds the row to the insert statement of `ExchangeSchema.insertSQL`.
    func bind(to statement: SQLiteStatement) throws(SQLiteError) {
        try statement.bind(values)
        let failure = batch.withUnsafeBytes { bytes -> SQLiteError? in
            for (offset, part) in jsonParts.enumerated() {
                do throws(SQLiteError) {
                    try statement.bindText(part.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) },
                                           at: Int32(values.count + offset + 1))
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
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

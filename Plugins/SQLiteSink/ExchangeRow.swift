import JSONCore
import PluginABI
import PluginKit

/// One exchange record turned into the column values of `ExchangeSchema.columns`.
///
/// The record format is docs/exchange-record.md. Only `id` (a non-empty string) and `started_at_ms` (an integer)
/// are required; every other field may be absent or null and is then stored as NULL. Fields of the wrong type are
/// refused with the record and field named.
struct ExchangeRow {
    /// One column's value as it is bound.
    enum Column {
        case value(SQLiteValue)
        /// UTF-8 text lying in `batch` (a string literal that needs no decoding): bound from there, never copied.
        case batchText(Range<Int>)
    }

    /// The scalar columns, in `ExchangeSchema.storedColumns` order (the first is the id).
    let columns: [Column]
    /// The whole record (the column `record_json`, which follows them), as a range of `batch`.
    let wholeRecord: Range<Int>
    /// The batch the record came from (shared by every row of it, not copied).
    let batch: [UInt8]

    /// Reads one record of a batch from its index (given by the host, or found by walking the record).
    /// - Throws: `PluginError.invalidRequest` naming the record and the problem.
    init(_ record: RecordIndex) throws(PluginError) {
        guard let id = try? record.text(LESSLLM_RECORD_ID), Self.count(of: id) > 0 else {
            throw .invalidRequest("\(record.position) has no \"id\" (a non-empty string is required)")
        }
        guard Self.count(of: id) <= 128 else {
            throw .invalidRequest("\(record.position) has an id longer than 128 bytes")
        }
        guard let startedAt = try record.integer(LESSLLM_RECORD_STARTED_AT_MS) else {
            throw record.problem("started_at_ms is required (Unix milliseconds)")
        }
        batch = record.bytes
        columns = [
            id,
            .value(.integer(Int64(startedAt))),
            try record.text(LESSLLM_RECORD_CLIENT_DIALECT),
            try record.text(LESSLLM_RECORD_PROVIDER),
            try record.text(LESSLLM_RECORD_UPSTREAM_DIALECT),
            try record.text(LESSLLM_RECORD_REQUESTED_MODEL),
            try record.text(LESSLLM_RECORD_UPSTREAM_MODEL),
            .value(.flag(try record.bool(LESSLLM_RECORD_CONVERTED))),
            .value(.flag(try record.bool(LESSLLM_RECORD_STREAM))),
            try record.text(LESSLLM_RECORD_OUTCOME),
            .value(.integer(try record.integer(LESSLLM_RECORD_STATUS))),
            .value(.integer(try record.integer(LESSLLM_RECORD_UPSTREAM_STATUS))),
            try record.text(LESSLLM_RECORD_METHOD),
            try record.text(LESSLLM_RECORD_PATH),
            try record.text(LESSLLM_RECORD_CLIENT_IP),
            try record.text(LESSLLM_RECORD_USER_AGENT),
            .value(.integer(try record.integer(LESSLLM_RECORD_REQUEST_BYTES))),
            .value(.integer(try record.integer(LESSLLM_RECORD_RESPONSE_BYTES))),
            .value(.integer(try record.integer(LESSLLM_RECORD_INPUT_TOKENS))),
            .value(.integer(try record.integer(LESSLLM_RECORD_OUTPUT_TOKENS))),
            .value(.integer(try record.integer(LESSLLM_RECORD_CACHE_READ_TOKENS))),
            .value(.integer(try record.integer(LESSLLM_RECORD_CACHE_WRITE_TOKENS))),
            .value(.integer(try record.integer(LESSLLM_RECORD_REASONING_TOKENS))),
            .value(.flag(try record.bool(LESSLLM_RECORD_TOKENS_ESTIMATED))),
            .value(.real(try record.number(LESSLLM_RECORD_COST_TOTAL))),
            .value(.real(try record.number(LESSLLM_RECORD_CACHE_SAVINGS))),
            .value(.real(try record.number(LESSLLM_RECORD_CACHE_HIT_RATIO))),
            .value(.real(try record.number(LESSLLM_RECORD_UPSTREAM_TTFB_MS))),
            .value(.real(try record.number(LESSLLM_RECORD_TTFT_MS))),
            .value(.real(try record.number(LESSLLM_RECORD_TPOT_MS))),
            .value(.real(try record.number(LESSLLM_RECORD_TOTAL_MS))),
            .value(.real(try record.number(LESSLLM_RECORD_GATEWAY_OVERHEAD_MS))),
            .value(.real(try record.number(LESSLLM_RECORD_OUTPUT_TOKENS_PER_SECOND))),
            try record.text(LESSLLM_RECORD_ERROR_MESSAGE),
        ]
        guard let whole = record.json(LESSLLM_RECORD_WHOLE) else {
            throw record.problem("the index does not say where the record itself lies")
        }
        wholeRecord = whole
        assert(columns.count + 1 == ExchangeSchema.storedColumns.count)
    }

    /// The exchange id (the primary key), for messages.
    var id: String {
        switch columns[0] {
        case .batchText(let range): String(decoding: batch[range], as: UTF8.self)
        case .value(let value): if case .text(let text) = value { text } else { "" }
        }
    }

    /// How many bytes a text column holds (0 for anything else).
    private static func count(of column: Column) -> Int {
        switch column {
        case .batchText(let range): range.count
        case .value(let value): if case .text(let text) = value { text.utf8.count } else { 0 }
        }
    }

    /// Binds the row to the insert statement of `ExchangeSchema.insertSQL` and runs it. Text is bound from the
    /// batch in place, so the bindings are only valid while this runs: the statement is run here, and the caller
    /// resets it (`reset`) before the batch goes.
    func insert(with statement: SQLiteStatement) throws(SQLiteError) {
        let failure = batch.withUnsafeBytes { bytes -> SQLiteError? in
            do throws(SQLiteError) {
                for (offset, column) in columns.enumerated() {
                    switch column {
                    case .value(let value):
                        try statement.bind(value, at: Int32(offset + 1))
                    case .batchText(let range):
                        try statement.bindText(UnsafeRawBufferPointer(rebasing: bytes[range]), at: Int32(offset + 1),
                                               inPlace: true)
                    }
                }
                try statement.bindText(UnsafeRawBufferPointer(rebasing: bytes[wholeRecord]),
                                       at: Int32(columns.count + 1), inPlace: true)
                try statement.run()
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Reads a `sink:log` body: a JSON array of records, with the host's index of their fields when it sent one
    /// (`fieldCount` entries per record; empty `fields` when it did not).
    /// - Throws: `PluginError.invalidRequest` for a body that is not a JSON array, any malformed record, or an
    ///   index that does not describe the batch; the whole batch is refused, so nothing of it is written.
    static func batch(from body: UnsafeRawBufferPointer, fields: UnsafeBufferPointer<lessllm_bytes>,
                      fieldCount: Int) throws(PluginError) -> [ExchangeRow] {
        let bytes = Array(body)
        if fieldCount > 0 && !fields.isEmpty {
            return try indexedBatch(bytes, body: body, fields: fields, fieldCount: fieldCount)
        }
        let records: [Range<Int>]?
        do {
            records = try JSONScanner.topLevelElements(in: bytes)
        } catch {
            throw .invalidRequest("sink:log expects a JSON array of exchange records; the body is not valid JSON: \(error)")
        }
        guard let records else { throw notAnArray(bytes) }
        var rows: [ExchangeRow] = []
        rows.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            let position = RecordPosition(index: index, count: records.count)
            guard bytes[record.lowerBound] == UInt8(ascii: "{") else {
                throw .invalidRequest("\(position) must be a JSON object, got \(JSONDescription.of(bytes[record]))")
            }
            rows.append(try ExchangeRow(RecordIndex(bytes: bytes, walking: record, position: position)))
        }
        return rows
    }

    /// The rows of a batch the host indexed. The batch is the host's own writing, so it is not validated byte by
    /// byte (that pass cost more than reading the columns): every entry must lie inside the batch, and the records'
    /// own entries must tile the array exactly — `[`, the records separated by commas, `]` — each an object. A
    /// string or number column is still checked as it is read.
    private static func indexedBatch(_ bytes: [UInt8], body: UnsafeRawBufferPointer,
                                     fields: UnsafeBufferPointer<lessllm_bytes>,
                                     fieldCount: Int) throws(PluginError) -> [ExchangeRow] {
        let count = fields.count / fieldCount  // PluginKit sizes `fields` as record_count × record_field_count
        var cursor = skippingWhitespace(bytes, from: 0)
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") else { throw notAnArray(bytes) }
        cursor = skippingWhitespace(bytes, from: cursor + 1)
        var rows: [ExchangeRow] = []
        rows.reserveCapacity(count)
        for index in 0..<count {
            let position = RecordPosition(index: index, count: count)
            let entries = UnsafeBufferPointer(rebasing: fields[(index * fieldCount)...].prefix(fieldCount))
            let recordIndex = try RecordIndex(bytes: bytes, given: entries, body: body, position: position)
            guard let record = recordIndex.json(LESSLLM_RECORD_WHOLE), record.lowerBound == cursor,
                  bytes[record.lowerBound] == UInt8(ascii: "{"), bytes[record.upperBound - 1] == UInt8(ascii: "}")
            else {
                if cursor < bytes.count && bytes[cursor] == UInt8(ascii: "]") {
                    throw .invalidRequest(
                        "sink:log: the host's record index covers \(count) records, the batch holds \(index)")
                }
                throw .invalidRequest("\(position): the host's record index does not match the batch's records")
            }
            cursor = skippingWhitespace(bytes, from: record.upperBound)
            let separator = index + 1 < count ? UInt8(ascii: ",") : UInt8(ascii: "]")
            guard cursor < bytes.count, bytes[cursor] == separator else {
                if index + 1 == count && cursor < bytes.count && bytes[cursor] == UInt8(ascii: ",") {
                    throw .invalidRequest(
                        "sink:log: the host's record index covers \(count) records, the batch holds more")
                }
                if index + 1 < count && cursor < bytes.count && bytes[cursor] == UInt8(ascii: "]") {
                    throw .invalidRequest(
                        "sink:log: the host's record index covers \(count) records, the batch holds \(index + 1)")
                }
                throw .invalidRequest("\(position): the host's record index does not match the batch's records")
            }
            cursor = skippingWhitespace(bytes, from: cursor + 1)
            rows.append(try ExchangeRow(recordIndex))
        }
        guard cursor == bytes.count else {
            throw .invalidRequest("sink:log: the batch goes on after its closing bracket")
        }
        return rows
    }

    private static func skippingWhitespace(_ bytes: [UInt8], from start: Int) -> Int {
        var cursor = start
        while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x0A || bytes[cursor] == 0x0D
            || bytes[cursor] == 0x09 {
            cursor += 1
        }
        return cursor
    }

    private static func notAnArray(_ bytes: [UInt8]) -> PluginError {
        let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } ?? 0
        return .invalidRequest("sink:log expects a JSON array of exchange records, got \(JSONDescription.of(bytes[start...]))")
    }
}

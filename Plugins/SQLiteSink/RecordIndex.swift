import JSONCore
import PluginABI
import PluginKit

/// Where the indexed fields (`LESSLLM_RECORD_*`) of one exchange record lie in its batch, and their values read
/// typed, with errors that name the record and the field.
///
/// A host of ABI 1.1 hands the index beside the batch (`record_fields`): then nothing of the record is walked. For
/// an earlier host (and in tests) the index is found by walking the record's members and sections with
/// `RecordFields`. Either way a field that is absent or `null` reads as nil, and a field of the wrong type is an
/// error, so a host bug shows up at once instead of as silently empty columns.
struct RecordIndex {
    /// The whole batch; the ranges index into it.
    let bytes: [UInt8]
    /// Per field, the range of its value's JSON text; nil when absent or null.
    private let ranges: [Range<Int>?]
    /// Where the record is in its batch.
    let position: RecordPosition

    /// "record 3 of 5 (id 01…)", the prefix of every error about a field (the id when the record has one). Made
    /// only for an error: formatting it for every record cost ~2 % of storing one.
    var label: String { Self.label(position, id: ranges[Int(LESSLLM_RECORD_ID)], in: bytes) }

    /// Each field's path in the record ("" for the record itself), by `LESSLLM_RECORD_*`.
    static let paths: [String] = [
        "", "id", "started_at_ms", "client.dialect", "client.ip", "client.user_agent", "route.provider",
        "route.upstream_dialect", "route.requested_model", "route.upstream_model", "route.converted", "stream",
        "outcome", "error", "error.message", "http", "http.method", "http.path", "http.status", "http.request_bytes",
        "http.response_bytes", "http.upstream.status", "response", "raw_events", "timing", "timing.upstream_ttfb_ms",
        "timing.ttft_ms", "timing.tpot_ms", "timing.output_tokens_per_second", "timing.total_ms",
        "timing.gateway_overhead_ms", "usage", "usage.input", "usage.output", "usage.cache_read", "usage.cache_write",
        "usage.reasoning", "usage.estimated", "cost", "cost.total", "cost.cache_savings", "cost.cache_hit_ratio",
        "request", "upstream_request",
    ]

    /// The index the host gave for one record: `given` are its entries (pointers into `body`, which `bytes` copies).
    /// Where the record itself lies (`LESSLLM_RECORD_WHOLE`) is for the caller to check against the batch.
    /// - Throws: `PluginError.invalidRequest` when an entry points outside the batch.
    init(bytes: [UInt8], given: UnsafeBufferPointer<lessllm_bytes>, body: UnsafeRawBufferPointer,
         position: RecordPosition) throws(PluginError) {
        var ranges = [Range<Int>?](repeating: nil, count: Self.paths.count)
        let base = UInt(bitPattern: body.baseAddress)
        let end = UInt(body.count)
        for (field, entry) in given.prefix(ranges.count).enumerated() {
            guard let pointer = entry.ptr, entry.len > 0 else { continue }
            let offset = UInt(bitPattern: pointer) &- base
            // Compared without adding, so no length, however wrong, can overflow.
            guard UInt(bitPattern: pointer) >= base, offset <= end, UInt(entry.len) <= end - offset else {
                throw .invalidRequest(
                    "\(position): the host's record index places \(Self.describe(field)) outside the batch")
            }
            ranges[field] = Int(offset)..<Int(offset) + entry.len
        }
        self.bytes = bytes
        self.ranges = ranges
        self.position = position
    }

    /// The index of the record at `record`, found by walking its JSON.
    /// - Throws: `PluginError.invalidRequest` when the record or one of its sections is not an object.
    init(bytes: [UInt8], walking record: Range<Int>, position: RecordPosition) throws(PluginError) {
        var fields = try RecordFields(bytes: bytes, range: record, label: position.description)
        let label = Self.label(position, id: fields.json("id"), in: bytes)
        fields.label = label
        var sections: [String: RecordFields?] = ["": fields]
        func section(_ path: String) throws(PluginError) -> RecordFields? {
            if let known = sections[path] { return known }
            let (parentPath, key) = Self.split(path)
            let found = try section(parentPath)?.section(key)
            sections[path] = found
            return found
        }
        var ranges = [Range<Int>?](repeating: nil, count: Self.paths.count)
        ranges[Int(LESSLLM_RECORD_WHOLE)] = record
        for (field, path) in Self.paths.enumerated() where !path.isEmpty {
            let (parentPath, key) = Self.split(path)
            ranges[field] = try section(parentPath)?.json(key)
        }
        self.bytes = bytes
        self.ranges = ranges
        self.position = position
    }

    // MARK: - Typed fields

    /// Where a field's JSON text lies in the batch (`LESSLLM_RECORD_REQUEST`, …); nil when absent or null.
    func json(_ field: Int32) -> Range<Int>? { ranges[Int(field)] }

    /// A string field.
    func string(_ field: Int32) throws(PluginError) -> String? {
        guard let range = json(field) else { return nil }
        guard let text = Self.decodedString(at: range, in: bytes) else {
            throw mismatch(field, expected: "a string", got: range)
        }
        return text
    }

    /// A string field as a column: where its text lies in the batch when the literal holds it as is (ASCII, no
    /// escapes: model names, ids, paths, outcomes), so it is bound from there; decoded otherwise.
    func text(_ field: Int32) throws(PluginError) -> ExchangeRow.Column {
        guard let range = json(field) else { return .value(.null) }
        let plain = bytes.withUnsafeBytes { JSONScanner.plainStringContent(UnsafeRawBufferPointer(rebasing: $0[range])) }
        if let plain { return .batchText(range.lowerBound + plain.lowerBound..<range.lowerBound + plain.upperBound) }
        return .value(.text(try string(field)))
    }

    /// An integer field (JSON number without fraction or exponent, within 64 bits).
    func integer(_ field: Int32) throws(PluginError) -> Int? {
        guard let range = json(field) else { return nil }
        guard let number = JSONScanner.integer(in: bytes[range]) else {
            throw mismatch(field, expected: "an integer", got: range)
        }
        return number
    }

    /// A number field.
    func number(_ field: Int32) throws(PluginError) -> Double? {
        guard let range = json(field) else { return nil }
        let first = bytes[range.lowerBound]
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              let number = JSONScanner.shortDecimal(in: bytes[range])
                  ?? Double(String(decoding: bytes[range], as: UTF8.self)),
              number.isFinite
        else { throw mismatch(field, expected: "a number", got: range) }
        return number
    }

    /// A boolean field.
    func bool(_ field: Int32) throws(PluginError) -> Bool? {
        guard let range = json(field) else { return nil }
        if bytes[range].elementsEqual("true".utf8) { return true }
        if bytes[range].elementsEqual("false".utf8) { return false }
        throw mismatch(field, expected: "true or false", got: range)
    }

    /// An error about this record.
    func problem(_ message: String) -> PluginError { .invalidRequest("\(label): \(message)") }

    // MARK: - Helpers

    /// "record 3 of 5 (id 01…)" when the record's id is a string, else the position alone.
    private static func label(_ position: RecordPosition, id range: Range<Int>?, in bytes: [UInt8]) -> String {
        guard let range, let id = decodedString(at: range, in: bytes), !id.isEmpty, id.utf8.count <= 128 else {
            return position.description
        }
        return "\(position) (id \(id))"
    }

    /// The text of the JSON string literal at `range`; nil when the value there is not a string.
    private static func decodedString(at range: Range<Int>, in bytes: [UInt8]) -> String? {
        guard bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return bytes.withUnsafeBytes { try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// "usage.input" → ("usage", "input"); "id" → ("", "id").
    private static func split(_ path: String) -> (parent: String, key: String) {
        guard let dot = path.lastIndex(of: ".") else { return ("", path) }
        return (String(path[..<dot]), String(path[path.index(after: dot)...]))
    }

    private static func describe(_ field: Int) -> String {
        field < paths.count && !paths[field].isEmpty ? paths[field] : "the record"
    }

    private func mismatch(_ field: Int32, expected: String, got range: Range<Int>) -> PluginError {
        problem("\(Self.describe(Int(field))) must be \(expected), got \(JSONDescription.of(bytes[range]))")
    }
}

/// Where a record is in its batch, as messages name it: "record 3 of 5".
struct RecordPosition: CustomStringConvertible {
    /// 0-based.
    let index: Int
    let count: Int

    var description: String { "record \(index + 1) of \(count)" }
}

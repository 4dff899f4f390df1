import PluginABI

/// An exchange record being written as JSON text, with where its indexed fields lie in that text: what a `sink:log`
/// batch carries beside the records (ABI 1.1 `record_fields`), so a sink stores its columns without walking the
/// JSON again.
struct RecordText {
    /// The record so far (docs/exchange-record.md).
    var json: JSONTextWriter
    /// Per `LESSLLM_RECORD_*` field, the range of its value's JSON text in `json.bytes`; nil when absent or null.
    private(set) var fields: [Range<Int>?]

    init(capacity: Int) {
        json = JSONTextWriter(capacity: capacity)
        fields = Array(repeating: nil, count: Int(LESSLLM_RECORD_FIELD_COUNT))
        fields[Int(LESSLLM_RECORD_WHOLE)] = 0..<0
    }

    /// The finished record's bytes.
    var bytes: [UInt8] { json.bytes }

    /// Writes the member `"key":` with the value `write` writes, and notes where that value lies as `field` (not
    /// when it is `null`: the index says "absent or null" with no range).
    mutating func member(_ key: StaticString, field: Int32, _ write: (inout RecordText) -> Void) {
        json.key(key)
        let start = json.count
        write(&self)
        if json.bytes[start] != UInt8(ascii: "n") {
            fields[Int(field)] = start..<json.count
        }
    }

    /// Marks the record as complete: the whole text is the `LESSLLM_RECORD_WHOLE` field.
    mutating func finish() {
        fields[Int(LESSLLM_RECORD_WHOLE)] = 0..<json.count
    }
}

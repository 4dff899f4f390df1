import JSONCore
import PluginKit

/// Typed reading of one JSON object of an exchange record — the record itself, or one of its sections such as
/// `usage` — straight from the batch's bytes, with errors that name the record and the field.
///
/// Nothing is turned into a document: the batch is validated once, then each object's members are located by
/// `JSONScanner`'s boundary walk, scalar fields are decoded where they lie, and the JSON parts (`request`, `http`, …)
/// are handed on as byte ranges of the exact text the host sent — nothing is parsed and serialised again. A field
/// that is absent or `null` reads as nil; a field of the wrong type is an error, so a host bug shows up at once
/// instead of as silently empty columns.
struct RecordFields {
    /// The whole batch; ranges below index into it.
    private let bytes: [UInt8]
    /// The object's members (the last of a repeated key wins, as in JSON parsing). Records have a few dozen
    /// members at most, so a linear search beats hashing every key.
    private let members: [JSONScanner.Member]
    /// Where this object sits in the record, for messages: "" for the record, "http.upstream." for a section.
    private let path: String
    /// "record 3 of 5 (id 01…)", the prefix of every error.
    var label: String

    /// Locates the members of the record at `range` of `bytes`.
    /// - Throws: `PluginError.invalidRequest` when the record is not an object.
    init(bytes: [UInt8], range: Range<Int>, label: String) throws(PluginError) {
        self.init(bytes: bytes, members: try Self.members(of: range, in: bytes, describing: label), path: "", label: label)
    }

    private init(bytes: [UInt8], members: [JSONScanner.Member], path: String, label: String) {
        self.bytes = bytes
        self.members = members
        self.path = path
        self.label = label
    }

    // MARK: - Typed fields

    /// An object section (`usage`, `http`, `http`'s `upstream`…); nil when absent or null.
    /// - Throws: when it is present and not an object.
    func section(_ key: String) throws(PluginError) -> RecordFields? {
        guard let range = valueRange(key) else { return nil }
        guard bytes[range.lowerBound] == UInt8(ascii: "{") else { throw mismatch(key, expected: "an object", got: range) }
        return RecordFields(bytes: bytes, members: try Self.members(of: range, in: bytes, describing: label),
                            path: path + key + ".", label: label)
    }

    /// A string field.
    func string(_ key: String) throws(PluginError) -> String? {
        guard let range = valueRange(key) else { return nil }
        guard bytes[range.lowerBound] == UInt8(ascii: "\"") else { throw mismatch(key, expected: "a string", got: range) }
        return bytes.withUnsafeBytes { try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// An integer field (JSON number without fraction or exponent, within 64 bits).
    func integer(_ key: String) throws(PluginError) -> Int? {
        guard let range = valueRange(key) else { return nil }
        guard let number = Self.integer(in: bytes[range]) else { throw mismatch(key, expected: "an integer", got: range) }
        return number
    }

    /// A number field.
    func number(_ key: String) throws(PluginError) -> Double? {
        guard let range = valueRange(key) else { return nil }
        let first = bytes[range.lowerBound]
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              let number = Double(String(decoding: bytes[range], as: UTF8.self)), number.isFinite
        else { throw mismatch(key, expected: "a number", got: range) }
        return number
    }

    /// A boolean field.
    func bool(_ key: String) throws(PluginError) -> Bool? {
        guard let range = valueRange(key) else { return nil }
        if bytes[range].elementsEqual("true".utf8) { return true }
        if bytes[range].elementsEqual("false".utf8) { return false }
        throw mismatch(key, expected: "true or false", got: range)
    }

    /// Where a member's JSON text lies in the batch (`request`, `http`, …); nil when absent or null.
    func json(_ key: String) -> Range<Int>? { valueRange(key) }

    /// An error about this record.
    func problem(_ message: String) -> PluginError { .invalidRequest("\(label): \(message)") }

    // MARK: - Locating values

    /// The value range of the last member named `key`, nil when there is none or it is null.
    private func valueRange(_ key: String) -> Range<Int>? {
        guard let range = members.last(where: { $0.key == key })?.valueRange else { return nil }
        // Valid JSON (the batch was checked): a value starting with `n` is `null`.
        return bytes[range.lowerBound] == UInt8(ascii: "n") ? nil : range
    }

    /// The members of the object at `range`, with ranges into the whole batch.
    ///
    /// The batch was validated as a whole (`ExchangeRow.batch`), so the record and its sections are only walked
    /// for their boundaries, not checked again level by level.
    private static func members(of range: Range<Int>, in bytes: [UInt8], describing label: String)
        throws(PluginError) -> [JSONScanner.Member] {
        let members = bytes.withUnsafeBytes { buffer in
            try? JSONScanner.membersOfValidatedObject(in: UnsafeRawBufferPointer(rebasing: buffer[range]),
                                                      offsetBy: range.lowerBound)
        }
        guard let members else { throw .invalidRequest("\(label) is not a JSON object") }
        return members
    }

    /// A JSON integer's value: digits with an optional minus, no fraction or exponent, within 64 bits.
    private static func integer(in text: ArraySlice<UInt8>) -> Int? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, carry) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !carry else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    private func mismatch(_ key: String, expected: String, got range: Range<Int>) -> PluginError {
        problem("\(path)\(key) must be \(expected), got \(JSONDescription.of(bytes[range]))")
    }
}

/// Short descriptions of JSON values for error messages: `a string ("abc")`, `a number (1.5)`.
enum JSONDescription {
    /// What `value` is, with a short excerpt of it.
    static func of(_ value: JSONValue) -> String {
        of(ArraySlice(value.serializedBytes()))
    }

    /// What the JSON text `raw` is, with a short excerpt of it.
    static func of(_ raw: ArraySlice<UInt8>) -> String {
        let kind = switch raw.first {
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "{"): "an object"
        default: "a number"
        }
        switch raw.first {
        case UInt8(ascii: "n"), UInt8(ascii: "["), UInt8(ascii: "{"): return kind
        default:
            var text = String(decoding: raw, as: UTF8.self)
            if text.count > 40 { text = String(text.prefix(40)) + "…" }
            return "\(kind) (\(text))"
        }
    }
}

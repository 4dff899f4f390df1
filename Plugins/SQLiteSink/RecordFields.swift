import JSONCore
import PluginKit

/// The members of one JSON object of an exchange record — the record itself, or one of its sections such as
/// `usage` — located straight in the batch's bytes: how `RecordIndex` finds a record's fields when the host sent no
/// index (hosts before ABI 1.1).
///
/// Nothing is turned into a document: the batch is validated once, then each object's members are located by
/// `JSONScanner`'s boundary walk, and values are handed on as byte ranges of the exact text the host sent.
struct RecordFields {
    /// The whole batch; ranges below index into it.
    private let bytes: [UInt8]
    /// The object's members (the last of a repeated key wins, as in JSON parsing). Records have a few dozen
    /// members at most, so a linear search beats hashing every key.
    private let members: [JSONScanner.Member]
    /// Where this object sits in the record, for messages: "" for the record, "http.upstream." for a section.
    private let path: String
    /// "record 3 of 5 (id 01…)", the prefix of every error; sections found later carry it on.
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

    /// An object section (`usage`, `http`, `http`'s `upstream`…); nil when absent or null.
    /// - Throws: when it is present and not an object.
    func section(_ key: String) throws(PluginError) -> RecordFields? {
        guard let range = json(key) else { return nil }
        guard bytes[range.lowerBound] == UInt8(ascii: "{") else {
            throw .invalidRequest("\(label): \(path)\(key) must be an object, got \(JSONDescription.of(bytes[range]))")
        }
        return RecordFields(bytes: bytes, members: try Self.members(of: range, in: bytes, describing: label),
                            path: path + key + ".", label: label)
    }

    /// Where the value of the last member named `key` lies in the batch; nil when there is none or it is null.
    func json(_ key: String) -> Range<Int>? {
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

import JSONCore
import PluginKit

/// Typed reading of one exchange record straight from its JSON bytes, with errors that name the record and the
/// field.
///
/// The record is never turned into a document: its members are located with `JSONScanner` (one validating pass),
/// scalar fields are decoded where they lie, and the JSON parts (`request`, `http`, …) are stored as the exact text
/// the host sent — nothing is parsed and serialised again. A field that is absent or `null` reads as nil; a field
/// of the wrong type is an error, so a host bug shows up at once instead of as silently empty columns.
final class RecordFields {
    /// The whole batch; ranges below index into it.
    private let bytes: [UInt8]
    /// The record's top-level members (the last of a repeated key wins, as in JSON parsing). Records have a few
    /// dozen members at most, so a linear search beats hashing every key.
    private let members: [Member]
    /// Members of the object sections read so far.
    private var sections: [(path: String, members: [Member])] = []

    /// A member's key and where its value lies in the whole batch.
    private struct Member {
        let key: String
        let range: Range<Int>
    }
    /// "record 3 of 5 (id 01…)", the prefix of every error.
    var label: String

    /// Locates the members of the record at `range` of `bytes`.
    /// - Throws: `PluginError.invalidRequest` when the record is not an object.
    init(bytes: [UInt8], range: Range<Int>, label: String) throws(PluginError) {
        self.bytes = bytes
        self.label = label
        members = try Self.members(of: range, in: bytes, describing: label)
    }

    // MARK: - Typed fields

    /// A string field.
    func string(_ path: String...) throws(PluginError) -> String? {
        guard let range = try valueRange(at: path) else { return nil }
        guard bytes[range.lowerBound] == UInt8(ascii: "\"") else { throw mismatch(path, expected: "a string", got: range) }
        return try? JSONScanner.decodeString(bytes[range])
    }

    /// An integer field (JSON number without fraction or exponent, within 64 bits).
    func integer(_ path: String...) throws(PluginError) -> Int? {
        guard let range = try valueRange(at: path) else { return nil }
        guard let number = Int(String(decoding: bytes[range], as: UTF8.self)) else {
            throw mismatch(path, expected: "an integer", got: range)
        }
        return number
    }

    /// A number field.
    func number(_ path: String...) throws(PluginError) -> Double? {
        guard let range = try valueRange(at: path) else { return nil }
        let first = bytes[range.lowerBound]
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              let number = Double(String(decoding: bytes[range], as: UTF8.self)), number.isFinite
        else { throw mismatch(path, expected: "a number", got: range) }
        return number
    }

    /// A boolean field.
    func bool(_ path: String...) throws(PluginError) -> Bool? {
        guard let range = try valueRange(at: path) else { return nil }
        if bytes[range].elementsEqual("true".utf8) { return true }
        if bytes[range].elementsEqual("false".utf8) { return false }
        throw mismatch(path, expected: "true or false", got: range)
    }

    /// A top-level part as the JSON text the host sent (`request`, `http`, …), nil when absent or null.
    func json(_ key: String) -> String? {
        guard let range = Self.find(key, in: members), !isNull(range) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// An object section (`usage`, `cost`, …) must be an object when present.
    func requireObject(_ key: String) throws(PluginError) {
        guard let range = Self.find(key, in: members), !isNull(range) else { return }
        guard bytes[range.lowerBound] == UInt8(ascii: "{") else { throw mismatch([key], expected: "an object", got: range) }
    }

    /// An error about this record.
    func problem(_ message: String) -> PluginError { .invalidRequest("\(label): \(message)") }

    // MARK: - Locating values

    private func valueRange(at path: [String]) throws(PluginError) -> Range<Int>? {
        var level = members
        var current: Range<Int>?
        for (depth, key) in path.enumerated() {
            guard let range = Self.find(key, in: level), !isNull(range) else { return nil }
            current = range
            guard depth + 1 < path.count else { break }
            let parent = path[...depth].joined(separator: ".")
            guard bytes[range.lowerBound] == UInt8(ascii: "{") else {
                throw mismatch(parent, expected: "an object", got: range)
            }
            if let cached = sections.first(where: { $0.path == parent }) {
                level = cached.members
            } else {
                level = try Self.members(of: range, in: bytes, describing: label)
                sections.append((parent, level))
            }
        }
        return current
    }

    /// The value range of the last member named `key`.
    private static func find(_ key: String, in members: [Member]) -> Range<Int>? {
        members.last { $0.key == key }?.range
    }

    private func isNull(_ range: Range<Int>) -> Bool { bytes[range].elementsEqual("null".utf8) }

    /// The members of the object at `range`, with ranges into the whole batch.
    private static func members(of range: Range<Int>, in bytes: [UInt8], describing label: String)
        throws(PluginError) -> [Member] {
        let members = bytes.withUnsafeBytes { buffer in
            try? JSONScanner.topLevelMembers(in: UnsafeRawBufferPointer(rebasing: buffer[range]))
        }
        guard let members else { throw .invalidRequest("\(label) is not a JSON object") }
        let offset = range.lowerBound
        return members.map { Member(key: $0.key, range: ($0.valueRange.lowerBound + offset)..<($0.valueRange.upperBound + offset)) }
    }

    private func mismatch(_ path: [String], expected: String, got range: Range<Int>) -> PluginError {
        mismatch(path.joined(separator: "."), expected: expected, got: range)
    }

    private func mismatch(_ path: String, expected: String, got range: Range<Int>) -> PluginError {
        problem("\(path) must be \(expected), got \(JSONDescription.of(bytes[range]))")
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

import JSONCore
import PluginKit

/// Typed reading of one exchange record, with errors that name the record and the field.
///
/// A field that is absent or `null` reads as nil; a field of the wrong type is an error, so a host bug shows up at
/// once instead of as silently empty columns.
struct RecordFields {
    private let record: JSONObject
    /// "record 3 of 5 (id 01…)", the prefix of every error.
    private let label: String

    /// - Parameters:
    ///   - record: the record object.
    ///   - label: how errors name the record.
    init(_ record: JSONObject, label: String) {
        self.record = record
        self.label = label
    }

    /// The value at `path` (object keys), nil when absent or null along the way.
    /// - Throws: `PluginError.invalidRequest` when a step on the way is not an object.
    func value(_ path: String...) throws(PluginError) -> JSONValue? {
        try value(at: path)
    }

    private func value(at path: [String]) throws(PluginError) -> JSONValue? {
        var current = JSONValue.object(record)
        for (depth, key) in path.enumerated() {
            guard case .object(let object) = current else {
                let parent = path[..<depth].joined(separator: ".")
                throw mismatch(parent, expected: "an object", got: current)
            }
            guard let next = object[key], !next.isNull else { return nil }
            current = next
        }
        return current
    }

    /// A string field.
    func string(_ path: String...) throws(PluginError) -> String? {
        guard let value = try value(at: path) else { return nil }
        guard let text = value.stringValue else { throw mismatch(path, expected: "a string", got: value) }
        return text
    }

    /// An integer field (JSON number without fraction or exponent, within 64 bits).
    func integer(_ path: String...) throws(PluginError) -> Int? {
        guard let value = try value(at: path) else { return nil }
        guard let number = value.intValue else { throw mismatch(path, expected: "an integer", got: value) }
        return number
    }

    /// A number field.
    func number(_ path: String...) throws(PluginError) -> Double? {
        guard let value = try value(at: path) else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw mismatch(path, expected: "a number", got: value)
        }
        return number
    }

    /// A boolean field.
    func bool(_ path: String...) throws(PluginError) -> Bool? {
        guard let value = try value(at: path) else { return nil }
        guard let flag = value.boolValue else { throw mismatch(path, expected: "true or false", got: value) }
        return flag
    }

    /// A top-level part as compact JSON text (`request`, `http`, …), nil when absent or null.
    func json(_ key: String) -> String? {
        guard let value = record[key], !value.isNull else { return nil }
        return value.serialized()
    }

    /// An object section (`usage`, `cost`, …) must be an object when present.
    func requireObject(_ key: String) throws(PluginError) {
        guard let value = record[key], !value.isNull else { return }
        guard value.objectValue != nil else { throw mismatch([key], expected: "an object", got: value) }
    }

    /// An error about this record.
    func problem(_ message: String) -> PluginError { .invalidRequest("\(label): \(message)") }

    private func mismatch(_ path: [String], expected: String, got value: JSONValue) -> PluginError {
        mismatch(path.joined(separator: "."), expected: expected, got: value)
    }

    private func mismatch(_ path: String, expected: String, got value: JSONValue) -> PluginError {
        problem("\(path) must be \(expected), got \(JSONDescription.of(value))")
    }
}

/// Short descriptions of JSON values for error messages: `a string ("abc")`, `a number (1.5)`.
enum JSONDescription {
    /// What `value` is, with a short excerpt of it.
    static func of(_ value: JSONValue) -> String {
        let kind = switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
        switch value {
        case .null: return kind
        case .array, .object: return kind
        default:
            var text = value.serialized()
            if text.count > 40 { text = String(text.prefix(40)) + "…" }
            return "\(kind) (\(text))"
        }
    }
}

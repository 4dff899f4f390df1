import JSONCore
import PluginKit

/// The members of one JSON object of a query, read with precise errors: every message names the parameter
/// (`filters.stream`), what it must be, and what was given.
struct QueryParameters {
    private let members: JSONObject
    /// The prefix for parameter names in messages ("" at the top level, "filters." inside filters).
    private let prefix: String

    /// Checks that `value` is an object whose keys are all in `known`.
    /// - Parameters:
    ///   - what: the object's name in messages ("a list query", "filters").
    ///   - prefix: prepended to parameter names in messages.
    /// - Throws: `PluginError.invalidRequest` for a non-object or unknown keys (all listed, with the valid ones).
    init(_ value: JSONValue, what: String, prefix: String = "", known: [String]) throws(PluginError) {
        guard case .object(let members) = value else {
            throw .invalidRequest("\(what) must be a JSON object, got \(JSONDescription.of(value))")
        }
        let unknown = members.keys.filter { !known.contains($0) }
        if !unknown.isEmpty {
            let names = unknown.map { "'\(prefix)\($0)'" }.joined(separator: ", ")
            throw .invalidRequest("unknown parameter\(unknown.count == 1 ? "" : "s") \(names) in \(what) "
                + "(valid: \(known.joined(separator: ", ")))")
        }
        self.members = members
        self.prefix = prefix
    }

    /// The raw value of `key`; nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    /// An integer parameter within `range`; nil when absent or null.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(PluginError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.intValue, range.contains(number) else {
            let bounds = switch (range.lowerBound, range.upperBound) {
            case (Int.min, Int.max): ""
            case (let lower, Int.max): " ≥ \(lower)"
            case (let lower, let upper): " from \(lower) to \(upper)"
            }
            throw wrong(key, "an integer\(bounds)", value)
        }
        return number
    }

    /// A string parameter; nil when absent or null.
    func string(_ key: String) throws(PluginError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else { throw wrong(key, "a string", value) }
        return text
    }

    /// A string parameter that must be one of `choices`; nil when absent or null.
    func choice(_ key: String, of choices: [String]) throws(PluginError) -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            throw .invalidRequest("'\(prefix)\(key)' must be one of \(choices.joined(separator: ", ")), got \"\(text)\"")
        }
        return text
    }

    /// A boolean parameter; nil when absent or null.
    func bool(_ key: String) throws(PluginError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else { throw wrong(key, "true or false", value) }
        return flag
    }

    /// A string, or an array of 1 to `limit` strings; nil when absent or null.
    func strings(_ key: String, limit: Int) throws(PluginError) -> [String]? {
        guard let value = value(key) else { return nil }
        if let text = value.stringValue { return [text] }
        let expectation = "a string or an array of 1 to \(limit) strings"
        guard let elements = value.arrayValue, (1...limit).contains(elements.count) else {
            throw wrong(key, expectation, value)
        }
        var texts: [String] = []
        for element in elements {
            guard let text = element.stringValue else { throw wrong(key, expectation, value) }
            texts.append(text)
        }
        return texts
    }

    private func wrong(_ key: String, _ expected: String, _ value: JSONValue) -> PluginError {
        .invalidRequest("'\(prefix)\(key)' must be \(expected), got \(JSONDescription.of(value))")
    }
}

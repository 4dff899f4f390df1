import JSONCore

/// The configuration JSON the host passes to `create`: the instance's plugins.yaml entry.
///
/// Providers get `{"name","base_url","api_key","headers":{…},"options":{…}}`; sinks and converters get
/// `{"name","options":{…}}`. Absent keys are simply missing.
public struct InstanceConfiguration: Sendable {
    /// The whole document.
    public let json: JSONValue

    /// Parses the configuration bytes.
    /// - Throws: `PluginError.config` when they are not a JSON object.
    public init(_ bytes: UnsafeRawBufferPointer) throws(PluginError) {
        do {
            json = bytes.isEmpty ? .object([:]) : try JSONValue(parsing: bytes)
        } catch {
            throw .config("the configuration is not valid JSON: \(error)")
        }
        guard json.objectValue != nil else { throw .config("the configuration is not a JSON object") }
    }

    /// The instance name in plugins.yaml.
    public var name: String { json["name"]?.stringValue ?? "" }

    /// A top-level string setting ("base_url", "api_key"); nil when absent or empty.
    public func string(_ key: String) -> String? {
        guard let value = json[key]?.stringValue, !value.isEmpty else { return nil }
        return value
    }

    /// The configured extra headers, in order.
    public var headers: [(String, String)] {
        json["headers"]?.objectValue?.compactMap { member in member.value.stringValue.map { (member.key, $0) } } ?? []
    }

    /// A value under `options`.
    public func option(_ key: String) -> JSONValue? { json["options"]?[key] }

    /// A string under `options`; nil when absent or empty.
    /// - Throws: `PluginError.config` when present but not a string.
    public func stringOption(_ key: String) throws(PluginError) -> String? {
        guard let value = option(key), !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .config("options.\(key) must be a string") }
        return text.isEmpty ? nil : text
    }

    /// Fails when `options` holds keys the plugin does not know (with a suggestion-free list of the valid ones).
    public func requireOptions(within known: [String]) throws(PluginError) {
        guard let options = json["options"]?.objectValue else { return }
        for key in options.keys where !known.contains(key) {
            throw .config("unknown option '\(key)' (valid options: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        }
    }
}

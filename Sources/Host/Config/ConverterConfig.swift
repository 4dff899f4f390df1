/// One dialect converter instance from `converters:`: a converter plugin and its options.
public struct ConverterConfig: Sendable, Equatable, CustomStringConvertible {
    /// The instance's name (the key under `converters:`).
    public let name: String
    /// Where the name is written.
    public let mark: Mark
    /// The converter plugin that serves this instance.
    public let plugin: PluginReference
    /// Free-form plugin options (a mapping), or nil.
    public let options: YAMLNode?

    /// The keys valid in a converter's mapping.
    static let keys = ["plugin", "options"]

    /// `converter <name> (<plugin id>)`.
    public var description: String { "converter \(name) (\(plugin.id))" }

    /// The configuration handed to the plugin's `create` call, as compact JSON: `{"name":…,"options":{…}}`,
    /// `options` omitted when absent. Thread: any.
    public func pluginConfigJSON() -> String {
        var writer = JSONObjectWriter()
        writer.add("name", string: name)
        if let options { writer.add("options", node: options) }
        return writer.json
    }

    /// Decodes one entry of `converters:`.
    /// - Throws: `ConfigError` for unknown keys, a missing or malformed plugin id, or options that are not a mapping.
    static func decode(_ entry: YAMLNode.Entry, section: String, context: ConfigDecodingContext)
        throws(ConfigError) -> ConverterConfig
    {
        let mapping = try ConfigMapping(entry.value, path: "\(section).\(entry.key)", ownerMark: entry.keyMark,
                                        keys: keys, context: context)
        return ConverterConfig(name: entry.key, mark: entry.keyMark,
                          plugin: try PluginReference.decode(from: mapping, kind: "converter"),
                          options: try mapping.options())
    }
}

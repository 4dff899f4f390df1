/// One log sink instance from `sinks:`: a sink plugin and its options.
public struct SinkConfig: Sendable, Equatable, CustomStringConvertible {
    /// The instance's name (the key under `sinks:`).
    public let name: String
    /// Where the name is written.
    public let mark: Mark
    /// The sink plugin that serves this instance.
    public let plugin: PluginReference
    /// Free-form plugin options (a mapping), or nil.
    public let options: YAMLNode?

    /// The keys valid in a sink's mapping.
    static let keys = ["plugin", "options"]

    /// `sink <name> (<plugin id>)`.
    public var description: String { "sink \(name) (\(plugin.id))" }

    /// The configuration handed to the plugin's `create` call, as compact JSON: `{"name":…,"options":{…}}`,
    /// `options` omitted when absent. Thread: any.
    public func pluginConfigJSON() -> String {
        var writer = JSONObjectWriter()
        writer.add("name", string: name)
        if let options { writer.add("options", node: options) }
        return writer.json
    }

    /// Decodes one entry of `sinks:`.
    /// - Throws: `ConfigError` for unknown keys, a missing or malformed plugin id, or options that are not a mapping.
    static func decode(_ entry: YAMLNode.Entry, section: String, context: ConfigDecodingContext)
        throws(ConfigError) -> SinkConfig
    {
        let mapping = try ConfigMapping(entry.value, path: "\(section).\(entry.key)", ownerMark: entry.keyMark,
                                        keys: keys, context: context)
        return SinkConfig(name: entry.key, mark: entry.keyMark,
                          plugin: try PluginReference.decode(from: mapping, kind: "sink"),
                          options: try mapping.options())
    }
}

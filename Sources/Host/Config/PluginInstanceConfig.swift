/// One converter or sink instance, from `converters:` or `sinks:`: a plugin and its options.
public struct PluginInstanceConfig: Sendable, Equatable, CustomStringConvertible {
    /// The instance's name (the key under its section).
    public let name: String
    /// Where the name is written.
    public let mark: Mark
    /// The plugin that serves this instance.
    public let plugin: PluginReference
    /// Free-form plugin options (a mapping), or nil.
    public let options: YAMLNode?
    /// What kind of instance it is ("converter", "sink"), for messages.
    public let kind: String

    /// The keys valid in the instance's mapping.
    static let keys = ["plugin", "options"]

    /// `<kind> <name> (<plugin id>)`, e.g. `sink sqlite (dev.lessllm.sink.sqlite)`.
    public var description: String { "\(kind) \(name) (\(plugin.id))" }

    /// The configuration handed to the plugin's `create` call, as compact JSON: `{"name":…,"options":{…}}`,
    /// `options` omitted when absent. Thread: any.
    public func pluginConfigJSON() -> String {
        var writer = JSONObjectWriter()
        writer.add("name", string: name)
        if let options { writer.add("options", node: options) }
        return writer.json
    }

    /// Decodes one entry of `section` (`converters` or `sinks`), whose instances are of `kind`.
    /// - Throws: `ConfigError` for unknown keys, a missing or malformed plugin id, or options that are not a mapping.
    static func decode(_ entry: YAMLNode.Entry, section: String, kind: String, context: ConfigDecodingContext)
        throws(ConfigError) -> PluginInstanceConfig
    {
        let mapping = try ConfigMapping(entry.value, path: "\(section).\(entry.key)", ownerMark: entry.keyMark,
                                        keys: keys, context: context)
        return PluginInstanceConfig(name: entry.key, mark: entry.keyMark,
                                    plugin: try PluginReference.decode(from: mapping, kind: kind),
                                    options: try mapping.options(), kind: kind)
    }
}

/// A converter instance from `converters:`.
public typealias ConverterConfig = PluginInstanceConfig
/// A log sink instance from `sinks:`.
public typealias SinkConfig = PluginInstanceConfig

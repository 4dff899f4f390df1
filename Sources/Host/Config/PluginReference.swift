/// A plugin named by id in the configuration, with where the id is written (for "no loaded plugin has id …").
public struct PluginReference: Sendable, Hashable, CustomStringConvertible {
    /// The reverse-DNS plugin id, e.g. `dev.lessllm.provider.openai`.
    public let id: String
    /// Where the id is written.
    public let mark: Mark

    /// Creates a reference.
    public init(id: String, mark: Mark) {
        self.id = id
        self.mark = mark
    }

    /// The id.
    public var description: String { id }

    /// Whether `id` is reverse-DNS: at least two dot-separated labels of letters, digits, `-` and `_`, at most 200
    /// bytes (the rule the plugin loader applies to the ids plugins declare).
    static func isValidID(_ id: String) -> Bool {
        let labels = id.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, id.utf8.count <= 200 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        }
    }

    /// Decodes the required `plugin` key of a provider, converter or sink.
    /// - Throws: `ConfigError` (`.missingKey`, `.invalidValue`).
    static func decode(from mapping: ConfigMapping, kind: String) throws(ConfigError) -> PluginReference {
        let example = "dev.lessllm.\(kind).example"
        let found = try mapping.required("plugin", expected: "the reverse-DNS id of a \(kind) plugin, such as "
                                         + "\"\(example)\"") { isValidID($0) ? $0 : nil }
        return PluginReference(id: found.value, mark: found.mark)
    }
}

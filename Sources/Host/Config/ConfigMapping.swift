/// A YAML mapping being decoded at a known path (`providers.openai`): it rejects unknown keys once, with a
/// "did you mean" hint, then hands out typed values whose errors name the path and position.
///
/// An absent key and a key whose value is YAML null (`key:`, `key: ~`) are treated alike: not set.
struct ConfigMapping {
    /// Where errors are reported.
    let context: ConfigDecodingContext
    /// The dotted path of this mapping; empty at the top level.
    let path: String
    /// The position used for "missing key" errors (the owner's key or list item).
    let mark: Mark
    /// The entries, in file order.
    let entries: [YAMLNode.Entry]

    /// Decodes `node` as a mapping whose keys must all be in `keys`. A null node is an empty mapping.
    /// - Throws: `ConfigError` (`.invalidValue` when not a mapping, `.unknownKey`).
    init(_ node: YAMLNode, path: String, ownerMark: Mark? = nil, keys: [String], context: ConfigDecodingContext)
        throws(ConfigError)
    {
        self.context = context
        self.path = path
        self.mark = ownerMark ?? node.mark
        self.entries = try Self.entries(of: node, path: path, expected: "a mapping", context: context)
        for entry in entries where !keys.contains(entry.key) {
            let place = path.isEmpty ? "at the top level" : "in \(path)"
            let hint = KeySuggestion.suggestion(for: entry.key, among: keys).map { " (did you mean '\($0)'?)" }
                ?? " (valid keys: \(keys.joined(separator: ", ")))"
            throw context.error(.unknownKey, "unknown key '\(entry.key)' \(place)\(hint)", at: entry.keyMark)
        }
    }

    /// The entries of a free-form mapping (names chosen by the user); null gives none.
    /// - Throws: `ConfigError` (`.invalidValue`) when `node` is neither a mapping nor null.
    static func entries(of node: YAMLNode, path: String, expected: String, context: ConfigDecodingContext)
        throws(ConfigError) -> [YAMLNode.Entry]
    {
        if node.isNull { return [] }
        guard case .mapping(let entries, _) = node else {
            throw context.invalid(path.isEmpty ? "the configuration" : path, expected: expected, got: node)
        }
        return entries
    }

    /// The path of `key` in this mapping.
    func path(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The value of `key`, or nil when it is absent or null.
    func node(_ key: String) -> YAMLNode? {
        guard let entry = entries.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// Where `key` is written, if it is.
    func keyMark(_ key: String) -> Mark? {
        entries.first { $0.key == key }?.keyMark
    }

    /// The scalar text of `key` parsed by `parse`; nil when not set.
    /// - Throws: `ConfigError` (`.invalidValue`): `path.key: expected <expected>, got <value>` when the value is
    ///   not a scalar or `parse` returns nil; `hint` may add a parenthesised explanation.
    func value<T>(_ key: String, expected: String, hint: (String) -> String? = { _ in nil },
                  parse: (String) -> T?) throws(ConfigError) -> (value: T, mark: Mark)?
    {
        guard let node = node(key) else { return nil }
        return try Self.value(of: node, path: path(key), expected: expected, hint: hint, parse: parse,
                              context: context)
    }

    /// Like `value(_:expected:hint:parse:)`, for a node that is not the value of a key (a list item).
    static func value<T>(of node: YAMLNode, path: String, expected: String, hint: (String) -> String? = { _ in nil },
                         parse: (String) -> T?, context: ConfigDecodingContext) throws(ConfigError)
        -> (value: T, mark: Mark)
    {
        guard case .scalar(let text, _, let mark) = node, !node.isNull, let value = parse(text) else {
            var hintText: String?
            if case .scalar(let text, _, _) = node, !node.isNull { hintText = hint(text) }
            throw context.invalid(path, expected: expected, got: node, hint: hintText)
        }
        return (value, mark)
    }

    /// Like `value(_:expected:hint:parse:)`, but a missing key is an error.
    /// - Throws: `ConfigError` (`.missingKey`): `path: missing required key 'key' (<what>)`, at `mark`.
    func required<T>(_ key: String, expected: String, parse: (String) -> T?) throws(ConfigError)
        -> (value: T, mark: Mark)
    {
        guard let found = try value(key, expected: expected, parse: parse) else {
            throw context.error(.missingKey, "\(path): missing required key '\(key)' (\(expected))",
                                at: keyMark(key) ?? mark)
        }
        return found
    }

    /// A string; nil when not set or when the text is empty (`${VAR:-}` with `VAR` unset means "not set").
    func string(_ key: String, expected: String = "a string") throws(ConfigError) -> (value: String, mark: Mark)? {
        guard let found = try value(key, expected: expected, parse: { $0 }), !found.value.isEmpty else { return nil }
        return found
    }

    /// A boolean: `true`/`false` (also `True`, `TRUE`, `False`, `FALSE`), quoted or not.
    func bool(_ key: String) throws(ConfigError) -> (value: Bool, mark: Mark)? {
        try value(key, expected: "true or false", parse: YAMLScalarSyntax.bool)
    }

    /// The items of a list; nil when not set.
    /// - Throws: `ConfigError` (`.invalidValue`) when the value is not a list.
    func list(_ key: String, expected: String) throws(ConfigError) -> [YAMLNode]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let items, _) = node else {
            throw context.invalid(path(key), expected: expected, got: node)
        }
        return items
    }

    /// A nested mapping with its own allowed keys; nil when not set.
    func mapping(_ key: String, keys: [String]) throws(ConfigError) -> ConfigMapping? {
        guard let node = node(key) else { return nil }
        return try ConfigMapping(node, path: path(key), ownerMark: keyMark(key), keys: keys, context: context)
    }
}

extension ConfigMapping {
    /// The entries of a `name → settings` section (`providers`, `converters`, `sinks`), with names checked against
    /// `[A-Za-z0-9_.-]+`. Absent or null gives none.
    /// - Throws: `ConfigError` (`.invalidValue`).
    func namedSection(_ key: String, expected: String) throws(ConfigError) -> [YAMLNode.Entry] {
        guard let node = node(key) else { return [] }
        let entries = try Self.entries(of: node, path: path(key), expected: expected, context: context)
        for entry in entries where !Self.isValidName(entry.key) {
            throw context.error(.invalidValue, "\(path(key)): invalid name '\(entry.key)' (use letters, digits, "
                                + "'_', '.' and '-')", at: entry.keyMark)
        }
        return entries
    }

    /// The free-form `options` mapping passed to a plugin; nil when absent.
    /// - Throws: `ConfigError` (`.invalidValue`) when it is not a mapping.
    func options() throws(ConfigError) -> YAMLNode? {
        guard let node = node("options") else { return nil }
        guard case .mapping = node else {
            throw context.invalid(path("options"), expected: "a mapping of plugin options", got: node)
        }
        return node
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "." || scalar == "-"
        }
    }
}

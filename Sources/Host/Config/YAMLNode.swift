/// One node of a parsed YAML document, with aliases already resolved.
///
/// The tree is deliberately untyped: scalars stay text (plus whether they were quoted), so that the configuration
/// decoder decides what a value means and can report a precise error when it does not fit.
public enum YAMLNode: Sendable, Equatable {
    /// A scalar: its text (after escapes and line folding), its style and where it starts.
    case scalar(String, style: ScalarStyle, mark: Mark)
    /// A mapping: ordered entries, each with the position of its key, and where the mapping starts.
    case mapping([Entry], mark: Mark)
    /// A sequence: ordered items and where it starts.
    case sequence([YAMLNode], mark: Mark)

    /// How a scalar was written.
    public enum ScalarStyle: Sendable, Equatable {
        /// Unquoted: may mean null, a boolean or a number when the text says so.
        case plain
        /// Single- or double-quoted, a literal (`|`) or folded (`>`) block, tagged `!!str`, or produced by
        /// `${…}` expansion: always a string.
        case quoted
    }

    /// One key/value pair of a mapping.
    public struct Entry: Sendable, Equatable {
        /// The key's text (keys are always scalars).
        public var key: String
        /// Where the key starts.
        public var keyMark: Mark
        /// The value.
        public var value: YAMLNode

        /// Creates an entry.
        public init(key: String, keyMark: Mark, value: YAMLNode) {
            self.key = key
            self.keyMark = keyMark
            self.value = value
        }
    }

    /// Where the node starts.
    public var mark: Mark {
        switch self {
        case .scalar(_, _, let mark), .mapping(_, let mark), .sequence(_, let mark): mark
        }
    }

    /// Whether this is a plain scalar spelled as YAML's null: empty, `~`, `null`, `Null` or `NULL`.
    public var isNull: Bool {
        guard case .scalar(let text, .plain, _) = self else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// A short description for error messages: the quoted text of a scalar, `null`, "a mapping" or "a list".
    var summary: String {
        switch self {
        case .scalar(let text, _, _):
            if isNull { return "null" }
            var quoted = "\""
            for scalar in text.unicodeScalars.prefix(80) {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                case "\n": quoted += "\\n"
                case "\r": quoted += "\\r"
                case "\t": quoted += "\\t"
                case _ where scalar.value < 0x20: quoted += "\\u{\(String(scalar.value, radix: 16))}"
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + (text.unicodeScalars.count > 80 ? "…\"" : "\"")
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

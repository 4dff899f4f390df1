/// Writes one compact JSON object, key by key, for the configuration handed to a plugin's `create` call.
///
/// YAML values become JSON like this: mappings → objects (in file order), sequences → arrays, quoted scalars →
/// strings; plain scalars → `null` (empty, `~`, `null`), `true`/`false`, numbers (YAML integers and decimals in
/// JSON spelling), and strings for everything else.
struct JSONObjectWriter {
    private var text = "{"
    private var isEmpty = true

    /// Starts an empty object.
    init() {}

    /// Adds `"key":"value"`.
    mutating func add(_ key: String, string value: String) {
        addKey(key)
        Self.appendString(value, to: &text)
    }

    /// Adds `"key":{"name":"value",…}` from ordered pairs.
    mutating func add(_ key: String, strings pairs: [(String, String)]) {
        addKey(key)
        text += "{"
        for (index, pair) in pairs.enumerated() {
            if index > 0 { text += "," }
            Self.appendString(pair.0, to: &text)
            text += ":"
            Self.appendString(pair.1, to: &text)
        }
        text += "}"
    }

    /// Adds `"key":<value>` with `value` rendered as JSON.
    mutating func add(_ key: String, node value: YAMLNode) {
        addKey(key)
        Self.append(value, to: &text)
    }

    /// The finished object.
    var json: String { text + "}" }

    private mutating func addKey(_ key: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        Self.appendString(key, to: &text)
        text += ":"
    }

    /// Renders a YAML node as compact JSON.
    static func json(for node: YAMLNode) -> String {
        var text = ""
        append(node, to: &text)
        return text
    }

    private static func append(_ node: YAMLNode, to text: inout String) {
        switch node {
        case .mapping(let entries, _):
            text += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { text += "," }
                appendString(entry.key, to: &text)
                text += ":"
                append(entry.value, to: &text)
            }
            text += "}"
        case .sequence(let items, _):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                append(item, to: &text)
            }
            text += "]"
        case .scalar(let value, .quoted, _):
            appendString(value, to: &text)
        case .scalar(let value, .plain, _):
            if node.isNull {
                text += "null"
            } else if let bool = YAMLScalarSyntax.bool(value) {
                text += bool ? "true" : "false"
            } else if let number = YAMLScalarSyntax.jsonNumber(value) {
                text += number
            } else {
                appendString(value, to: &text)
            }
        }
    }

    /// Appends `value` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`.
    private static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// One extra HTTP header a provider sends upstream.
public struct HeaderField: Sendable, Hashable {
    /// The header name as written (HTTP compares names case-insensitively).
    public let name: String
    /// The value.
    public let value: String
    /// Where the name is written.
    public let mark: Mark

    /// Creates a header field.
    public init(name: String, value: String, mark: Mark) {
        self.name = name
        self.value = value
        self.mark = mark
    }

    /// Whether `name` is an HTTP token (RFC 9110: letters, digits and ``!#$%&'*+-.^_`|~``).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
        }
    }

    /// Whether `value` may be sent: no CR, LF, NUL or other control characters except tab.
    static func isValidValue(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }
    }

    /// Names the host sets itself and a configuration must not override.
    static let reservedNames: Set<String> = ["content-length", "transfer-encoding", "connection"]
}

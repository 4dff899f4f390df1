/// A JSON document held in memory: what converters read, edit and write.
///
/// Numbers keep their source text (`12345678901234567890`, `1.50`, `-0`) so a value passes through the
/// gateway without losing digits; use ``intValue`` or ``doubleValue`` to compute with one. Objects keep
/// their members in source order (see ``JSONObject``).
///
/// Parse with `JSONValue(parsing:)`, write with ``serialized(pretty:)`` or
/// ``write(into:pretty:)``, and build values with literals:
///
/// ```swift
/// let block: JSONValue = ["type": "text", "text": "hi", "index": 0]
/// ```
///
/// Equality (`==`) is semantic: object member order does not matter and numbers compare by value
/// (`1.0 == 1`). Use ``isIdentical(to:)`` when the exact serialized text matters.
///
/// THREAD: a plain value; use it from any thread.
public enum JSONValue: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its JSON source text; it must follow the JSON number grammar (``int(_:)`` and
    /// ``double(_:)`` make valid ones). Text that does not is written as `null`, so output stays valid JSON.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, with members in order.
    case object(JSONObject)
}

extension JSONValue: Equatable {
    /// Semantic equality: objects ignore member order, numbers compare by value (`1.0 == 1`, `-0 == 0`).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(left), .bool(right)): left == right
        case let (.number(left), .number(right)): JSONNumber.areEqual(left, right)
        case let (.string(left), .string(right)): left == right
        case let (.array(left), .array(right)): left == right
        case let (.object(left), .object(right)): left == right
        default: false
        }
    }

    /// True when both values serialize to the same text: same member order, same number text.
    public func isIdentical(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case let (.bool(left), .bool(right)): return left == right
        case let (.number(left), .number(right)): return left == right
        case let (.string(left), .string(right)): return left == right
        case let (.array(left), .array(right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.isIdentical(to: $1) }
        case let (.object(left), .object(right)): return left.isIdentical(to: right)
        default: return false
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text, as ``serialized(pretty:)`` writes it.
    public var description: String { serialized() }
}

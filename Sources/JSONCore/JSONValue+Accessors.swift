extension JSONValue {
    /// The member named `key` when this is an object that has one; nil otherwise.
    ///
    /// Read-only on purpose: a setter would have to ignore or trap on non-objects, and either is wrong for a
    /// body a client sent. Edit through ``objectValue`` and ``JSONObject``'s subscript instead.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index` when this is an array and `index` is in range; nil otherwise.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The text when this is a string.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The flag when this is `true` or `false`.
    public var boolValue: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    /// The number's source text when this is a number, e.g. `"1.50"`.
    public var numberText: String? {
        guard case .number(let text) = self else { return nil }
        return text
    }

    /// The value when this is a number written as an integer (no fraction, no exponent) that fits in `Int`.
    ///
    /// `12.0` and `1e2` give nil: they are not written as integers, and guessing would hide client mistakes.
    public var intValue: Int? {
        guard case .number(let text) = self, JSONNumber.isInteger(text) else { return nil }
        return Int(text)
    }

    /// The nearest `Double` when this is a number; magnitudes beyond `Double`'s range give ±infinity.
    public var doubleValue: Double? {
        guard case .number(let text) = self, JSONNumber.isValid(text) else { return nil }
        return Double(text)
    }

    /// The elements when this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The members when this is an object.
    public var objectValue: JSONObject? {
        guard case .object(let object) = self else { return nil }
        return object
    }

    /// True when this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A number holding `value`, e.g. `.int(42)`.
    public static func int(_ value: Int) -> JSONValue {
        .number(String(value))
    }

    /// A number holding `value`, written as JavaScript would (`1`, `0.5`, `1e+21`, `1e-7`): the shortest
    /// text that reads back as the same `Double`.
    ///
    /// Infinities and NaN give `.null`, as `JSON.stringify` writes them.
    public static func double(_ value: Double) -> JSONValue {
        JSONNumber.text(for: value).map(JSONValue.number) ?? .null
    }
}

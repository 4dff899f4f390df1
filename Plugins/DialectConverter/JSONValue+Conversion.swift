import JSONCore

// Small readers and writers the converters share, so mapping code reads as the mapping and not as unwrapping.

extension JSONValue {
    /// The text when this is a string that is not empty.
    var nonEmptyString: String? {
        guard case .string(let text) = self, !text.isEmpty else { return nil }
        return text
    }

    /// The elements when this is an array, else an empty list.
    var elements: [JSONValue] { arrayValue ?? [] }

    /// A count when this is a non-negative integer; also accepts `12.0`, which some servers write for counts.
    var count: Int? {
        if let value = intValue { return value >= 0 ? value : nil }
        if let value = doubleValue, value >= 0, value.rounded() == value, value < 1e15 { return Int(value) }
        return nil
    }

    /// The value as compact JSON text.
    var compactText: String { serialized() }
}

extension JSONObject {
    /// Sets `key` when `value` is not nil; leaves the object alone otherwise.
    mutating func setIfPresent(_ key: String, _ value: JSONValue?) {
        if let value { self[key] = value }
    }
}

extension String {
    /// True when the text is empty or only spaces, tabs and line breaks (Anthropic refuses such text blocks).
    var isBlank: Bool { unicodeScalars.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" } }

    /// The text without trailing spaces, tabs and line breaks.
    var trimmingTrailingWhitespace: String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" || last == "\r" {
            scalars.removeLast()
        }
        return String(scalars)
    }
}

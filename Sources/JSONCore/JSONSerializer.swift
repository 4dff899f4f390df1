/// Writes a ``JSONValue`` as UTF-8 JSON text in the layout of JavaScript's `JSON.stringify`:
/// compact (`JSON.stringify(v)`) or pretty with a 2-space indent (`JSON.stringify(v, null, 2)`).
struct JSONSerializer {
    private let pretty: Bool

    /// Appends `value` to `buffer`.
    static func write(_ value: JSONValue, into buffer: inout [UInt8], pretty: Bool) {
        JSONSerializer(pretty: pretty).write(value, level: 0, into: &buffer)
    }

    private func write(_ value: JSONValue, level: Int, into buffer: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", into: &buffer)
        case .bool(let flag):
            appendASCII(flag ? "true" : "false", into: &buffer)
        case .number(let text):
            // Text that is not a JSON number (only possible through `.number("…")` by hand) is written as
            // null, as JSON.stringify does for NaN, so the output always parses.
            if JSONNumber.isValid(text) {
                buffer.append(contentsOf: text.utf8)
            } else {
                appendASCII("null", into: &buffer)
            }
        case .string(let text):
            JSONString.encode(text, into: &buffer)
        case .array(let elements):
            guard !elements.isEmpty else { return appendASCII("[]", into: &buffer) }
            buffer.append(ASCII.openBracket)
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(ASCII.comma) }
                startLine(level: level + 1, into: &buffer)
                write(element, level: level + 1, into: &buffer)
            }
            startLine(level: level, into: &buffer)
            buffer.append(ASCII.closeBracket)
        case .object(let object):
            guard !object.isEmpty else { return appendASCII("{}", into: &buffer) }
            buffer.append(ASCII.openBrace)
            for (index, member) in object.enumerated() {
                if index > 0 { buffer.append(ASCII.comma) }
                startLine(level: level + 1, into: &buffer)
                JSONString.encode(member.key, into: &buffer)
                buffer.append(ASCII.colon)
                if pretty { buffer.append(ASCII.space) }
                write(member.value, level: level + 1, into: &buffer)
            }
            startLine(level: level, into: &buffer)
            buffer.append(ASCII.closeBrace)
        }
    }

    /// In pretty mode: a line break and two spaces per level; in compact mode nothing.
    private func startLine(level: Int, into buffer: inout [UInt8]) {
        guard pretty else { return }
        buffer.append(ASCII.newline)
        for _ in 0..<level * 2 { buffer.append(ASCII.space) }
    }

    private func appendASCII(_ text: StaticString, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

extension JSONValue {
    /// The value as JSON text: compact by default, or indented by 2 spaces per level with `pretty`.
    ///
    /// Output matches JavaScript's `JSON.stringify(value)` (or `JSON.stringify(value, null, 2)`) byte for
    /// byte, given the same member order and number text.
    public func serialized(pretty: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty), as: UTF8.self)
    }

    /// The value as UTF-8 JSON text, laid out as ``serialized(pretty:)`` does.
    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var buffer: [UInt8] = []
        // Documents (a converted request or answer) are mostly a few hundred bytes: starting there spares the
        // buffer's first doublings from 16 bytes up.
        if case .object = self { buffer.reserveCapacity(512) }
        write(into: &buffer, pretty: pretty)
        return buffer
    }

    /// Appends the value as UTF-8 JSON text to `buffer`, laid out as ``serialized(pretty:)`` does.
    public func write(into buffer: inout [UInt8], pretty: Bool = false) {
        JSONSerializer.write(self, into: &buffer, pretty: pretty)
    }
}

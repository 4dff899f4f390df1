/// Builds a ``JSONValue`` from raw bytes with the same grammar checks as ``JSONScanner``.
///
/// Recursive descent; recursion is bounded by ``JSONReader/maximumDepth`` (512 frames), well inside any
/// thread's stack.
struct JSONParser {
    private var reader: JSONReader

    /// Parses the single JSON value that `bytes` must hold, with optional whitespace around it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        var parser = JSONParser(reader: JSONReader(bytes))
        parser.reader.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        try parser.reader.expectEndOfInput()
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        switch reader.currentByte {
        case ASCII.openBrace:
            return .object(try parseObject(depth: depth))
        case ASCII.openBracket:
            return .array(try parseArray(depth: depth))
        case ASCII.quote:
            let literal = try reader.readString()
            return .string(JSONStringDecoder.string(from: literal, in: reader.bytes))
        case ASCII.minus, ASCII.zero...ASCII.nine:
            let start = reader.position
            try reader.readNumber()
            return .number(String(copying: UnsafeRawBufferPointer(rebasing: reader.bytes[start..<reader.position])))
        case UInt8(ascii: "t"):
            try reader.readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try reader.readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try reader.readLiteral("null")
            return .null
        default:
            throw reader.unexpected(.value)
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONObject {
        var object = JSONObject()
        if try reader.enterContainer(depth: depth) == .empty { return object }
        repeat {
            let key = JSONStringDecoder.string(from: try reader.readMemberKey(), in: reader.bytes)
            // A repeated key keeps its first position and takes the last value, as JSON.parse does.
            object[key] = try parseValue(depth: depth + 1)
        } while try reader.moveToNextItem(inObject: true)
        return object
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> [JSONValue] {
        var elements: [JSONValue] = []
        if try reader.enterContainer(depth: depth) == .empty { return elements }
        repeat {
            elements.append(try parseValue(depth: depth + 1))
        } while try reader.moveToNextItem(inObject: false)
        return elements
    }
}

extension JSONValue {
    /// Parses one JSON value (RFC 8259, strict) from UTF-8 bytes.
    ///
    /// - Throws: ``JSONError`` for anything outside the grammar: trailing commas, comments, leading zeros,
    ///   unpaired surrogate escapes, control characters or invalid UTF-8 in strings, nesting deeper than
    ///   512 levels, or anything but whitespace after the value.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONError) {
        self = try JSONParser.parse(bytes)
    }

    /// Parses one JSON value from UTF-8 bytes such as `[UInt8]`, `ArraySlice<UInt8>` or `String.UTF8View`;
    /// error offsets count from the collection's first byte.
    ///
    /// - Throws: ``JSONError`` as for the raw-buffer form.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONError) {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) in try JSONParser.parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            self = try Array(bytes).withUnsafeBytes { raw in
                Result { () throws(JSONError) in try JSONParser.parse(raw) }
            }.get()
        }
    }

    /// Parses one JSON value from text; error offsets count UTF-8 bytes.
    ///
    /// - Throws: ``JSONError`` as for the raw-buffer form.
    public init(parsing text: some StringProtocol) throws(JSONError) {
        try self.init(parsing: text.utf8)
    }
}

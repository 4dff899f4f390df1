/// A checked path to a value inside a JSON document, such as `messages[-1].content`.
///
/// Syntax: object keys separated by `.`; array indices in brackets, negative ones counting from the end
/// (`[-1]` is the last element); keys that contain `.`, `[` or `]` in brackets as a JSON string literal
/// (`metadata["user.id"]`). The empty path names the whole document. Examples:
/// `stream_options.include_usage`, `choices[0].delta.tool_calls[1].function.arguments`.
///
/// Checking happens once, in ``init(_:)``; a stored `JSONPath` can then be used on many documents.
///
/// THREAD: a plain value; use it from any thread.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written.
    public let text: String

    /// Checks `text` against the path syntax.
    ///
    /// - Throws: ``JSONError`` of kind ``JSONError/Kind/invalidPath``, e.g. `invalid path 'a..b': empty key at byte 2`.
    public init(_ text: String) throws(JSONError) {
        self.text = text
        try withSteps { steps throws(JSONError) in
            var steps = steps
            while try steps.next() != nil {}
        }
    }

    /// The path as written.
    public var description: String { text }

    /// Runs `body` with the steps of the path, read straight from its UTF-8 (no allocation for native strings).
    func withSteps<Value>(_ body: (PathSteps) throws(JSONError) -> Value) throws(JSONError) -> Value {
        let text = self.text
        let outcome = text.utf8.withContiguousStorageIfAvailable { utf8 in
            Result { () throws(JSONError) in try body(PathSteps(path: text, bytes: UnsafeRawBufferPointer(utf8))) }
        }
        if let outcome { return try outcome.get() }
        return try Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(JSONError) in try body(PathSteps(path: text, bytes: raw)) }
        }.get()
    }
}

/// One step of a path.
enum PathStep {
    /// Enter an object's member with this key.
    case key(KeyPattern)
    /// Enter an array's element; negative indices count from the end.
    case index(Int)
}

/// Reads the steps of a path one at a time.
///
/// LIFETIME: borrows the path's bytes; only valid inside ``JSONPath/withSteps(_:)``.
struct PathSteps {
    /// The path text, for error messages.
    let path: String
    /// The path's UTF-8.
    let bytes: UnsafeRawBufferPointer
    private var position = 0

    /// Steps of `path`, read from its UTF-8 `bytes`.
    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    /// The next step, or nil after the last one.
    mutating func next() throws(JSONError) -> PathStep? {
        guard position < bytes.count else { return nil }
        let byte = bytes[position]
        if byte == ASCII.openBracket { return try bracketStep() }
        if position == 0 { return try plainKey() }
        guard byte == ASCII.period else { throw invalid("expected '.' or '['", at: position) }
        position += 1
        return try plainKey()
    }

    /// A key up to the next `.` or `[`.
    private mutating func plainKey() throws(JSONError) -> PathStep {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == ASCII.period || byte == ASCII.openBracket { break }
            if byte == ASCII.closeBracket { throw invalid("unexpected ']'", at: position) }
            position += 1
        }
        guard position > start else { throw invalid("empty key", at: start) }
        return .key(KeyPattern(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), hasEscapes: false))
    }

    /// `[12]`, `[-1]` or `["a.b"]`.
    private mutating func bracketStep() throws(JSONError) -> PathStep {
        let open = position
        position += 1
        let step: PathStep
        if position < bytes.count, bytes[position] == ASCII.quote {
            var reader = JSONReader(bytes, position: position)
            guard let literal = try? reader.readString() else { throw invalid("invalid quoted key", at: position) }
            position = reader.position
            let content = UnsafeRawBufferPointer(rebasing: bytes[literal.content])
            step = .key(KeyPattern(bytes: content, hasEscapes: literal.hasEscapes))
        } else {
            step = .index(try index())
        }
        guard position < bytes.count else { throw invalid("unclosed '['", at: open) }
        guard bytes[position] == ASCII.closeBracket else { throw invalid("expected ']'", at: position) }
        position += 1
        return step
    }

    /// An optionally negative decimal index.
    private mutating func index() throws(JSONError) -> Int {
        let start = position
        let isNegative = position < bytes.count && bytes[position] == ASCII.minus
        if isNegative { position += 1 }
        var value = 0
        let digitsStart = position
        while position < bytes.count, ASCII.isDigit(bytes[position]) {
            let (times10, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(Int(bytes[position] - ASCII.zero))
            guard !overflowA, !overflowB else { throw invalid("index too large", at: start) }
            value = sum
            position += 1
        }
        guard position > digitsStart else { throw invalid("expected an index or a quoted key", at: start) }
        // "-0" would count from the end yet name no element.
        guard !(isNegative && value == 0) else { throw invalid("index -0 names no element", at: start) }
        return isNegative ? -value : value
    }

    private func invalid(_ problem: String, at offset: Int) -> JSONError {
        JSONError.invalidPath(path, problem: problem, at: offset)
    }
}

extension JSONScanner {
    /// The byte range of the value `path` leads to (e.g. `messages[-1].content`), or nil when a step does
    /// not exist: a missing key, an index out of range, or a step into something that is not an object or
    /// array. Objects and arrays come back as their full range, brackets included.
    ///
    /// One pass over the document, checking all of it; only a negative index re-reads the one element it
    /// picks. A repeated key resolves through its last occurrence, as ``JSONValue`` parsing does.
    ///
    /// - Throws: ``JSONError`` when `path` is malformed or the document is malformed anywhere.
    public static func find(path: String, in bytes: UnsafeRawBufferPointer) throws(JSONError) -> Range<Int>? {
        try find(path: JSONPath(path), in: bytes)
    }

    /// The byte range of the value a checked `path` leads to; see `find(path:in:)` with a `String` path.
    ///
    /// - Throws: ``JSONError`` when the document is malformed anywhere.
    public static func find(path: JSONPath, in bytes: UnsafeRawBufferPointer) throws(JSONError) -> Range<Int>? {
        try path.withSteps { steps throws(JSONError) in
            var reader = JSONReader(bytes)
            reader.skipWhitespace()
            let found = try reader.resolve(steps, depth: 0)
            try reader.expectEndOfInput()
            return found
        }
    }
}

extension JSONReader {
    /// Negative indices up to this size remember element starts in a stack buffer; larger ones count first.
    private static let rememberedElementLimit = 64

    /// Reads the whole value at `position` and returns the range of the value `steps` lead to inside it.
    ///
    /// Recursion follows the path into the document, so it is bounded by ``maximumDepth``.
    mutating func resolve(_ steps: PathSteps, depth: Int) throws(JSONError) -> Range<Int>? {
        var rest = steps
        let start = position
        guard let step = try rest.next() else {
            try skipValue(depth: depth)
            return start..<position
        }
        let wanted = step.isKey ? ASCII.openBrace : ASCII.openBracket
        guard currentByte == wanted else {
            try skipValue(depth: depth)  // still checked: the answer is nil only for a well-formed document
            return nil
        }
        if try enterContainer(depth: depth) == .empty { return nil }
        var found: Range<Int>?
        switch step {
        case .key(let key):
            repeat {
                if try readMemberKey().matches(key, in: bytes) {
                    found = try resolve(rest, depth: depth + 1)  // a later duplicate overrides, as in parsing
                } else {
                    try skipValue(depth: depth + 1)
                }
            } while try moveToNextItem(inObject: true)
        case .index(let index) where index >= 0:
            var current = 0
            repeat {
                if current == index {
                    found = try resolve(rest, depth: depth + 1)
                } else {
                    try skipValue(depth: depth + 1)
                }
                current += 1
            } while try moveToNextItem(inObject: false)
        case .index(let index):
            guard let elementStart = try startOfElement(fromEnd: -index, depth: depth) else { return nil }
            // The element was checked while reading the array; read it again to follow the rest of the path.
            var element = JSONReader(bytes, position: elementStart)
            found = try element.resolve(rest, depth: depth + 1)
        }
        return found
    }

    /// Reads the rest of an array (just entered, not empty) and returns where its `count`-th last element starts.
    private mutating func startOfElement(fromEnd count: Int, depth: Int) throws(JSONError) -> Int? {
        guard count <= Self.rememberedElementLimit else {
            let firstElement = position
            var total = 0
            repeat {
                try skipValue(depth: depth + 1)
                total += 1
            } while try moveToNextItem(inObject: false)
            guard total >= count else { return nil }
            var again = JSONReader(bytes, position: firstElement)
            for _ in 0..<(total - count) {
                try again.skipValue(depth: depth + 1)
                _ = try again.moveToNextItem(inObject: false)
            }
            return again.position
        }
        // A ring of the last `count` element starts, on the stack.
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { (starts) throws(JSONError) -> Int? in
            var total = 0
            repeat {
                starts[total % count] = position
                try skipValue(depth: depth + 1)
                total += 1
            } while try moveToNextItem(inObject: false)
            return total >= count ? starts[(total - count) % count] : nil
        }
    }
}

extension PathStep {
    /// True for a key step, false for an index step.
    var isKey: Bool {
        if case .key = self { return true }
        return false
    }
}

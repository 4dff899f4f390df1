// `[UInt8]` conveniences: the same functions over an array's bytes; ranges are array indices.

extension JSONScanner {
    /// Checks that `bytes` holds exactly one JSON value; see the raw-buffer form.
    public static func validate(_ bytes: [UInt8]) throws(JSONError) {
        try withRawBytes(of: bytes) { raw throws(JSONError) in try validate(raw) }
    }

    /// The index range of the value of the top-level member named `key`, or nil; see the raw-buffer form.
    public static func topLevelValue(forKey key: String, in bytes: [UInt8]) throws(JSONError) -> Range<Int>? {
        try withRawBytes(of: bytes) { raw throws(JSONError) in try topLevelValue(forKey: key, in: raw) }
    }

    /// Every member of the top-level object in source order; see the raw-buffer form.
    public static func topLevelMembers(in bytes: [UInt8]) throws(JSONError) -> [Member] {
        try withRawBytes(of: bytes) { raw throws(JSONError) in try topLevelMembers(in: raw) }
    }

    /// The index range of the value `path` leads to, or nil; see the raw-buffer form.
    public static func find(path: String, in bytes: [UInt8]) throws(JSONError) -> Range<Int>? {
        try withRawBytes(of: bytes) { raw throws(JSONError) in try find(path: path, in: raw) }
    }

    /// The index range of the value a checked `path` leads to, or nil; see the raw-buffer form.
    public static func find(path: JSONPath, in bytes: [UInt8]) throws(JSONError) -> Range<Int>? {
        try withRawBytes(of: bytes) { raw throws(JSONError) in try find(path: path, in: raw) }
    }

    /// Decodes one JSON string literal, quotes included, to text; see the raw-buffer form.
    public static func decodeString(_ literal: some Collection<UInt8>) throws(JSONError) -> String {
        let decoded = literal.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) in try decodeString(UnsafeRawBufferPointer(buffer)) }
        }
        if let decoded { return try decoded.get() }
        return try withRawBytes(of: Array(literal)) { raw throws(JSONError) in try decodeString(raw) }
    }

    /// Decodes one JSON string literal, quotes included, appending its UTF-8 to `output`; see the raw-buffer form.
    public static func decodeString(_ literal: [UInt8], into output: inout [UInt8]) throws(JSONError) {
        try withRawBytes(of: literal) { raw throws(JSONError) in try decodeString(raw, into: &output) }
    }

    /// Runs `body` over the bytes of `array`, keeping the typed error (`withUnsafeBytes` only rethrows `any Error`).
    private static func withRawBytes<Value>(
        of array: [UInt8],
        _ body: (UnsafeRawBufferPointer) throws(JSONError) -> Value
    ) throws(JSONError) -> Value {
        try array.withUnsafeBytes { raw in Result { () throws(JSONError) in try body(raw) } }.get()
    }
}

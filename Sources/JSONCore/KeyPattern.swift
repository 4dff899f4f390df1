/// A member key to look for, as raw bytes that may still hold JSON escapes (keys quoted in a path).
///
/// Matching compares decoded bytes on the fly, so `"mod\u0065l"` in a document matches `model` without
/// building any string.
///
/// LIFETIME: borrows `bytes`.
struct KeyPattern {
    /// The key's UTF-8, possibly with JSON escapes.
    let bytes: UnsafeRawBufferPointer
    /// True when `bytes` holds backslash escapes to decode before comparing.
    let hasEscapes: Bool

    /// The key as text.
    var text: String {
        guard hasEscapes else { return String(copying: bytes) }
        var decoded = DecodedBytes(0..<bytes.count, of: bytes, hasEscapes: true)
        var output: [UInt8] = []
        while let byte = decoded.next() { output.append(byte) }
        return String(decoding: output, as: UTF8.self)
    }
}

extension ScannedString {
    /// True when this checked literal in `document` holds exactly the key `pattern` names.
    func matches(_ pattern: KeyPattern, in document: UnsafeRawBufferPointer) -> Bool {
        let content = self.content
        if !hasEscapes && !pattern.hasEscapes {
            return content.count == pattern.bytes.count
                && UnsafeRawBufferPointer(rebasing: document[content]).elementsEqual(pattern.bytes)
        }
        return DecodedBytes.areEqual(
            DecodedBytes(content, of: document, hasEscapes: hasEscapes),
            DecodedBytes(0..<pattern.bytes.count, of: pattern.bytes, hasEscapes: pattern.hasEscapes)
        )
    }
}

/// Writes text as a JSON string literal, escaped exactly as JavaScript's `JSON.stringify` does.
///
/// `"` and `\` are backslash-escaped; control characters become `\b` `\t` `\n` `\f` `\r` or `\u00XX`
/// (lowercase hex); everything else, including `/`, U+2028 and non-ASCII text, is written as UTF-8 as is.
/// This is also how a C plugin builds JSON safely through the host table.
///
/// THREAD: pure functions; call from any thread.
public enum JSONString {
    /// Appends `text` as a quoted, escaped JSON string literal to `buffer`.
    public static func encode(_ text: String, into buffer: inout [UInt8]) {
        // A concrete String reaches its UTF-8 directly (small strings included), with no generic dispatch.
        var text = text
        text.withUTF8 { appendLiteral(UnsafeRawBufferPointer($0), repairing: false, into: &buffer) }
    }

    /// Appends `text` (a substring, …) as a quoted, escaped JSON string literal to `buffer`.
    public static func encode(_ text: some StringProtocol, into buffer: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            appendLiteral(UnsafeRawBufferPointer(utf8), repairing: false, into: &buffer)
        }
        if done == nil {
            Array(text.utf8).withUnsafeBytes { appendLiteral($0, repairing: false, into: &buffer) }
        }
    }

    /// Appends UTF-8 `bytes` as a quoted, escaped JSON string literal to `buffer`.
    ///
    /// Bytes that are not well-formed UTF-8 are written as U+FFFD, one per bad byte, so the output is
    /// always valid JSON whatever a plugin hands in.
    ///
    /// LIFETIME: `bytes` is only read during the call.
    public static func encode(utf8 bytes: UnsafeRawBufferPointer, into buffer: inout [UInt8]) {
        appendLiteral(bytes, repairing: true, into: &buffer)
    }

    /// `text` as a quoted, escaped JSON string literal: `quoted("a\"b")` is `"a\"b"` with the quotes.
    public static func quoted(_ text: some StringProtocol) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(text.utf8.count + 2)
        encode(text, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Writes `"`, the escaped bytes and `"`; with `repairing`, ill-formed UTF-8 becomes U+FFFD.
    static func appendLiteral(_ bytes: UnsafeRawBufferPointer, repairing: Bool, into buffer: inout [UInt8]) {
        // Grow geometrically: reserving exactly what each string needs would copy the whole buffer per string.
        let needed = buffer.count + bytes.count + 2
        if needed > buffer.capacity { buffer.reserveCapacity(Swift.max(needed, buffer.capacity * 2)) }
        buffer.append(ASCII.quote)
        let end = bytes.count
        var runStart = 0
        var position = 0
        while position < end {
            // Plain ASCII needs no escaping: skip it, and copy what was skipped as one run.
            position = JSONReader.endOfPlainRun(in: bytes, from: position)
            guard position < end else { break }
            let byte = bytes[position]
            if byte >= 0x20 && byte != ASCII.quote && byte != ASCII.backslash {
                guard byte >= 0x80 && repairing else {
                    position += 1
                    continue
                }
                let length = UTF8Validation.sequenceLength(at: position, in: bytes)
                if length > 0 {
                    position += length
                    continue
                }
                buffer.appendRaw(UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
                buffer.append(0xEF)  // U+FFFD REPLACEMENT CHARACTER
                buffer.append(0xBF)
                buffer.append(0xBD)
            } else {
                buffer.appendRaw(UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
                appendEscape(for: byte, into: &buffer)
            }
            position += 1
            runStart = position
        }
        buffer.appendRaw(UnsafeRawBufferPointer(rebasing: bytes[runStart..<end]))
        buffer.append(ASCII.quote)
    }

    private static func appendEscape(for byte: UInt8, into buffer: inout [UInt8]) {
        let letter: UInt8
        switch byte {
        case ASCII.quote: letter = ASCII.quote
        case ASCII.backslash: letter = ASCII.backslash
        case 0x08: letter = UInt8(ascii: "b")
        case 0x09: letter = UInt8(ascii: "t")
        case 0x0A: letter = UInt8(ascii: "n")
        case 0x0C: letter = UInt8(ascii: "f")
        case 0x0D: letter = UInt8(ascii: "r")
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            buffer.append(ASCII.backslash)
            buffer.append(ASCII.lowercaseU)
            buffer.append(ASCII.zero)
            buffer.append(ASCII.zero)
            buffer.append(hexDigits.utf8Start[Int(byte >> 4)])
            buffer.append(hexDigits.utf8Start[Int(byte & 0x0F)])
            return
        }
        buffer.append(ASCII.backslash)
        buffer.append(letter)
    }
}

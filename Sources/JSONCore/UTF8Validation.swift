/// Checks single UTF-8 sequences in raw bytes, following table 3-7 of the Unicode standard.
///
/// Rejects overlong forms, encoded surrogates (U+D800…U+DFFF) and anything above U+10FFFF, which a
/// looser "lead byte + continuation bytes" check would let through.
enum UTF8Validation {
    /// The length (1…4) of the well-formed sequence starting at `offset`, or 0 when it is malformed or cut short.
    @inline(__always)
    static func sequenceLength(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        let lead = bytes[offset]
        if lead < 0x80 { return 1 }
        let available = bytes.count - offset
        switch lead {
        case 0xC2...0xDF:
            return available >= 2 && isContinuation(bytes[offset + 1]) ? 2 : 0
        case 0xE0...0xEF:
            guard available >= 3 else { return 0 }
            let second = bytes[offset + 1]
            let secondIsValid: Bool
            switch lead {
            case 0xE0: secondIsValid = second >= 0xA0 && second <= 0xBF  // shorter forms would be overlong
            case 0xED: secondIsValid = second >= 0x80 && second <= 0x9F  // higher would encode a surrogate
            default: secondIsValid = isContinuation(second)
            }
            return secondIsValid && isContinuation(bytes[offset + 2]) ? 3 : 0
        case 0xF0...0xF4:
            guard available >= 4 else { return 0 }
            let second = bytes[offset + 1]
            let secondIsValid: Bool
            switch lead {
            case 0xF0: secondIsValid = second >= 0x90 && second <= 0xBF  // shorter forms would be overlong
            case 0xF4: secondIsValid = second >= 0x80 && second <= 0x8F  // higher would pass U+10FFFF
            default: secondIsValid = isContinuation(second)
            }
            return secondIsValid && isContinuation(bytes[offset + 2]) && isContinuation(bytes[offset + 3]) ? 4 : 0
        default:
            return 0
        }
    }

    @inline(__always)
    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

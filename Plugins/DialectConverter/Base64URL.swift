/// Unpadded base64url (RFC 4648 §5): the alphabet Anthropic accepts in ids, for carrying opaque bytes in one.
///
/// THREAD: pure functions.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The bytes as unpadded base64url text.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0...chunk.count { output.append(alphabet[(value >> (18 - 6 * position)) & 63]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of unpadded base64url text, or nil when it is not that.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var value = 0
        var sextets = 0
        for byte in text.utf8 {
            guard let sextet = sextet(byte) else { return nil }
            value = value << 6 | sextet
            sextets += 1
            if sextets == 4 {
                output.append(UInt8(value >> 16 & 0xFF))
                output.append(UInt8(value >> 8 & 0xFF))
                output.append(UInt8(value & 0xFF))
                value = 0
                sextets = 0
            }
        }
        // A last group of 2 or 3 sextets holds 1 or 2 bytes; a single one is not base64.
        switch sextets {
        case 2: output.append(UInt8(value >> 4 & 0xFF))
        case 3:
            output.append(UInt8(value >> 10 & 0xFF))
            output.append(UInt8(value >> 2 & 0xFF))
        case 1: return nil
        default: break
        }
        return output
    }

    /// The value of one alphabet character.
    private static func sextet(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}

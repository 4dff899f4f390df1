/// Hashes that come out the same in every process and version (Swift's `hashValue` is seeded per process), for
/// names and ids that must be alike in every request of a conversation.
enum StableDigest {
    /// 64-bit FNV-1a of `text`'s UTF-8, from `offset` (the standard offset basis; another gives a second hash).
    static func fnv1a(_ text: String, offset: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        text.utf8.reduce(offset) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The last `digits` hex digits of `value`, zero-padded (lower case).
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        guard text.count < digits else { return String(text.suffix(digits)) }
        return String(repeating: "0", count: digits - text.count) + text
    }
}

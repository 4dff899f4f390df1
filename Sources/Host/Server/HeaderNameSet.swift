/// A fixed set of header names, looked up in any letter case without a lower-cased copy or a hash: a name whose
/// length no member has is out at once (one bit test), others are compared byte by byte. Every request and response
/// asks these sets about each of its headers.
struct HeaderNameSet: Sendable {
    /// The names' UTF-8, lower-cased.
    private let members: [[UInt8]]
    /// Bit n set when a member is n bytes long (members of 63 bytes or more share bit 63).
    private let lengths: UInt64

    init(_ names: some Sequence<String>) {
        members = Set(names.map { $0.lowercased() }).sorted().map { Array($0.utf8) }
        lengths = members.reduce(0) { $0 | Self.lengthBit($1.count) }
    }

    /// Whether `name`, in any letter case, is in the set.
    func contains(_ name: String) -> Bool {
        guard lengths & Self.lengthBit(name.utf8.count) != 0 else { return false }
        var name = name
        return name.withUTF8 { bytes in
            members.contains { member in
                member.count == bytes.count && member.withUnsafeBufferPointer { HeaderRules.sameLetters($0, bytes) }
            }
        }
    }

    /// Bit n for a name n bytes long (63 for any longer): a set of lengths in one word, tested with one `&`.
    static func lengthBit(_ length: Int) -> UInt64 {
        1 << UInt64(min(length, 63))
    }
}

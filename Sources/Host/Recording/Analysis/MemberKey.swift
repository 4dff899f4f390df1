import JSONCore

/// An object member's key as the scanner's visitors give it, matched against literals byte for byte
/// (`case "delta":`) without making a `String` — the stream accumulators read a few keys of every recorded event.
struct MemberKey: ExpressibleByStringLiteral, Equatable {
    private let bytes: UnsafeRawBufferPointer
    /// The decoded key, for a key written with escapes (rare: `"cont\u0065nt"`).
    private let decoded: String?

    init(stringLiteral literal: StaticString) {
        bytes = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        decoded = nil
    }

    /// The key a visitor reported: its bytes between the quotes, or — when they hold escapes — the literal at
    /// `literal` in `object`, decoded.
    init(_ bytes: UnsafeRawBufferPointer, _ literal: Range<Int>, _ hasEscapes: Bool, in object: UnsafeRawBufferPointer) {
        guard hasEscapes else {
            self.bytes = bytes
            decoded = nil
            return
        }
        self.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        decoded = (try? JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: object[literal]))) ?? ""
    }

    static func == (lhs: MemberKey, rhs: MemberKey) -> Bool {
        switch (lhs.decoded, rhs.decoded) {
        case (nil, nil): ByteSearch.equal(lhs.bytes, rhs.bytes)
        case (let text?, nil): text.utf8.elementsEqual(rhs.bytes)
        case (nil, let text?): text.utf8.elementsEqual(lhs.bytes)
        case (let left?, let right?): left == right
        }
    }
}

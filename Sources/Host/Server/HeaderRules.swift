import JSONCore

/// What a header must look like to be written into an HTTP/1.1 head as is — the rules NIO's outbound validators
/// apply, for the heads the gateway serialises itself (`ResponseHead`, `UpstreamConnection`): a name of token
/// characters, a value without control characters other than tab. A header breaking them could split the message
/// (a CR LF in a value starts a header of the sender's choosing).
enum HeaderRules {
    /// The name of the first header that cannot be written as is; nil when every header can.
    static func firstInvalid(in headers: [(String, String)]) -> String? {
        headers.first { !isToken($0.0) || !isFieldValue($0.1) }?.0
    }

    private static func isToken(_ name: String) -> Bool {
        var name = name
        return !name.isEmpty && name.withUTF8 { $0.allSatisfy(isTokenByte) }
    }

    /// Whether a header's `name` is `known` (written in lower case) in any letter case — without building a
    /// lower-cased copy.
    static func name(_ name: String, is known: StaticString) -> Bool {
        guard name.utf8.count == known.utf8CodeUnitCount else { return false }
        var name = name
        return name.withUTF8 { bytes in known.withUTF8Buffer { sameLetters(bytes, $0) } }
    }

    /// Whether a header says its body is a `text/event-stream` (name and media type in any letter case).
    static func isEventStreamType(_ name: String, _ value: String) -> Bool {
        guard Self.name(name, is: "content-type") else { return false }
        var value = value
        return value.withUTF8 { ByteSearch.hasPrefix(UnsafeRawBufferPointer($0), ignoringCase: "text/event-stream") }
    }

    /// Whether two header names are the same name (ASCII letters compared without case).
    static func sameName(_ first: String, _ second: String) -> Bool {
        guard first.utf8.count == second.utf8.count else { return false }
        var first = first, second = second
        return first.withUTF8 { a in second.withUTF8 { b in sameLetters(a, b) } }
    }

    /// Whether two names' bytes are equal but for ASCII letter case. Byte by byte over contiguous UTF-8: a generic
    /// `elementsEqual` over two `String.UTF8View`s costs about ten times as much, and every request compares dozens
    /// of names.
    static func sameLetters(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where ByteSearch.asciiLowercased(a[i]) != ByteSearch.asciiLowercased(b[i]) { return false }
        return true
    }

    /// Whether `byte` may appear in a header name (RFC 9110 `tchar`).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
             UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func isFieldValue(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { $0.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) } }
    }
}

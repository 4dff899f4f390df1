import NIOCore
import NIOHTTP1

/// An HTTP/1.1 response head written straight into bytes: how the proxy's responses go out below NIO's response
/// encoder, so a whole response (head, body) is one buffer and one write down the pipeline instead of three.
///
/// Headers are checked as NIO's outbound validator would check them (a name of token characters; a value without
/// control characters other than tab), since bytes written here pass no validator: a header that would let a
/// plugin split the response never reaches the client.
enum ResponseHead {
    /// The name of the first header that cannot be sent as is; nil when every header can.
    static func invalidHeader(in headers: [(String, String)]) -> String? {
        headers.first { !isToken($0.0) || !isFieldValue($0.1) }?.0
    }

    /// Writes the status line, the headers and the blank line that ends the head. With `chunked`, the head
    /// announces `transfer-encoding: chunked` (a streamed response; the caller frames the body).
    static func write(status: HTTPResponseStatus, headers: [(String, String)], chunked: Bool,
                      into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for (name, value) in headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        buffer.writeStaticString("\r\n")
    }

    /// The last chunk of a chunked body.
    static let lastChunk: StaticString = "0\r\n\r\n"

    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
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
    }

    private static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }
}

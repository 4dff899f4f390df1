import NIOCore
import NIOHTTP1

/// An HTTP/1.1 response head written straight into bytes: how the proxy's responses go out below NIO's response
/// encoder, so a whole response (head, body) is one buffer and one write down the pipeline instead of three.
///
/// Bytes written here pass no NIO validator: `ClientResponseWriter` checks a plugin's headers with `HeaderRules`
/// first, so a header that would let a plugin split the response never reaches the client.
enum ResponseHead {
    /// Writes the status line, the headers and the blank line that ends the head. With `chunked`, the head
    /// announces `transfer-encoding: chunked` (a streamed response; the caller frames the body).
    static func write(status: HTTPResponseStatus, headers: [(String, String)], chunked: Bool,
                      into buffer: inout ByteBuffer) {
        var head = HTTPHeadWriter(capacity: 512)
        head.statusLine(code: Int(status.code), reason: status.reasonPhrase)
        for (name, value) in headers { head.header(name, value) }
        if chunked { head.raw("transfer-encoding: chunked\r\n") }
        head.raw("\r\n")
        buffer.writeBytes(head.bytes)
    }

    /// The last chunk of a chunked body.
    static let lastChunk: StaticString = "0\r\n\r\n"
}

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
        // Assembled in an array and written once: each small write into a ByteBuffer costs a few hundred
        // instructions of checks, and a head is dozens of them.
        var head: [UInt8] = []
        head.reserveCapacity(512)
        head.append(contentsOf: "HTTP/1.1 ".utf8)
        head.append(contentsOf: String(status.code).utf8)
        head.append(contentsOf: " ".utf8)
        head.append(contentsOf: status.reasonPhrase.utf8)
        head.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers {
            head.append(contentsOf: name.utf8)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        if chunked { head.append(contentsOf: "transfer-encoding: chunked\r\n".utf8) }
        head.append(contentsOf: "\r\n".utf8)
        buffer.writeBytes(head)
    }

    /// The last chunk of a chunked body.
    static let lastChunk: StaticString = "0\r\n\r\n"
}

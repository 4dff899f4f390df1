import NIOCore
import NIOHTTP1
import Testing

@testable import Host

@Suite("HTTP head writer")
struct HTTPHeadWriterTests {
    @Test("request and status lines, headers byte for byte (non-ASCII values kept), decimals at their edges")
    func lines() {
        var head = HTTPHeadWriter(capacity: 8)  // grows past its capacity
        head.requestLine(method: "POST", target: "/v1/messages?beta=true")
        head.header("x-note", "caf\u{E9} \u{1F600}")
        head.header("x-empty", "")
        for value in [0, 9, 10, 99, 100, 12_345, 1_000_000_007, Int.max] {
            head.header("Content-Length", decimal: value)
        }
        head.raw("\r\n")
        let expected = "POST /v1/messages?beta=true HTTP/1.1\r\nx-note: caf\u{E9} \u{1F600}\r\nx-empty: \r\n"
            + [0, 9, 10, 99, 100, 12_345, 1_000_000_007, Int.max].map { "Content-Length: \($0)\r\n" }.joined()
            + "\r\n"
        #expect(String(decoding: head.bytes, as: UTF8.self) == expected)
        #expect(head.bytes == Array(expected.utf8))

        var status = HTTPHeadWriter(capacity: 0)
        for code in [200, 404, 529, 101] {
            status.statusLine(code: code, reason: HTTPResponseStatus(statusCode: code).reasonPhrase)
        }
        status.statusLine(code: 299, reason: "")
        #expect(String(decoding: status.bytes, as: UTF8.self)
            == "HTTP/1.1 200 OK\r\nHTTP/1.1 404 Not Found\r\nHTTP/1.1 529 \r\nHTTP/1.1 101 Switching Protocols\r\n"
            + "HTTP/1.1 299 \r\n")
    }

    @Test("a response head: status, headers in order, chunked framing when asked, the blank line")
    func responseHead() {
        var buffer = ByteBuffer()
        let headers = [("content-type", "text/event-stream"), ("x-lessllm-exchange-id", "ex1")]
        ResponseHead.write(status: .ok, headers: headers, chunked: true, into: &buffer)
        #expect(String(buffer: buffer) == "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            + "x-lessllm-exchange-id: ex1\r\ntransfer-encoding: chunked\r\n\r\n")
        buffer.clear()
        ResponseHead.write(status: .tooManyRequests, headers: [], chunked: false, into: &buffer)
        #expect(String(buffer: buffer) == "HTTP/1.1 429 Too Many Requests\r\n\r\n")
    }
}

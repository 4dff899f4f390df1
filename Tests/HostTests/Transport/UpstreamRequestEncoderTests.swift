import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Host

/// The gateway's upstream request encoder: one buffer per request, exactly the bytes of an HTTP/1.1 request.
@Suite("Upstream request encoder")
struct UpstreamRequestEncoderTests {
    @Test("head, body and end leave as one buffer with the exact request bytes; every part's promise completes")
    func oneBufferPerRequest() throws {
        let channel = EmbeddedChannel(handler: UpstreamRequestEncoder())
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "api.example:8080")
        headers.add(name: "Authorization", value: "Bearer sk-test")
        headers.add(name: "Content-Length", value: "11")
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/chat/completions?x=1", headers: headers)
        let promises = (0..<3).map { _ in channel.eventLoop.makePromise(of: Void.self) }
        channel.write(HTTPClientRequestPart.head(head), promise: promises[0])
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: #"{"model":1}"#))), promise: promises[1])
        #expect(try channel.readOutbound(as: IOData.self) == nil)  // held until the end
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: promises[2])

        guard case .byteBuffer(let written)? = try channel.readOutbound(as: IOData.self) else {
            Issue.record("no buffer was written")
            return
        }
        #expect(String(buffer: written) == "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: api.example:8080\r\n"
            + "Authorization: Bearer sk-test\r\nContent-Length: 11\r\n\r\n{\"model\":1}")
        #expect(try channel.readOutbound(as: IOData.self) == nil)
        for promise in promises { try promise.futureResult.wait() }
        _ = try channel.finish()
    }

    @Test("a request without a body is its head alone; a connection removed mid-request fails what it held")
    func headOnlyAndAbandoned() throws {
        let channel = EmbeddedChannel(handler: UpstreamRequestEncoder())
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/models", headers: ["Host": "h"])
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        guard case .byteBuffer(let written)? = try channel.readOutbound(as: IOData.self) else {
            Issue.record("no buffer was written")
            return
        }
        #expect(String(buffer: written) == "GET /v1/models HTTP/1.1\r\nHost: h\r\n\r\n")

        let held = channel.eventLoop.makePromise(of: Void.self)
        channel.write(HTTPClientRequestPart.head(head), promise: held)
        _ = try channel.finish()
        #expect(throws: ChannelError.ioOnClosedChannel) { try held.futureResult.wait() }
    }
}

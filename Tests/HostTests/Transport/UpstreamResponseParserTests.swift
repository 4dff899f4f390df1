import NIOCore
import Testing

@testable import Host

/// The upstream client's HTTP/1.1 response parser: framing by length, by chunks and by the close, whatever way the
/// bytes are split across reads, and a precise refusal of what cannot be framed.
@Suite("Upstream response parser")
struct UpstreamResponseParserTests {
    /// What a parser made of a response: the head, the body's bytes joined, whether it ended, and keep-alive.
    struct Parsed: Equatable {
        var status = 0
        var headers: [String] = []
        var body = ""
        var ended = false
        var keepsAlive = false
    }

    /// Feeds `wire` in pieces of the given sizes (the last piece takes the rest), as reads would deliver them,
    /// carrying an incomplete line over to the next read the way the connection does.
    static func parse(_ wire: String, pieces: [Int] = [], method: String = "POST",
                      closedAfter: Bool = false) throws(UpstreamResponseParser.Malformed) -> Parsed {
        var parser = UpstreamResponseParser(requestMethod: method)
        var parsed = Parsed()
        var rest = Array(wire.utf8)[...]
        var carried: ByteBuffer?
        var sizes = pieces[...]
        while !rest.isEmpty {
            let size = min(sizes.popFirst() ?? rest.count, rest.count)
            var buffer = ByteBuffer(bytes: rest.prefix(size))
            rest = rest.dropFirst(size)
            if var start = carried {
                start.writeBuffer(&buffer)
                buffer = start
                carried = nil
            }
            while let part = try parser.next(from: &buffer) {
                switch part {
                case .head(let status, let headers):
                    parsed.status = status
                    parsed.headers = headers.map { "\($0.0)=\($0.1)" }
                case .body(let piece):
                    parsed.body += String(buffer: piece)
                case .end:
                    parsed.ended = true
                }
            }
            if buffer.readableBytes > 0 { carried = buffer }
        }
        if closedAfter && parser.connectionClosed() { parsed.ended = true }
        parsed.keepsAlive = parser.keepsAlive
        return parsed
    }

    static let lengthFramed = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
        + "X-Request-Id:  req 1 \t\r\n\r\n{\"model\":1}"
    static let chunked = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\ndata:\r\n18;name=value\r\n {\"delta\":\"hi\"}\n\ndata: [\r\n"
        + "7\nDONE]\n\n\r\n0\r\nX-Trailer: ignored\r\n\r\n"

    @Test("a length-framed response, split at every byte, gives the same head, body and end")
    func lengthFramedAtEverySplit() throws {
        let expected = Parsed(status: 200, headers: ["Content-Type=application/json", "Content-Length=11", "X-Request-Id=req 1"],
                              body: #"{"model":1}"#, ended: true, keepsAlive: true)
        #expect(try Self.parse(Self.lengthFramed) == expected)
        for split in 1..<Self.lengthFramed.utf8.count {
            #expect(try Self.parse(Self.lengthFramed, pieces: [split]) == expected, "split at \(split)")
        }
        #expect(try Self.parse(Self.lengthFramed, pieces: Array(repeating: 1, count: 200)) == expected)
    }

    @Test("a chunked response (extensions, a bare LF, trailers) split at every byte gives the chunks' bytes joined")
    func chunkedAtEverySplit() throws {
        let expected = Parsed(status: 200, headers: ["content-type=text/event-stream", "Transfer-Encoding=chunked"],
                              body: "data: {\"delta\":\"hi\"}\n\ndata: [DONE]\n\n", ended: true, keepsAlive: true)
        #expect(try Self.parse(Self.chunked) == expected)
        for split in 1..<Self.chunked.utf8.count {
            #expect(try Self.parse(Self.chunked, pieces: [split]) == expected, "split at \(split)")
        }
        #expect(try Self.parse(Self.chunked, pieces: Array(repeating: 1, count: 300)) == expected)
    }

    @Test("responses without a body: 204, 304, a HEAD request's, a zero length; 1xx heads are skipped")
    func bodilessResponses() throws {
        #expect(try Self.parse("HTTP/1.1 204 No Content\r\n\r\n")
            == Parsed(status: 204, ended: true, keepsAlive: true))
        #expect(try Self.parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n").ended)
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", method: "HEAD")
            == Parsed(status: 200, headers: ["Content-Length=50"], ended: true, keepsAlive: true))
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ended)
        let informational = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + Self.lengthFramed
        #expect(try Self.parse(informational, pieces: [10, 30]).body == #"{"model":1}"#)
        #expect(try Self.parse(informational).status == 200)
    }

    @Test("keep-alive: HTTP/1.1 unless `connection: close`; HTTP/1.0 only with keep-alive; never after a body read to the close")
    func keepAlive() throws {
        #expect(try !Self.parse("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 0\r\n\r\n").keepsAlive)
        #expect(try !Self.parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepsAlive)
        #expect(try Self.parse("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keepsAlive)

        let untilClose = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\nuntil the end"
        #expect(try Self.parse(untilClose, pieces: [20, 30], closedAfter: true)
            == Parsed(status: 200, headers: ["Content-Type=text/plain"], body: "all of it\nuntil the end", ended: true))
        #expect(try !Self.parse(untilClose).ended)  // not before the close
        // Another coding than a final `chunked`: the body runs until the close.
        let gzip = try Self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nab", closedAfter: true)
        #expect(gzip.body == "5\r\nab" && gzip.ended && !gzip.keepsAlive)
        // Both framings: the chunks rule, and the connection is not trusted afterwards.
        let both = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
        #expect(both.body == "ok" && both.ended && !both.keepsAlive)
    }

    @Test("what cannot be framed is refused with the reason", arguments: [
        ("HTP/1.1 200 OK\r\n\r\n", "the upstream's status line is malformed: 'HTP/1.1 200 OK'"),
        ("HTTP/1.1 20 OK\r\n\r\n", "the upstream's status line is malformed: 'HTTP/1.1 20 OK'"),
        ("HTTP/2 200\r\n\r\n", "the upstream's status line is malformed: 'HTTP/2 200'"),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "the upstream sent a malformed header line: 'Bad Name: x'"),
        ("HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n", "the upstream sent a malformed header line: ' folded'"),
        ("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "the upstream sent a malformed header line: 'nocolon'"),
        ("HTTP/1.1 200 OK\r\nA: x\u{1}y\r\n\r\n", "the upstream sent a header with a control character: 'A: x?y'"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "the upstream sent an invalid content-length: '12a'"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "the upstream sent an invalid content-length: '3'"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
         "the upstream sent an invalid content-length: '99999999999999999999'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "the upstream sent a malformed chunk size: 'zz'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
         "the upstream sent a malformed chunk size: '1000000000000000'"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "a chunk of the upstream's response is longer than its size"),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "the upstream switched protocols (101)"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n", "the upstream sent bytes after its response ended"),
    ])
    func malformed(wire: String, message: String) {
        #expect(throws: UpstreamResponseParser.Malformed(description: message)) { try Self.parse(wire) }
        #expect(throws: UpstreamResponseParser.Malformed(description: message)) {
            try Self.parse(wire, pieces: Array(repeating: 3, count: 100))
        }
    }

    @Test("a head past 80 KiB is refused as soon as it gets there, not buffered without end")
    func headLimit() throws {
        let long = "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 90 * 1024)
        #expect(throws: UpstreamResponseParser.Malformed(description: "the upstream's response head is longer than 80 KiB")) {
            try Self.parse(long, pieces: Array(repeating: 4096, count: 30))
        }
        let fine = "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: 70 * 1024) + "\r\nContent-Length: 0\r\n\r\n"
        #expect(try Self.parse(fine, pieces: Array(repeating: 4096, count: 30)).ended)
    }

    @Test("a request is one buffer: the head without framing headers, host and content-length added, then the body")
    func requestBytes() throws {
        let target = try #require(PlainHTTPTarget(url: "http://api.example:8080/v1/chat/completions?x=1"))
        let post = UpstreamRequest(method: "POST", url: "http://api.example:8080/v1/chat/completions?x=1",
                                   headers: [("Authorization", "Bearer sk-test"), ("Transfer-Encoding", "chunked"),
                                             ("Connection", "close"), ("Content-Length", "999")],
                                   body: Array(#"{"model":1}"#.utf8))
        var bytes = ByteBuffer()
        UpstreamConnection.write(post, to: target, into: &bytes)
        #expect(String(buffer: bytes) == "POST /v1/chat/completions?x=1 HTTP/1.1\r\nAuthorization: Bearer sk-test\r\n"
            + "Host: api.example:8080\r\nContent-Length: 11\r\n\r\n{\"model\":1}")

        let get = UpstreamRequest(method: "GET", url: "http://h/v1/models", headers: [("host", "other")], body: [])
        bytes.clear()
        UpstreamConnection.write(get, to: try #require(PlainHTTPTarget(url: "http://h/v1/models")), into: &bytes)
        #expect(String(buffer: bytes) == "GET /v1/models HTTP/1.1\r\nhost: other\r\n\r\n")
    }
}

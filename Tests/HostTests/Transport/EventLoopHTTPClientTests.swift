import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import Host

/// The event-loop client against a real HTTP/1.1 server on 127.0.0.1: what goes on the wire, connection reuse, the
/// retry of a stale pooled connection, and every way a transfer ends.
@Suite("Event-loop upstream client")
struct EventLoopHTTPClientTests {
    @Test("plain http URLs are parsed for the event-loop client; anything else is left to libcurl")
    func targets() throws {
        let plain = try #require(PlainHTTPTarget(url: "http://127.0.0.1:8080/v1/chat/completions?x=1#frag"))
        #expect(plain.host == "127.0.0.1")
        #expect(plain.port == 8080)
        #expect(plain.authority == "127.0.0.1:8080")
        #expect(plain.requestTarget == "/v1/chat/completions?x=1")
        let named = try #require(PlainHTTPTarget(url: "http://models.internal"))
        #expect((named.host, named.port, named.requestTarget) == ("models.internal", 80, "/"))
        let ipv6 = try #require(PlainHTTPTarget(url: "http://[::1]:9000/v1/messages"))
        #expect((ipv6.host, ipv6.port, ipv6.authority) == ("::1", 9000, "[::1]:9000"))
        #expect(PlainHTTPTarget(url: "http://localhost?q")?.requestTarget == "/?q")
        for other in ["https://api.openai.com/v1", "http://user:secret@host/v1", "http://host:0/", "http://host:99999/",
                      "http://host:port/", "http:///path", "http://[::1/", "ftp://host/"] {
            #expect(PlainHTTPTarget(url: other) == nil, "\(other)")
        }
    }

    @Test("sequential requests reuse one connection; the request carries Host, its length and the provider's headers")
    func reuseAndWire() throws {
        let server = try ScriptedServer { _, _ in .reply(#"{"ok":true}"#) }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }

        for index in 0..<3 {
            let request = UpstreamRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/v1/chat/completions",
                headers: [("Authorization", "Bearer sk-test"), ("content-type", "application/json"),
                          ("Content-Length", "999"), ("Connection", "close")],
                body: Array(#"{"n":\#(index)}"#.utf8))
            let outcome = try client.run(request)
            #expect(outcome.status == 200)
            #expect(outcome.body == #"{"ok":true}"#)
            #expect(outcome.failure == nil)
        }
        let seen = server.requests
        #expect(seen.map(\.connection) == [1, 1, 1])
        #expect(seen.map(\.body) == [#"{"n":0}"#, #"{"n":1}"#, #"{"n":2}"#])
        let first = try #require(seen.first)
        #expect(first.target == "/v1/chat/completions")
        #expect(first.headers.filter { $0.0.lowercased() == "host" }.map(\.1) == ["127.0.0.1:\(server.port)"])
        #expect(first.headers.filter { $0.0.lowercased() == "content-length" }.map(\.1) == ["7"])
        #expect(first.headers.contains { $0 == ("Authorization", "Bearer sk-test") })
        #expect(!first.headers.contains { $0.0.lowercased() == "connection" })
    }

    @Test("everything one read of the socket brought is delivered inside one upstreamRead batch")
    func oneBatchPerRead() throws {
        // The server writes head, body and end with one flush: they arrive in one read.
        let server = try ScriptedServer { _, _ in .reply(#"{"ok":true}"#) }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }

        let outcome = try client.run(UpstreamRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/v1/chat/completions", headers: [], body: []))
        #expect(outcome.calls == ["read{", "head", "body", "end", "}"])
        #expect(outcome.body == #"{"ok":true}"#)
    }

    @Test("an upstream at an IPv4 or IPv6 address is connected to directly, one named is resolved first")
    func addressesAndNames() throws {
        let v4 = try ScriptedServer(host: "127.0.0.1") { _, _ in .reply(#"{"at":"v4"}"#) }
        defer { v4.stop() }
        let v6 = try ScriptedServer(host: "::1") { _, _ in .reply(#"{"at":"v6"}"#) }
        defer { v6.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }

        for (url, expected) in [("http://127.0.0.1:\(v4.port)/x", #"{"at":"v4"}"#),
                                ("http://[::1]:\(v6.port)/x", #"{"at":"v6"}"#),
                                ("http://localhost:\(v4.port)/x", #"{"at":"v4"}"#)] {
            let outcome = try client.run(UpstreamRequest(method: "POST", url: url, headers: [], body: []))
            #expect(outcome.failure == nil, "\(url)")
            #expect(outcome.body == expected, "\(url)")
        }
        #expect(v4.requests.map(\.target) == ["/x", "/x"])
        #expect(v6.requests.first?.headers.first { $0.0.lowercased() == "host" }?.1 == "[::1]:\(v6.port)")
    }

    @Test("an idle pooled connection is closed after its lifetime; the next request opens a new one")
    func idleConnectionsExpire() throws {
        let server = try ScriptedServer { connection, _ in .reply("from \(connection)") }
        defer { server.stop() }
        let client = ClientUnderTest(idleLifetime: .milliseconds(200))
        defer { client.stop() }
        let request = UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [], body: [1])

        #expect(try client.run(request).body == "from 1")
        #expect(try client.run(request).body == "from 1")  // reused while fresh
        #expect(server.waitForClosedConnections(1), "the idle connection was never closed")
        #expect(try client.run(request).body == "from 2")
        #expect(server.requests.map(\.connection) == [1, 1, 2])
    }

    @Test("a pooled connection the upstream drops without answering is retried once, on a new connection")
    func staleConnectionRetried() throws {
        // The second request on the first connection is met with a close: the upstream dropped it while idle.
        let server = try ScriptedServer { connection, index in connection == 1 && index == 1 ? .close : .reply("fine \(connection)") }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }
        let request = UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [], body: [1])

        #expect(try client.run(request).body == "fine 1")
        let retried = try client.run(request)
        #expect(retried.body == "fine 2")
        #expect(retried.failure == nil)
        #expect(server.requests.map(\.connection) == [1, 1, 2])
    }

    @Test("a pooled connection that closes after the first bytes of an answer is not retried: the upstream has the request",
          arguments: ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 2", "H"])
    func answeredConnectionNotRetried(answer: String) throws {
        let server = try ScriptedServer { connection, index in
            connection == 1 && index == 1 ? .rawThenClose(answer) : .reply("fine \(connection)")
        }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }
        let request = UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [], body: [1])

        #expect(try client.run(request).body == "fine 1")
        let cut = try client.run(request)
        #expect(cut.status == nil)
        #expect(cut.failure?.kind == .unreachable)
        #expect(cut.failure?.message.hasPrefix("upstream request failed: the connection closed before a response") == true)
        #expect(server.requests.map(\.connection) == [1, 1])
    }

    @Test("a new connection closed before any response fails the transfer; it is not sent twice")
    func freshConnectionClosedFails() throws {
        let server = try ScriptedServer { _, _ in .close }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }

        let outcome = try client.run(UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [], body: [1]))
        #expect(outcome.status == nil)
        #expect(outcome.failure?.kind == .unreachable)
        #expect(outcome.failure?.message.hasPrefix("upstream request failed: the connection closed before a response") == true)
        #expect(server.requests.count == 1)
    }

    @Test("a refused connection is unreachable, naming the address and the system's reason")
    func refused() throws {
        let port = try ScriptedServer.unusedPort()
        let client = ClientUnderTest()
        defer { client.stop() }
        let outcome = try client.run(UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(port)/", headers: [], body: []))
        #expect(outcome.failure == TransportFailure(
            .unreachable, "upstream request failed: connect to 127.0.0.1 port \(port) failed: Connection refused"))
    }

    @Test("a host name that does not resolve is unreachable, naming the host")
    func unresolvable() throws {
        let client = ClientUnderTest()
        defer { client.stop() }
        let outcome = try client.run(UpstreamRequest(method: "POST", url: "http://nonexistent.invalid:8080/v1", headers: [], body: []))
        #expect(outcome.failure == TransportFailure(.unreachable, "upstream request failed: could not resolve host nonexistent.invalid"))
    }

    @Test("a silent upstream times out after the first-byte limit, and the connection is closed")
    func firstByteTimeout() throws {
        let server = try ScriptedServer { _, _ in .silent }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }
        var options = TransportOptions()
        options.firstByteTimeout = .milliseconds(200)
        let started = MonotonicClock.nanoseconds()
        let outcome = try client.run(UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/", headers: [], body: [1]),
                                     options: options)
        let elapsed = MonotonicClock.nanoseconds() - started
        #expect(outcome.failure == TransportFailure(.timeout, "upstream sent no response within 0.2 seconds"))
        #expect(elapsed >= 200_000_000)
        #expect(server.waitForClosedConnections(1))
    }

    @Test("cancel ends the transfer later, never from inside the call, and closes the upstream connection")
    func cancel() throws {
        let server = try ScriptedServer { _, _ in .silent }
        defer { server.stop() }
        let client = ClientUnderTest()
        defer { client.stop() }
        let recorder = RecordingHandler()
        let url = "http://127.0.0.1:\(server.port)/"
        let transfer = try client.loop.submit {
            NIOLoopBound(client.client.start(
                UpstreamRequest(method: "POST", url: url, headers: [], body: [1]), target: PlainHTTPTarget(url: url)!,
                options: TransportOptions(), flow: FlowControl(), eventLoop: client.loop, handler: recorder),
                eventLoop: client.loop)
        }.wait()
        #expect(server.waitForRequests(1))
        let endedInsideCancel = try client.loop.submit {
            transfer.value.cancel()
            return recorder.outcome.withLock { $0.ended }
        }.wait()
        #expect(endedInsideCancel == false)
        let outcome = try recorder.done.futureResult.wait()
        #expect(outcome.failure?.kind == .cancelled)
        #expect(server.waitForClosedConnections(1))
    }
}

// MARK: - Support

/// What one transfer delivered.
private struct Outcome: Sendable {
    var status: Int?
    var body = ""
    var failure: TransportFailure?
    var ended = false
    var calls: [String] = []
}

/// Records what the transfer hands the exchange.
private final class RecordingHandler: UpstreamResponseHandler, Sendable {
    let outcome = Mutex(Outcome())
    let done: EventLoopPromise<Outcome>

    init(loop: any EventLoop = ClientUnderTest.sharedLoop) {
        done = loop.makePromise()
    }

    func upstreamHead(status: Int, headers: [(String, String)]) {
        outcome.withLock { $0.status = status; $0.calls.append("head") }
    }
    func upstreamBody(_ bytes: UnsafeRawBufferPointer, receivedAt: UInt64) {
        outcome.withLock { $0.body += String(decoding: bytes, as: UTF8.self); $0.calls.append("body") }
    }
    func upstreamEnd(_ failure: TransportFailure?) {
        outcome.withLock { outcome in
            outcome.failure = failure
            outcome.ended = true
            outcome.calls.append("end")
        }
        // After the call that delivered the end has returned (a batch around it closes first).
        done.futureResult.eventLoop.execute { [self] in done.succeed(outcome.withLock { $0 }) }
    }
    func upstreamRead(_ delivery: () -> Void) {
        outcome.withLock { $0.calls.append("read{") }
        delivery()
        outcome.withLock { $0.calls.append("}") }
    }
}

/// The client and the one event loop it runs on.
private struct ClientUnderTest {
    static let sharedGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static var sharedLoop: any EventLoop { sharedGroup.next() }
    let client: EventLoopHTTPClient
    var loop: any EventLoop { Self.sharedLoop }

    init(idleLifetime: Duration = .seconds(60)) {
        client = EventLoopHTTPClient(idleLifetime: idleLifetime)
    }

    func run(_ request: UpstreamRequest, options: TransportOptions = TransportOptions()) throws -> Outcome {
        let handler = RecordingHandler()
        let target = try #require(PlainHTTPTarget(url: request.url))
        try loop.submit {
            _ = client.start(request, target: target, options: options, flow: FlowControl(), eventLoop: loop, handler: handler)
        }.wait()
        return try handler.done.futureResult.wait()
    }

    func stop() { client.shutdown() }
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each request as a script says, by connection number (from 1) and
/// the request's index on its connection (from 0), and records what it received.
private final class ScriptedServer: Sendable {
    enum Action: Sendable {
        case reply(String)
        case close
        case silent
        /// These bytes as they are (not through the encoder), then a close.
        case rawThenClose(String)
    }

    struct Seen: Sendable {
        var connection: Int
        var target: String
        var headers: [(String, String)]
        var body: String
    }

    let port: Int
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let state = Log()

    /// What the server saw, shared with its connections.
    final class Log: Sendable {
        let value = Mutex<(requests: [Seen], connections: Int, closed: Int)>(([], 0, 0))
        func withLock<R>(_ body: (inout (requests: [Seen], connections: Int, closed: Int)) -> R) -> R {
            value.withLock { body(&$0) }
        }
    }

    init(host: String = "127.0.0.1", script: @escaping @Sendable (_ connection: Int, _ index: Int) -> Action) throws {
        let state = self.state
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = state.withLock { $0.connections += 1; return $0.connections }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Connection(number: number, script: script, state: state))
                }
            }
            .bind(host: host, port: 0).wait()
        port = channel.localAddress!.port!
    }

    var requests: [Seen] { state.withLock { $0.requests } }

    func waitForRequests(_ count: Int) -> Bool { waitUntil { state.withLock { $0.requests.count >= count } } }
    func waitForClosedConnections(_ count: Int) -> Bool { waitUntil { state.withLock { $0.closed >= count } } }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return false
    }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    static func unusedPort() throws -> Int {
        let server = try ScriptedServer { _, _ in .close }
        let port = server.port
        server.stop()
        return port
    }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let number: Int
        let script: @Sendable (Int, Int) -> Action
        let state: Log
        var index = 0
        var head: HTTPRequestHead?
        var body = ""

        init(number: Int, script: @escaping @Sendable (Int, Int) -> Action,
             state: Log) {
            self.number = number
            self.script = script
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                let seen = Seen(connection: number, target: head?.uri ?? "",
                                headers: head?.headers.map { ($0.name, $0.value) } ?? [], body: body)
                state.withLock { $0.requests.append(seen) }
                let action = script(number, index)
                index += 1
                switch action {
                case .reply(let text):
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: String(text.utf8.count))
                    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                case .close:
                    context.close(promise: nil)
                case .silent:
                    break
                case .rawThenClose(let bytes):
                    let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
                    encoder?.writeAndFlush(NIOAny(ByteBuffer(string: bytes))).whenComplete { _ in
                        context.close(promise: nil)
                    }
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed += 1 }
            context.fireChannelInactive()
        }
    }
}

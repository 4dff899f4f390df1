// lessllm-bench-upstream: a fast mock LLM upstream for the benchmark (bench/README.md).
//
// Speaks the OpenAI Chat Completions API (`POST /v1/chat/completions`) and the Anthropic Messages API
// (`POST /v1/messages`), non-streamed and streamed (SSE, chunked), with usage and the terminal event of each dialect.
// The behaviour is chosen by the request's `model`, so a gateway passes it through unchanged; any prefix before
// `bench-` is ignored (the benchmark routes `to-openai/bench-…` and `to-anthropic/bench-…`):
//
//   bench-fast                          answer at once, 16 tokens
//   bench-fast-<tokens>                 answer at once, <tokens> tokens
//   bench-paced-<ttftMs>-<tokens>-<gapMs>
//                                       stream head and preamble at once, the first token after <ttftMs>, then one
//                                       token every <gapMs>; non-streamed requests answer after ttft + gaps
//
// Token i (from 0) is the text " t<i>", so a client can check that every token arrived in order.
// Cheap on purpose: every response is pre-rendered once per (dialect, model) and shared; the request body is only
// searched for `"model"`, `"stream"` and `"include_usage"`, never parsed.
//
// Usage: lessllm-bench-upstream [--host 127.0.0.1[,127.0.0.2…]] [--port 0] [--threads N]
// With several hosts, the same port is bound on each (the benchmark gives direct clients, nginx and the gateway
// their own loopback address, so each has its own ephemeral-port space toward the mock).
// Prints `lessllm-bench-upstream listening on http://HOST:PORT` (the first host) once bound; SIGTERM/SIGINT stop it.

import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

// MARK: - Options

struct Options {
    var hosts = ["127.0.0.1"]
    var port = 0
    var threads = System.coreCount

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("missing value for \(arguments[index - 1])") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--host": options.hosts = value().split(separator: ",").map(String.init)
            case "--port": options.port = Int(value()) ?? { fail("--port needs a number") }()
            case "--threads": options.threads = max(1, Int(value()) ?? { fail("--threads needs a number") }())
            case "-h", "--help":
                print("usage: lessllm-bench-upstream [--host 127.0.0.1[,HOST…]] [--port 0] [--threads N]")
                exit(0)
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
        return options
    }
}

func fail(_ message: String) -> Never {
    let line = "lessllm-bench-upstream: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}

// MARK: - Modes and rendering

enum Dialect: UInt8 { case openai, anthropic }

/// What a model name asks for.
struct Mode: Equatable {
    var ttftMs: Int64
    var tokens: Int
    var gapMs: Int64

    /// Parses the part of `model` from `bench-`; nil when it is not a bench model.
    init?(model: String) {
        let scalars = Array(model.utf8)
        let marker = Array("bench-".utf8)
        guard scalars.count >= marker.count,
              let start = (0...(scalars.count - marker.count)).first(where: { scalars[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let parts = String(decoding: scalars[(start + marker.count)...], as: UTF8.self)
            .split(separator: "-", omittingEmptySubsequences: false)
        switch parts.first {
        case "fast":
            guard parts.count <= 2 else { return nil }
            ttftMs = 0
            gapMs = 0
            tokens = parts.count == 2 ? (Int(parts[1]) ?? -1) : 16
        case "paced":
            guard parts.count == 4, let ttft = Int64(parts[1]), let count = Int(parts[2]), let gap = Int64(parts[3])
            else { return nil }
            ttftMs = ttft
            tokens = count
            gapMs = gap
        default:
            return nil
        }
        guard tokens >= 1, tokens <= 100_000, ttftMs >= 0, gapMs >= 0 else { return nil }
    }

    var isInstant: Bool { ttftMs == 0 && gapMs == 0 }
}

func token(_ index: Int) -> String { " t\(index)" }

/// Escapes a string for a JSON string literal (model names come from the client).
func jsonString(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

let promptTokens = 12

/// Every byte one (dialect, model) can answer with, rendered once.
final class Rendered: Sendable {
    /// Whole non-stream response (head and body) for a keep-alive and for a closing connection.
    let whole: ByteBuffer
    let wholeClose: ByteBuffer
    /// Streams: the head plus the preamble chunk (role chunk / message_start, content_block_start, ping).
    let streamHead: ByteBuffer
    let streamHeadClose: ByteBuffer
    /// One chunk per token.
    let tokenChunks: [ByteBuffer]
    /// The closing events and the terminal chunk; `tailWithUsage` adds OpenAI's usage-only chunk.
    let tail: ByteBuffer
    let tailWithUsage: ByteBuffer
    /// An instant stream in one buffer (head, preamble, tokens, tail).
    let instant: ByteBuffer
    let instantWithUsage: ByteBuffer
    let instantClose: ByteBuffer
    let instantCloseWithUsage: ByteBuffer

    init(dialect: Dialect, model: String, mode: Mode) {
        let name = jsonString(model)
        let text = (0..<mode.tokens).map(token).joined()
        let allocator = ByteBufferAllocator()
        func buffer(_ string: String) -> ByteBuffer { allocator.buffer(string: string) }
        func chunk(_ payload: String) -> String {
            String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n"
        }
        func head(_ type: String, length: Int?, close: Bool) -> String {
            var head = "HTTP/1.1 200 OK\r\ncontent-type: \(type)\r\n"
            if let length { head += "content-length: \(length)\r\n" } else {
                head += "cache-control: no-cache\r\ntransfer-encoding: chunked\r\n"
            }
            if close { head += "connection: close\r\n" }
            return head + "\r\n"
        }

        let body: String
        let preamble: String
        let tokenEvents: [String]
        let closing: String
        let usageEvent: String
        switch dialect {
        case .openai:
            let prefix = #"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"#
                + name + #","system_fingerprint":null,"choices":["#
            body = #"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"# + name
                + #","choices":[{"index":0,"message":{"role":"assistant","content":"# + jsonString(text)
                + #","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":"#
                + "\(promptTokens)" + #","completion_tokens":"# + "\(mode.tokens)" + #","total_tokens":"#
                + "\(promptTokens + mode.tokens)" + "}}"
            preamble = "data: " + prefix
                + #"{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#
                + "\n\n"
            tokenEvents = (0..<mode.tokens).map { index in
                "data: " + prefix + #"{"index":0,"delta":{"content":"# + jsonString(token(index))
                    + #"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
            }
            closing = "data: " + prefix + #"{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"# + "\n\n"
            usageEvent = "data: " + prefix + #"],"usage":{"prompt_tokens":"# + "\(promptTokens)"
                + #","completion_tokens":"# + "\(mode.tokens)" + #","total_tokens":"#
                + "\(promptTokens + mode.tokens)" + "}}\n\n"
        case .anthropic:
            body = #"{"id":"msg_bench","type":"message","role":"assistant","model":"# + name
                + #","content":[{"type":"text","text":"# + jsonString(text)
                + #"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":"# + "\(promptTokens)"
                + #","output_tokens":"# + "\(mode.tokens)" + "}}"
            preamble = "event: message_start\ndata: "
                + #"{"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"#
                + name + #","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":"#
                + "\(promptTokens)" + #","output_tokens":1}}}"# + "\n\n"
                + "event: content_block_start\ndata: "
                + #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"# + "\n\n"
                + "event: ping\ndata: " + #"{"type": "ping"}"# + "\n\n"
            tokenEvents = (0..<mode.tokens).map { index in
                "event: content_block_delta\ndata: "
                    + #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"#
                    + jsonString(token(index)) + "}}\n\n"
            }
            closing = "event: content_block_stop\ndata: " + #"{"type":"content_block_stop","index":0}"# + "\n\n"
                + "event: message_delta\ndata: "
                + #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":"#
                + "\(mode.tokens)" + "}}\n\n"
                + "event: message_stop\ndata: " + #"{"type":"message_stop"}"# + "\n\n"
            usageEvent = ""
        }
        let done = dialect == .openai ? "data: [DONE]\n\n" : ""
        let bodyLength = body.utf8.count
        whole = buffer(head("application/json", length: bodyLength, close: false) + body)
        wholeClose = buffer(head("application/json", length: bodyLength, close: true) + body)
        streamHead = buffer(head("text/event-stream", length: nil, close: false) + chunk(preamble))
        streamHeadClose = buffer(head("text/event-stream", length: nil, close: true) + chunk(preamble))
        tokenChunks = tokenEvents.map { buffer(chunk($0)) }
        tail = buffer(chunk(closing + done) + "0\r\n\r\n")
        tailWithUsage = buffer(chunk(closing + usageEvent + done) + "0\r\n\r\n")
        let events = preamble + tokenEvents.joined()
        let streamBody = chunk(events + closing + done) + "0\r\n\r\n"
        let streamBodyUsage = chunk(events + closing + usageEvent + done) + "0\r\n\r\n"
        instant = buffer(head("text/event-stream", length: nil, close: false) + streamBody)
        instantWithUsage = buffer(head("text/event-stream", length: nil, close: false) + streamBodyUsage)
        instantClose = buffer(head("text/event-stream", length: nil, close: true) + streamBody)
        instantCloseWithUsage = buffer(head("text/event-stream", length: nil, close: true) + streamBodyUsage)
    }
}

/// Rendered responses by dialect and model, shared by every event loop (rendered once, then only read).
final class RenderCache: Sendable {
    private struct Key: Hashable {
        var dialect: Dialect
        var model: String
    }
    private let entries = Mutex<[Key: (Rendered, Mode)]>([:])

    func lookup(_ dialect: Dialect, _ model: String) -> (Rendered, Mode)? {
        let key = Key(dialect: dialect, model: model)
        if let hit = entries.withLock({ $0[key] }) { return hit }
        guard let mode = Mode(model: model) else { return nil }
        let rendered = Rendered(dialect: dialect, model: model, mode: mode)
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }  // bounded: model names come from clients
            entries[key] = (rendered, mode)
        }
        return (rendered, mode)
    }
}

let cache = RenderCache()

// MARK: - Scanning the request body (no parsing)

extension ByteBufferView {
    /// The index just after `needle`, searching from `from`.
    func find(_ needle: StaticString, from: Index) -> Index? {
        let bytes = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = bytes.first, bytes.count <= count else { return nil }
        var index = from
        let last = endIndex - bytes.count
        while index <= last {
            if self[index] == first {
                var matched = true
                for offset in 1..<bytes.count where self[index + offset] != bytes[offset] {
                    matched = false
                    break
                }
                if matched { return index + bytes.count }
            }
            index += 1
        }
        return nil
    }

    func skipSpace(_ index: Index) -> Index {
        var index = index
        while index < endIndex, self[index] == 0x20 || self[index] == 0x0A || self[index] == 0x0D || self[index] == 0x09 {
            index += 1
        }
        return index
    }

    /// The index of the value of the member `key` (given with its quotes), or nil.
    func value(of key: StaticString) -> Index? {
        var from = startIndex
        while let after = find(key, from: from) {
            let colon = skipSpace(after)
            if colon < endIndex, self[colon] == UInt8(ascii: ":") { return skipSpace(colon + 1) }
            from = after
        }
        return nil
    }

    /// The value of `"model"` when it is a plain string (no escapes needed for bench names).
    var model: String? {
        guard let start = value(of: "\"model\""), start < endIndex, self[start] == UInt8(ascii: "\"") else { return nil }
        var end = start + 1
        while end < endIndex, self[end] != UInt8(ascii: "\"") {
            if self[end] == UInt8(ascii: "\\") { return nil }
            end += 1
        }
        guard end < endIndex else { return nil }
        return String(decoding: self[(start + 1)..<end], as: UTF8.self)
    }

    func isTrue(_ key: StaticString) -> Bool {
        guard let start = value(of: key) else { return false }
        return start < endIndex && self[start] == UInt8(ascii: "t")
    }
}

// MARK: - The connection handler

/// One connection: HTTP/1.1 requests in, pre-rendered bytes out (no response encoder), keep-alive, paced streams
/// driven by timers on the connection's event loop. Pipelined requests are answered in order.
final class MockHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var head: HTTPRequestHead
        var body: ByteBuffer
    }

    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var queue: [Pending] = []
    private var busy = false
    private var timer: Scheduled<Void>?
    private var active = true

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let request = Pending(head: requestHead, body: body ?? ByteBuffer())
            body = nil
            if busy {
                queue.append(request)
            } else {
                respond(context: context, request)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(context: ChannelHandlerContext, _ request: Pending) {
        busy = true
        let close = !request.head.isKeepAlive
        let dialect: Dialect
        switch (request.head.method, request.head.uri) {
        case (.POST, "/v1/chat/completions"): dialect = .openai
        case (.POST, "/v1/messages"): dialect = .anthropic
        case (.GET, "/health"):
            finish(context: context, with: plain(200, "OK", #"{"ok":true}"#, close: close), close: close)
            return
        default:
            finish(context: context, with: plain(404, "Not Found", #"{"error":{"type":"not_found","message":"no such route"}}"#, close: close), close: close)
            return
        }
        let view = request.body.readableBytesView
        guard let model = view.model, let (rendered, mode) = cache.lookup(dialect, model) else {
            let message = #"{"error":{"type":"invalid_request_error","message":"model must be bench-fast[-N] or bench-paced-TTFT-N-GAP"}}"#
            finish(context: context, with: plain(400, "Bad Request", message, close: close), close: close)
            return
        }
        let stream = view.isTrue("\"stream\"")
        let usage = dialect == .openai && stream && view.isTrue("\"include_usage\"")
        if !stream {
            let answer = close ? rendered.wholeClose : rendered.whole
            if mode.isInstant {
                finish(context: context, with: answer, close: close)
            } else {
                let delay = mode.ttftMs + Int64(max(mode.tokens - 1, 0)) * mode.gapMs
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: .milliseconds(delay)) {
                    let (handler, context) = loopBound.value
                    handler.timer = nil
                    guard handler.active else { return }
                    handler.finish(context: context, with: answer, close: close)
                }
            }
            return
        }
        if mode.isInstant {
            let answer: ByteBuffer
            switch (close, usage) {
            case (false, false): answer = rendered.instant
            case (false, true): answer = rendered.instantWithUsage
            case (true, false): answer = rendered.instantClose
            case (true, true): answer = rendered.instantCloseWithUsage
            }
            finish(context: context, with: answer, close: close)
            return
        }
        context.writeAndFlush(wrapOutboundOut(close ? rendered.streamHeadClose : rendered.streamHead), promise: nil)
        let start = NIODeadline.now()
        sendToken(context: context, rendered: rendered, mode: mode, index: 0, start: start, usage: usage, close: close)
    }

    /// Schedules token `index` at start + ttft + index × gap; the last token carries the tail.
    private func sendToken(
        context: ChannelHandlerContext, rendered: Rendered, mode: Mode, index: Int, start: NIODeadline, usage: Bool,
        close: Bool
    ) {
        let deadline = start + .milliseconds(mode.ttftMs + Int64(index) * mode.gapMs)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard handler.active else { return }
            if index + 1 < mode.tokens {
                context.writeAndFlush(handler.wrapOutboundOut(rendered.tokenChunks[index]), promise: nil)
                handler.sendToken(
                    context: context, rendered: rendered, mode: mode, index: index + 1, start: start, usage: usage,
                    close: close)
            } else {
                context.write(handler.wrapOutboundOut(rendered.tokenChunks[index]), promise: nil)
                handler.finish(context: context, with: usage ? rendered.tailWithUsage : rendered.tail, close: close)
            }
        }
    }

    private func finish(context: ChannelHandlerContext, with bytes: ByteBuffer, close: Bool) {
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        busy = false
        if !queue.isEmpty {
            respond(context: context, queue.removeFirst())
        }
    }

    private func plain(_ status: Int, _ reason: String, _ body: String, close: Bool) -> ByteBuffer {
        var head = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
        if close { head += "connection: close\r\n" }
        return ByteBuffer(string: head + "\r\n" + body)
    }
}

// MARK: - Main

let options = Options.parse(CommandLine.arguments)
signal(SIGPIPE, SIG_IGN)
// SIGTERM/SIGINT are taken by sigwait below; block them before any thread starts so every thread inherits it.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .serverChannelOption(.tcpOption(.tcp_nodelay), value: 1)  // inherited by accepted sockets
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try channel.pipeline.syncOperations.addHandler(MockHandler())
        }
    }

var servers: [any Channel] = []
var port = options.port
for host in options.hosts {
    do {
        let server = try bootstrap.bind(host: host, port: port).wait()
        port = server.localAddress?.port ?? port
        servers.append(server)
    } catch {
        fail("cannot listen on \(host):\(port): \(error)")
    }
}
print("lessllm-bench-upstream listening on http://\(options.hosts[0]):\(port)")
fflush(nil)

// Stop on SIGTERM/SIGINT: close the listener, then leave (connections die with the process).
var received: Int32 = 0
sigwait(&stopSignals, &received)
for server in servers { try? server.close().wait() }
try? group.syncShutdownGracefully()
exit(0)

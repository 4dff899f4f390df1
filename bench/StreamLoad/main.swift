// lessllm-bench-streams: the benchmark's streaming load client (bench/README.md).
//
// Opens N concurrent keep-alive connections; each posts K streamed requests one after the other (OpenAI Chat
// Completions or Anthropic Messages), timestamps the first CONTENT token (not the role chunk, message_start,
// content_block_start or ping), and validates every stream completely against what lessllm-bench-upstream sends for
// the model: every token " t0" … " t<N-1>" in order, one event per token, the usage, the finish/stop reason, the
// terminal event (`[DONE]` / `message_stop`), the dialect's event order, and nothing after the end.
// With --no-stream it sends non-streamed requests and checks the whole body instead.
//
// Prints one JSON line: ok/failed counts with reasons, TTFT and total-time percentiles, duration, peak streams in
// flight. Exit status 0 when every stream was valid, 1 otherwise, 2 for bad arguments.
//
// Usage: lessllm-bench-streams --url http://127.0.0.1:PORT --dialect openai|anthropic --model MODEL
//            [--connections N] [--streams-per-connection K] [--ramp-ms MS] [--timeout-s S] [--threads T]
//            [--tokens N] [--no-stream] [--label TEXT]

import Dispatch
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

// MARK: - Options

enum Dialect: String { case openai, anthropic }

struct Options {
    var host = "127.0.0.1"
    var port = 0
    var dialect = Dialect.openai
    var model = "bench-fast"
    var connections = 1
    var streamsPerConnection = 1
    var rampMs = 0
    var timeoutSeconds = 120.0
    var threads = System.coreCount
    var tokens: Int?
    var stream = true
    var label = ""

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { usage("missing value for \(arguments[index - 1])") }
            return arguments[index]
        }
        func number(_ text: String) -> Int {
            guard let number = Int(text), number >= 0 else { usage("not a whole number: \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--url":
                let url = value()
                guard url.hasPrefix("http://") else { usage("--url must start with http://") }
                let rest = url.dropFirst(7).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
                guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else {
                    usage("--url needs host:port")
                }
                options.host = String(rest[..<colon])
                options.port = port
            case "--dialect":
                guard let dialect = Dialect(rawValue: value()) else { usage("--dialect is openai or anthropic") }
                options.dialect = dialect
            case "--model": options.model = value()
            case "--connections": options.connections = max(1, number(value()))
            case "--streams-per-connection": options.streamsPerConnection = max(1, number(value()))
            case "--ramp-ms": options.rampMs = number(value())
            case "--timeout-s": options.timeoutSeconds = Double(value()) ?? 120
            case "--threads": options.threads = max(1, number(value()))
            case "--tokens": options.tokens = number(value())
            case "--no-stream": options.stream = false
            case "--label": options.label = value()
            case "-h", "--help":
                print("""
                    usage: lessllm-bench-streams --url http://HOST:PORT --dialect openai|anthropic --model MODEL
                           [--connections N] [--streams-per-connection K] [--ramp-ms MS] [--timeout-s S]
                           [--threads T] [--tokens N] [--no-stream] [--label TEXT]
                    """)
                exit(0)
            default: usage("unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard options.port > 0 else { usage("--url is required") }
        return options
    }
}

func usage(_ message: String) -> Never {
    let line = "lessllm-bench-streams: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}

/// The token count lessllm-bench-upstream sends for `model` (bench-fast[-N], bench-paced-T-N-G), if it can tell.
func tokenCount(of model: String) -> Int? {
    let parts = model.split(separator: "/").last.map { $0.split(separator: "-").map(String.init) } ?? []
    guard let start = parts.firstIndex(of: "bench"), start + 1 < parts.count else { return nil }
    switch parts[start + 1] {
    case "fast": return start + 2 < parts.count ? Int(parts[start + 2]) : 16
    case "paced": return start + 3 < parts.count ? Int(parts[start + 3]) : nil
    default: return nil
    }
}

/// Raises RLIMIT_NOFILE to what `needed` descriptors take (the hard limit too, when allowed).
func raiseDescriptorLimit(_ needed: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    let want = rlim_t(needed + 256)
    if limit.rlim_max < want {
        var raised = rlimit(rlim_cur: want, rlim_max: want)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return }
    }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

// MARK: - JSON helpers (the client checks bytes it knows the shape of; no document model)

extension Array where Element == UInt8 {
    /// The index just after `needle`, searching from `from`.
    func find(_ needle: [UInt8], from: Int = 0) -> Int? {
        guard let first = needle.first, needle.count <= count else { return nil }
        var index = from
        let last = count - needle.count
        while index <= last {
            if self[index] == first {
                var matched = true
                var offset = 1
                while offset < needle.count {
                    if self[index + offset] != needle[offset] {
                        matched = false
                        break
                    }
                    offset += 1
                }
                if matched { return index + needle.count }
            }
            index += 1
        }
        return nil
    }

    func skipSpace(_ index: Int) -> Int {
        var index = index
        while index < count, self[index] == 0x20 || self[index] == 0x0A || self[index] == 0x0D || self[index] == 0x09 {
            index += 1
        }
        return index
    }

    /// The index of the value of member `key` (quoted) at or after `from`.
    func value(of key: [UInt8], from: Int = 0) -> Int? {
        var start = from
        while let after = find(key, from: start) {
            let colon = skipSpace(after)
            if colon < count, self[colon] == UInt8(ascii: ":") { return skipSpace(colon + 1) }
            start = after
        }
        return nil
    }

    /// Decodes the JSON string starting at `start` (its opening quote); nil if it is not a string.
    func string(at start: Int) -> String? {
        guard start < count, self[start] == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var index = start + 1
        while index < count {
            let byte = self[index]
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\"), index + 1 < count {
                index += 1
                switch self[index] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 < count,
                          let scalar = UInt32(String(decoding: self[(index + 1)...(index + 4)], as: UTF8.self), radix: 16)
                    else { return nil }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "?").utf8))
                    index += 4
                default: out.append(self[index])
                }
            } else {
                out.append(byte)
            }
            index += 1
        }
        return nil
    }

    func integer(at start: Int) -> Int? {
        var end = start
        while end < count, self[end] >= 0x30, self[end] <= 0x39 { end += 1 }
        return end > start ? Int(String(decoding: self[start..<end], as: UTF8.self)) : nil
    }

    func startsWith(_ prefix: [UInt8], at index: Int) -> Bool {
        index + prefix.count <= count && self[index..<(index + prefix.count)].elementsEqual(prefix)
    }
}

func bytes(_ string: StaticString) -> [UInt8] {
    Array(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
}

let kDelta = bytes("\"delta\""), kContent = bytes("\"content\""), kText = bytes("\"text\""), kType = bytes("\"type\"")
let kUsage = bytes("\"usage\""), kCompletionTokens = bytes("\"completion_tokens\""), kOutputTokens = bytes("\"output_tokens\"")
let kFinishReason = bytes("\"finish_reason\""), kStopReason = bytes("\"stop_reason\""), kError = bytes("\"error\"")
let kNull = bytes("null"), kChoices = bytes("\"choices\""), kObject = bytes("\"object\"")

// MARK: - One stream's validation

/// Reads one response (SSE or JSON) and says whether it is exactly what the mock sent for the model.
struct StreamCheck {
    let dialect: Dialect
    let expectedTokens: Int
    let streamed: Bool

    private var line: [UInt8] = []
    private var eventName: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var body: [UInt8] = []  // non-stream responses

    private(set) var firstTokenAt: NIODeadline?
    private(set) var failure: String?
    private var tokenEvents = 0
    private var text = ""
    private var done = false
    private var sawStop = false
    private var usageTokens: Int?
    private var anthropicStep = 0  // 0 nothing, 1 message_start, 2 in block, 3 block stopped, 4 message_delta

    init(dialect: Dialect, expectedTokens: Int, streamed: Bool) {
        self.dialect = dialect
        self.expectedTokens = expectedTokens
        self.streamed = streamed
    }

    private mutating func fail(_ reason: String) {
        if failure == nil { failure = reason }
    }

    mutating func feed(_ buffer: ByteBuffer, at now: NIODeadline) {
        guard failure == nil else { return }
        if !streamed {
            body.append(contentsOf: buffer.readableBytesView)
            return
        }
        for byte in buffer.readableBytesView {
            if byte == 0x0A {
                if line.last == 0x0D { line.removeLast() }
                processLine(at: now)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
    }

    private mutating func processLine(at now: NIODeadline) {
        if line.isEmpty {
            if hasData || eventName != nil { dispatch(at: now) }
            eventName = nil
            data.removeAll(keepingCapacity: true)
            hasData = false
            return
        }
        if line.first == UInt8(ascii: ":") { return }  // comment
        var field = line[...]
        var value: ArraySlice<UInt8> = []
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == 0x20 { value = value.dropFirst() }
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event": eventName = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        default: break
        }
    }

    private mutating func dispatch(at now: NIODeadline) {
        if done { return fail("an event after the terminal event") }
        switch dialect {
        case .openai: dispatchOpenAI(at: now)
        case .anthropic: dispatchAnthropic(at: now)
        }
    }

    private mutating func token(_ value: String, at now: NIODeadline) {
        guard !value.isEmpty else { return }
        if firstTokenAt == nil { firstTokenAt = now }
        tokenEvents += 1
        text += value
    }

    private mutating func dispatchOpenAI(at now: NIODeadline) {
        if eventName != nil && eventName != "message" { return fail("unexpected event '\(eventName!)' in an OpenAI stream") }
        if data == bytes("[DONE]") {
            guard sawStop else { return fail("[DONE] before a finish_reason") }
            done = true
            return
        }
        guard data.first == UInt8(ascii: "{") else { return fail("a data line that is not JSON") }
        if let errorAt = data.value(of: kError), data[errorAt] == UInt8(ascii: "{") {
            return fail("error event: " + String(decoding: data.prefix(160), as: UTF8.self))
        }
        guard data.value(of: kChoices) != nil, let object = data.value(of: kObject),
              data.string(at: object) == "chat.completion.chunk"
        else { return fail("a chunk without object chat.completion.chunk / choices") }
        if let delta = data.value(of: kDelta), let content = data.value(of: kContent, from: delta),
           let value = data.string(at: content) {
            token(value, at: now)
        }
        if let reason = data.value(of: kFinishReason), !data.startsWith(kNull, at: reason) {
            if sawStop { return fail("two finish_reason chunks") }
            sawStop = true
        }
        if let usage = data.value(of: kUsage), data[usage] == UInt8(ascii: "{"),
           let tokens = data.value(of: kCompletionTokens, from: usage) {
            usageTokens = data.integer(at: tokens)
        }
    }

    private mutating func dispatchAnthropic(at now: NIODeadline) {
        guard let name = eventName else { return fail("an Anthropic event without an event: line") }
        guard let typeAt = data.value(of: kType), let type = data.string(at: typeAt), type == name else {
            return fail("event '\(name)' whose data type differs")
        }
        switch name {
        case "ping": return
        case "error": return fail("error event: " + String(decoding: data.prefix(160), as: UTF8.self))
        case "message_start":
            guard anthropicStep == 0 else { return fail("message_start out of order") }
            anthropicStep = 1
        case "content_block_start":
            guard anthropicStep == 1 || anthropicStep == 3 else { return fail("content_block_start out of order") }
            anthropicStep = 2
        case "content_block_delta":
            guard anthropicStep == 2 else { return fail("content_block_delta outside a block") }
            if let delta = data.value(of: kDelta), let textAt = data.value(of: kText, from: delta),
               let value = data.string(at: textAt) {
                token(value, at: now)
            }
        case "content_block_stop":
            guard anthropicStep == 2 else { return fail("content_block_stop outside a block") }
            anthropicStep = 3
        case "message_delta":
            guard anthropicStep == 3 || anthropicStep == 1 else { return fail("message_delta out of order") }
            anthropicStep = 4
            if let reason = data.value(of: kStopReason), !data.startsWith(kNull, at: reason) { sawStop = true }
            if let usage = data.value(of: kUsage), let tokens = data.value(of: kOutputTokens, from: usage) {
                usageTokens = data.integer(at: tokens)
            }
        case "message_stop":
            guard anthropicStep == 4 else { return fail("message_stop before message_delta") }
            done = true
        default:
            return fail("unknown Anthropic event '\(name)'")
        }
    }

    var expectedText: String { (0..<expectedTokens).map { " t\($0)" }.joined() }

    /// The verdict once the response ended: nil when valid, else the reason.
    mutating func finish(at now: NIODeadline) -> String? {
        if let failure { return failure }
        if !streamed {
            firstTokenAt = now
            return checkWhole()
        }
        if !line.isEmpty || hasData { return "the stream ended inside an event" }
        guard done else { return dialect == .openai ? "no [DONE]" : "no message_stop" }
        guard sawStop else { return "no finish/stop reason" }
        guard text == expectedText else {
            return tokenEvents < expectedTokens ? "tokens missing" : "token text differs"
        }
        guard tokenEvents == expectedTokens else { return "token events merged or split" }
        guard usageTokens == expectedTokens else { return "usage missing or wrong" }
        return nil
    }

    private func checkWhole() -> String? {
        guard body.first == UInt8(ascii: "{") else { return "a body that is not a JSON object" }
        if let errorAt = body.value(of: kError), body[errorAt] == UInt8(ascii: "{") {
            return "error body: " + String(decoding: body.prefix(160), as: UTF8.self)
        }
        switch dialect {
        case .openai:
            guard let object = body.value(of: kObject), body.string(at: object) == "chat.completion" else {
                return "not a chat.completion"
            }
            guard let content = body.value(of: kContent), body.string(at: content) == expectedText else {
                return "content differs"
            }
            guard let usage = body.value(of: kUsage), let tokens = body.value(of: kCompletionTokens, from: usage),
                  body.integer(at: tokens) == expectedTokens
            else { return "usage missing or wrong" }
        case .anthropic:
            guard let type = body.value(of: kType), body.string(at: type) == "message" else { return "not a message" }
            guard let content = body.value(of: kContent), let textAt = body.value(of: kText, from: content),
                  body.string(at: textAt) == expectedText
            else { return "content differs" }
            guard let usage = body.value(of: kUsage), let tokens = body.value(of: kOutputTokens, from: usage),
                  body.integer(at: tokens) == expectedTokens
            else { return "usage missing or wrong" }
        }
        return nil
    }
}

// MARK: - Results

final class Results: Sendable {
    private struct State {
        var ttft: [Int64] = []   // nanoseconds
        var ttftByConnection: [(connection: Int, ttft: Int64)] = []
        var total: [Int64] = []
        var failures: [String: Int] = [:]
        var finished = 0
        var inFlight = 0
        var peakInFlight = 0
    }
    private let state = Mutex(State())
    let expected: Int
    let allDone = DispatchSemaphore(value: 0)

    init(expected: Int) { self.expected = expected }

    func started() {
        state.withLock { state in
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
        }
    }

    /// Records one stream (`failure` nil when valid); `streams` > 1 records a connection's remaining streams.
    func record(ttft: Int64?, total: Int64?, failure: String?, streams: Int = 1, wasInFlight: Bool = true,
                connection: Int = 0) {
        let last = state.withLock { state -> Bool in
            if wasInFlight { state.inFlight -= 1 }
            if let failure {
                state.failures[failure, default: 0] += streams
            } else {
                if let ttft {
                    state.ttft.append(ttft)
                    state.ttftByConnection.append((connection, ttft))
                }
                if let total { state.total.append(total) }
            }
            state.finished += streams
            return state.finished >= expected
        }
        if last { allDone.signal() }
    }

    func summary(options: Options, seconds: Double) -> String {
        state.withLock { state in
            var failures = state.failures
            let unfinished = expected - state.finished
            if unfinished > 0 { failures["unfinished at the deadline", default: 0] += unfinished }
            let failed = failures.values.reduce(0, +)
            var fields: [(String, String)] = [
                ("label", json(options.label)), ("dialect", json(options.dialect.rawValue)), ("model", json(options.model)),
                ("stream", options.stream ? "true" : "false"), ("connections", "\(options.connections)"),
                ("streams", "\(expected)"), ("ok", "\(expected - failed)"), ("failed", "\(failed)"),
            ]
            fields.append(("failures", "{" + failures.sorted { $0.key < $1.key }
                .map { json($0.key) + ":" + "\($0.value)" }.joined(separator: ",") + "}"))
            fields.append(("ttft_ms", percentiles(state.ttft)))
            if options.connections >= 100 {
                // The median TTFT of the streams of each tenth of the connections, in the order they were opened:
                // where along a ramp the time is added.
                let tenths = (0..<10).map { tenth in
                    let range = tenth * options.connections / 10..<(tenth + 1) * options.connections / 10
                    let samples = state.ttftByConnection.filter { range.contains($0.connection) }.map(\.ttft).sorted()
                    return samples.isEmpty ? "null" : format(Double(samples[samples.count / 2]) / 1e6, 1)
                }
                fields.append(("ttft_p50_ms_by_tenth", "[" + tenths.joined(separator: ",") + "]"))
            }
            fields.append(("total_ms", percentiles(state.total)))
            fields.append(("duration_s", format(seconds, 3)))
            fields.append(("peak_in_flight", "\(state.peakInFlight)"))
            return "{" + fields.map { json($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        }
    }
}

func json(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if scalar.value < 0x20 { out += " " } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}

func format(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}

func percentiles(_ samples: [Int64]) -> String {
    guard !samples.isEmpty else { return "null" }
    let sorted = samples.sorted()
    func at(_ q: Double) -> String {
        let index = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
        return format(Double(sorted[index]) / 1e6, 3)
    }
    let mean = Double(sorted.reduce(0, +)) / Double(sorted.count) / 1e6
    return "{\"n\":\(sorted.count),\"min\":\(format(Double(sorted[0]) / 1e6, 3)),\"p50\":\(at(0.5)),\"p90\":\(at(0.9)),"
        + "\"p99\":\(at(0.99)),\"max\":\(format(Double(sorted[sorted.count - 1]) / 1e6, 3)),\"mean\":\(format(mean, 3))}"
}

// MARK: - One connection

final class StreamClient: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let options: Options
    private let results: Results
    private let head: HTTPRequestHead
    private let body: ByteBuffer
    private let expectedTokens: Int
    private var remaining: Int
    private var check: StreamCheck?
    private var sentAt = NIODeadline.now()
    private var status: UInt = 0
    private var inFlight = false
    /// Which connection this is, in the order they were opened.
    private let connection: Int

    init(options: Options, results: Results, head: HTTPRequestHead, body: ByteBuffer, expectedTokens: Int,
         connection: Int) {
        self.options = options
        self.connection = connection
        self.results = results
        self.head = head
        self.body = body
        self.expectedTokens = expectedTokens
        remaining = options.streamsPerConnection
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    private func send(context: ChannelHandlerContext) {
        remaining -= 1
        check = StreamCheck(dialect: options.dialect, expectedTokens: expectedTokens, streamed: options.stream)
        status = 0
        inFlight = true
        results.started()
        sentAt = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        switch unwrapInboundIn(data) {
        case .head(let response):
            status = response.status.code
        case .body(let buffer):
            if status == 200 { check?.feed(buffer, at: now) }
        case .end:
            guard inFlight, var check else { return }
            inFlight = false
            self.check = nil
            let failure = status == 200 ? check.finish(at: now) : "HTTP \(status)"
            let ttft = check.firstTokenAt.map { Int64($0.uptimeNanoseconds) - Int64(sentAt.uptimeNanoseconds) }
            results.record(ttft: ttft, total: Int64(now.uptimeNanoseconds) - Int64(sentAt.uptimeNanoseconds),
                           failure: failure, connection: connection)
            if remaining > 0 {
                send(context: context)
            } else {
                context.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if inFlight {
            inFlight = false
            results.record(ttft: nil, total: nil, failure: status == 0 ? "connection closed before a response" : "connection closed mid-response")
        }
        if remaining > 0 {
            results.record(ttft: nil, total: nil, failure: "connection closed before a response", streams: remaining, wasInFlight: false)
            remaining = 0
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

// MARK: - Main

let options = Options.parse(CommandLine.arguments)
signal(SIGPIPE, SIG_IGN)
raiseDescriptorLimit(options.connections + 64)
guard let expectedTokens = options.tokens ?? tokenCount(of: options.model) else {
    usage("cannot tell the token count from the model; pass --tokens")
}

guard let address = try? SocketAddress(ipAddress: options.host, port: options.port) else {
    usage("--url needs an IP address (e.g. http://127.0.0.1:8000), not a name")
}
let path = options.dialect == .openai ? "/v1/chat/completions" : "/v1/messages"
let prompt = #"[{"role":"user","content":"Write a few words for the LessLLM benchmark."}]"#
let streamField = options.stream ? "true" : "false"
let requestBody: String
var headers = HTTPHeaders([("host", "\(options.host):\(options.port)"), ("content-type", "application/json"),
                           ("accept", options.stream ? "text/event-stream" : "application/json"),
                           ("user-agent", "lessllm-bench-streams/1")])
switch options.dialect {
case .openai:
    requestBody = #"{"model":"# + json(options.model) + #","stream":"# + streamField
        + (options.stream ? #","stream_options":{"include_usage":true}"# : "") + #","messages":"# + prompt + "}"
    headers.add(name: "authorization", value: "Bearer bench-client-key")
case .anthropic:
    requestBody = #"{"model":"# + json(options.model) + #","max_tokens":1024,"stream":"# + streamField
        + #","messages":"# + prompt + "}"
    headers.add(name: "x-api-key", value: "bench-client-key")
    headers.add(name: "anthropic-version", value: "2023-06-01")
}
headers.add(name: "content-length", value: "\(requestBody.utf8.count)")
let requestHead = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
let bodyBuffer = ByteBuffer(string: requestBody)

let total = options.connections * options.streamsPerConnection
let results = Results(expected: total)
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)

/// Opens the connections, spread over the ramp; each sends its streams as soon as it is connected.
func launch(group: MultiThreadedEventLoopGroup, options: Options, address: SocketAddress, results: Results,
            head: HTTPRequestHead, body: ByteBuffer, expectedTokens: Int, started: NIODeadline) {
    for index in 0..<options.connections {
        let delay = options.connections > 1
            ? Int64(options.rampMs) * 1_000_000 * Int64(index) / Int64(options.connections) : 0
        let loop = group.next()
        loop.scheduleTask(deadline: started + .nanoseconds(delay)) {
            ClientBootstrap(group: loop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(30))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(StreamClient(
                            options: options, results: results, head: head, body: body,
                            expectedTokens: expectedTokens, connection: index))
                    }
                }
                // An address is connected to as it is: a name would cost a resolver thread hop and Happy Eyeballs'
                // timers per connection, load on the machine the proxies are measured on.
                .connect(to: address)
                .whenFailure { error in
                    results.record(ttft: nil, total: nil, failure: "connect failed: \(error)",
                                   streams: options.streamsPerConnection, wasInFlight: false)
                }
        }
    }
}

let started = NIODeadline.now()
launch(group: group, options: options, address: address, results: results, head: requestHead, body: bodyBuffer,
       expectedTokens: expectedTokens, started: started)

let deadline = DispatchTime.now() + .nanoseconds(Int(options.timeoutSeconds * 1e9) + options.rampMs * 1_000_000)
_ = results.allDone.wait(timeout: deadline)
let seconds = Double(NIODeadline.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
let summary = results.summary(options: options, seconds: seconds)
print(summary)
fflush(nil)
let ok = summary.contains("\"failed\":0,")
try? group.syncShutdownGracefully()
exit(ok ? 0 : 1)

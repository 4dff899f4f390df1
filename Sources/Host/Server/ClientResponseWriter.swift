import NIOCore
import NIOHTTP1
import PluginABI

/// The last stage of an exchange: writes what the plugins produced to the client's connection.
///
/// A `text/event-stream` response is written and flushed event by event — or, inside `batchingWrites`, written
/// event by event and flushed once when the batch ends (the events of one upstream read go out in one syscall); any
/// other response is collected and written whole (with a content length) at the end. Failures are rendered in the
/// client's own dialect: an error response when nothing was sent yet, an error event in a stream already under way.
///
/// Threading: used only on the connection's event loop.
final class ClientResponseWriter: StreamDownstream {
    private let context: ChannelHandlerContext
    private let dialect: Dialect
    private let clientWantsStream: Bool
    /// The client speaks HTTP/1.1: a stream goes out in chunks. To an HTTP/1.0 client (which knows no chunks) it goes
    /// out as it is, and the connection's close ends it (RFC 9112 §6.1).
    private let chunksStreams: Bool
    private var keepAlive: Bool
    private let extraHeaders: [(String, String)]
    private let trace: ExchangeTrace
    private let costOfBody: ((ArraySlice<UInt8>) -> String?)?
    private let onFinished: () -> Void

    private var status: HTTPResponseStatus = .ok
    private var headers: [(String, String)] = []
    private var headReceived = false
    private var headWritten = false
    private var isEventStream = false
    private var body: ByteBuffer
    private var failed = false
    private var ended = false
    private(set) var clientGone = false
    private var batchDepth = 0
    private var flushPending = false

    /// - Parameters:
    ///   - extraHeaders: headers the gateway adds to every response (e.g. the exchange id).
    ///   - trace: where what the client received is noted for the exchange record.
    ///   - costOfBody: prices a whole non-streamed response body, for the `x-lessllm-cost-usd` header.
    ///   - onFinished: called once when the response is complete (or abandoned), on the event loop.
    init(
        context: ChannelHandlerContext, dialect: Dialect, clientWantsStream: Bool, chunksStreams: Bool = true,
        keepAlive: Bool, extraHeaders: [(String, String)], trace: ExchangeTrace,
        costOfBody: ((ArraySlice<UInt8>) -> String?)?, onFinished: @escaping () -> Void
    ) {
        self.context = context
        self.dialect = dialect
        self.clientWantsStream = clientWantsStream
        self.chunksStreams = chunksStreams
        self.keepAlive = keepAlive
        self.extraHeaders = extraHeaders
        self.trace = trace
        self.costOfBody = costOfBody
        self.onFinished = onFinished
        self.body = context.channel.allocator.buffer(capacity: 0)
    }

    /// Whether the client's socket takes more bytes now.
    var clientIsWritable: Bool { context.channel.isWritable }

    /// The client closed the connection: nothing more will be written.
    func markClientGone() {
        clientGone = true
    }

    /// Runs `body`, holding back the flush of stream events it writes until it returns.
    func batchingWrites<Result>(_ body: () -> Result) -> Result {
        batchDepth += 1
        defer {
            batchDepth -= 1
            if batchDepth == 0 && flushPending {
                flushPending = false
                if !clientGone { flushStreamChunks() }
            }
        }
        return body()
    }

    // MARK: - Stream chunks

    /// Room kept in front of a stream chunk's payload for its chunked-encoding header (16 hex digits and CRLF).
    private static let chunkHeaderRoom = 18

    /// The response encoder's context, below which stream chunks are written already framed; nil when the
    /// pipeline has none (then chunks go through the encoder as body parts).
    private lazy var encoderContext: ChannelHandlerContext? =
        try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)

    /// The last stream chunk written. Once NIO has written it out, the next chunk reuses its storage (`clear` keeps
    /// storage that nothing else references, and allocates afresh while a write still holds it): a stream of one
    /// event per read then allocates no buffer per event.
    private var lastChunk: ByteBuffer?

    /// A buffer for one stream chunk: write its payload, then hand it to `writeStreamChunk`.
    private func makeStreamChunk(payloadCapacity: Int) -> ByteBuffer {
        let capacity = Self.chunkHeaderRoom + payloadCapacity + 2
        var chunk = lastChunk.take() ?? context.channel.allocator.buffer(capacity: capacity)
        chunk.clear(minimumCapacity: capacity)
        chunk.moveWriterIndex(forwardBy: Self.chunkHeaderRoom)
        chunk.moveReaderIndex(forwardBy: Self.chunkHeaderRoom)
        return chunk
    }

    /// Writes one event (or error event) of a streamed response, flushed now or at the end of the batch.
    ///
    /// The chunked framing (`<hex length>\r\n<payload>\r\n`) is written into the chunk's own buffer and the chunk
    /// goes out below NIO's response encoder as one write. Through the encoder, each event would cost a second
    /// buffer and three writes down the pipeline — the largest part of relaying an event. Head and end still pass
    /// through the encoder, which keeps its state.
    ///
    /// `chunk` is consumed: a copy left with the caller would make the first byte written here copy the whole buffer.
    private func writeStreamChunk(_ chunk: consuming ByteBuffer) {
        if let encoderContext, status.mayHaveResponseBody {
            let length = chunk.readableBytes
            guard length > 0 else { return }  // an empty chunk would end the response
            if chunksStreams {
                chunk.writeStaticString("\r\n")
                let header = Self.writeChunkHeader(length: length, endingAt: chunk.readerIndex, in: &chunk)
                chunk.moveReaderIndex(to: header)
            }
            encoderContext.write(NIOAny(IOData.byteBuffer(chunk)), promise: nil)
            lastChunk = chunk
        } else {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(chunk))), promise: nil)
        }
        flushNowOrAfterBatch()
    }

    private func flushNowOrAfterBatch() {
        if batchDepth > 0 {
            flushPending = true
        } else {
            flushStreamChunks()
        }
    }

    /// Flushes written stream chunks from where they were written: the handlers above the encoder hold nothing back.
    private func flushStreamChunks() {
        (encoderContext ?? context).flush()
    }

    /// Writes `<length in hex>\r\n` just before `end` in the room kept for it; returns where it starts.
    private static func writeChunkHeader(length: Int, endingAt end: Int, in chunk: inout ByteBuffer) -> Int {
        let digitCount = max(1, (Int.bitWidth - length.leadingZeroBitCount + 3) / 4)
        let start = end - digitCount - 2
        var rest = length
        for index in stride(from: start + digitCount - 1, through: start, by: -1) {
            let digit = UInt8(rest & 0xF)
            chunk.setInteger(digit < 10 ? 0x30 + digit : 0x57 + digit, at: index)  // 0-9, a-f
            rest >>= 4
        }
        chunk.setInteger(UInt16(0x0D0A), at: end - 2)  // CRLF, big-endian
        return start
    }

    // MARK: - StreamDownstream

    func receiveHead(status code: Int32, headers list: UnsafeBufferPointer<lessllm_header>) -> lessllm_status {
        guard !clientGone else { return LESSLLM_E_CANCELLED }
        guard !headReceived else { return LESSLLM_OK }
        headReceived = true
        status = HTTPResponseStatus(statusCode: Int(code))
        headers = list.compactMap { header in
            let name = header.name.copiedString
            return ResponseHeaderPolicy.forwards(name) ? (name, header.value.copiedString) : nil
        }
        if let invalid = HeaderRules.firstInvalid(in: headers) {
            // Written as is, it could split the response: the client gets a clear error instead.
            receiveFailure(status: LESSLLM_E_UPSTREAM,
                           message: "the response carried a header that cannot be sent to the client: '\(invalid)'")
            return LESSLLM_E_UPSTREAM
        }
        isEventStream = headers.contains { HeaderRules.isEventStreamType($0.0, $0.1) }
        if isEventStream { writeHead() }
        return LESSLLM_OK
    }

    func receiveEvent(_ event: UnsafePointer<lessllm_event>) -> lessllm_status {
        // A response that failed takes no more events: "cancelled" is what makes the plugins stop, and with them
        // the upstream (which would otherwise be read, and billed, to its end for nothing).
        guard !clientGone, !failed else { return LESSLLM_E_CANCELLED }
        guard !ended else { return LESSLLM_E_BAD_ARGUMENT }
        if !headReceived { impliedHead() }
        let value = event.pointee
        if isEventStream {
            var chunk = makeStreamChunk(payloadCapacity: value.raw.len > 0 ? value.raw.len : value.data.len + 32)
            if value.raw.len > 0 {
                chunk.writeBytes(value.raw.buffer)
            } else {
                SSEWriter.write(type: value.type.buffer, data: value.data.buffer, into: &chunk)
            }
            trace.responseBytes += chunk.readableBytes
            trace.clientEvents.append(at: MonotonicClock.nanoseconds(), type: value.type.buffer, data: value.data.buffer)
            writeStreamChunk(consume chunk)
        } else {
            body.writeBytes(value.raw.len > 0 ? value.raw.buffer : value.data.buffer)
        }
        return LESSLLM_OK
    }

    func receiveFailure(status plugin: lessllm_status, message: String) {
        guard !failed, !ended else { return }
        failed = true
        let error = StatusCode.gatewayError(plugin, message: message)
        trace.failure = error
        guard !clientGone, error.status != 499 else { return }
        if headWritten {
            let event = error.streamEvent(for: dialect)
            var chunk = makeStreamChunk(payloadCapacity: event.utf8.count)
            chunk.writeString(event)
            trace.responseBytes += chunk.readableBytes
            writeStreamChunk(consume chunk)
        } else {
            status = HTTPResponseStatus(statusCode: error.status)
            headers = [("content-type", "application/json")]
            isEventStream = false
            body.clear()
            body.writeString(error.body(for: dialect))
        }
    }

    func receiveEnd(status plugin: lessllm_status) {
        guard !ended else { return }
        ended = true
        if !clientGone {
            if !headReceived && !failed { impliedHead() }
            if !headWritten {
                headers.append(("content-length", String(body.readableBytes)))
                if !failed, (200..<300).contains(status.code), let costOfBody,
                   let cost = body.withUnsafeReadableBytes({ costOfBody(ArraySlice($0)) }) {
                    headers.append(("x-lessllm-cost-usd", cost))
                }
                trace.responseBytes += body.readableBytes
                body.withUnsafeReadableBytes { bytes in
                    trace.clientEvents.append(at: MonotonicClock.nanoseconds(), type: .init(start: nil, count: 0), data: bytes)
                }
                writeHead()
            }
            flushPending = false
            writeEnd(thenClose: !keepAlive)
        }
        // A client that left before the head went out received no status at all.
        trace.responseStatus = clientGone && !headWritten ? 499 : Int(status.code)
        trace.endStatus = plugin
        trace.clientCancelled = clientGone
        trace.finishedAt = MonotonicClock.nanoseconds()
        onFinished()
    }

    // MARK: - Writing

    private func impliedHead() {
        headReceived = true
        isEventStream = clientWantsStream
        headers = [("content-type", clientWantsStream ? "text/event-stream" : "application/json")]
        if isEventStream { writeHead() }
    }

    /// Writes the response head: a stream's at once, flushed now or at the end of the batch (with the events of the
    /// same upstream read; the client sees the status before the first event), a whole response's together with its
    /// body, flushed by `writeEnd` — one write for the three.
    private func writeHead() {
        headWritten = true
        if isEventStream && !chunksStreams { keepAlive = false }  // only the close can end it
        // A list of its own with room for what is added: editing a copy of `headers` in place copied it on the
        // first change and grew it on the next.
        var list: [(String, String)] = []
        list.reserveCapacity(headers.count + extraHeaders.count + 2)
        list.append(contentsOf: headers)
        for (name, value) in extraHeaders { Self.replaceOrAdd(name, value, in: &list) }
        if isEventStream { Self.replaceOrAdd("cache-control", "no-cache", in: &list) }
        if !keepAlive { Self.replaceOrAdd("connection", "close", in: &list) }
        trace.responseStatus = Int(status.code)
        trace.responseHeaders = list
        trace.responseIsEventStream = isEventStream
        guard let encoderContext else {
            var head = HTTPResponseHead(version: .http1_1, status: status)
            for (name, value) in list { head.headers.add(name: name, value: value) }
            let part = NIOAny(HTTPServerResponsePart.head(head))
            if isEventStream { context.writeAndFlush(part, promise: nil) } else { context.write(part, promise: nil) }
            if !isEventStream && body.readableBytes > 0 {
                context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(body))), promise: nil)
            }
            return
        }
        // A small body is copied behind the head (one buffer); a large one goes as a second buffer of the same
        // writev rather than be copied.
        let bodyJoinsHead = !isEventStream && body.readableBytes <= Self.bodyCopiedBehindHead
        var bytes = context.channel.allocator.buffer(capacity: 512 + (bodyJoinsHead ? body.readableBytes : 0))
        ResponseHead.write(status: status, headers: list,
                           chunked: isEventStream && status.mayHaveResponseBody && chunksStreams, into: &bytes)
        if isEventStream {
            encoderContext.write(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
            flushNowOrAfterBatch()
            return
        }
        if bodyJoinsHead {
            bytes.writeImmutableBuffer(body)
            encoderContext.write(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
        } else {
            encoderContext.write(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
            encoderContext.write(NIOAny(IOData.byteBuffer(body)), promise: nil)
        }
    }

    /// The largest whole-response body copied into the head's buffer.
    private static let bodyCopiedBehindHead = 16 * 1024

    /// Ends the response (a stream's last chunk) and flushes everything written; with `thenClose`, closes the
    /// connection once it is all out.
    private func writeEnd(thenClose: Bool) {
        let written: EventLoopFuture<Void>
        if let encoderContext {
            let chunked = headWritten && isEventStream && status.mayHaveResponseBody && chunksStreams
            if !chunked && !thenClose {
                // A whole response went out with its head: nothing is left to write, only to flush (an empty
                // buffer written for a future to wait on cost ~5.6 k instructions a request, and nothing waits).
                encoderContext.flush()
                return
            }
            let end = chunked ? context.channel.allocator.buffer(staticString: ResponseHead.lastChunk)
                              : context.channel.allocator.buffer(capacity: 0)
            written = encoderContext.writeAndFlush(NIOAny(IOData.byteBuffer(end)))
        } else {
            written = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        }
        guard thenClose else { return }
        let channel = context.channel
        written.whenComplete { _ in channel.close(promise: nil) }
    }

    /// Sets `name` to `value`, replacing every header of that name (compared case-insensitively).
    private static func replaceOrAdd(_ name: String, _ value: String, in list: inout [(String, String)]) {
        list.removeAll { HeaderRules.sameName($0.0, name) }
        list.append((name, value))
    }
}

/// Which upstream response headers reach the client: everything except hop-by-hop, framing and cookies.
enum ResponseHeaderPolicy {
    private static let dropped = HeaderNameSet([
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
        "content-length", "content-encoding", "set-cookie", "alt-svc",
    ])

    private static let connectionLevel = HeaderNameSet([
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host",
        "content-length", "expect",
    ])

    /// Whether an upstream response header is passed on to the client.
    static func forwards(_ name: String) -> Bool { !dropped.contains(name) }

    /// Whether a request header belongs to the client's connection rather than to the request.
    static func isConnectionLevel(_ name: String) -> Bool { connectionLevel.contains(name) }
}

/// Formats one SSE event.
enum SSEWriter {
    /// `event: <type>\n` (when type is not empty), one `data:` line per line of data, then a blank line.
    static func write(type: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        if type.count > 0 {
            buffer.writeStaticString("event: ")
            buffer.writeBytes(type)
            buffer.writeStaticString("\n")
        }
        var lineStart = 0
        for index in 0...data.count where index == data.count || data[index] == 0x0A {
            buffer.writeStaticString("data: ")
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: data[lineStart..<index]))
            buffer.writeStaticString("\n")
            lineStart = index + 1
        }
        buffer.writeStaticString("\n")
    }
}

import JSONCore
import NIOCore

/// Reads HTTP/1.1 responses from an upstream connection's bytes: the head, then the body framed by
/// `content-length`, by chunks, or by the connection's close — handing the body on as slices of the bytes read, never
/// copied. In place of NIO's response decoder, which built every part as a pipeline message and reported each body
/// piece through two handlers.
///
/// Strict where a mistake would misframe the body (a malformed status line or header line, a `content-length` that is
/// not a number or disagrees with another one, a bad chunk size); lenient where servers differ harmlessly (a line may
/// end in a bare LF; chunk extensions and trailers are skipped). A `1xx` head before the real one is skipped.
///
/// THREAD: the connection's event loop only.
struct UpstreamResponseParser {
    enum Part {
        case head(status: Int, headers: [(String, String)])
        /// Bytes of the body, a slice of what was read.
        case body(ByteBuffer)
        case end
    }

    /// Why the bytes are not a response this parser can frame (the connection cannot be used further).
    struct Malformed: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// The most bytes a head (status line and headers, or a chunked body's trailers) may take.
    static let headLimit = 80 * 1024

    private enum State {
        case statusLine
        case headerLines
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        /// The body is complete; `.end` is the next part.
        case endPending
        case done
    }

    private var state = State.statusLine
    /// A HEAD request's response has no body, whatever its head says.
    private let bodyless: Bool
    private var status = 0
    private var isHTTP10 = false
    private var headers: [(String, String)] = []
    private var headBytes = 0
    /// Whether the connection may carry another request once this response ended.
    private(set) var keepsAlive = false

    init(requestMethod: String) {
        bodyless = requestMethod == "HEAD"
    }

    /// The next part of the response from `buffer`, consuming its bytes (body bytes as they arrive); nil when more
    /// bytes are needed — what is left in `buffer` then is an incomplete line, to be read again with the bytes that
    /// follow it.
    /// - Throws: `Malformed` when the bytes cannot be a response, or come after the response ended.
    mutating func next(from buffer: inout ByteBuffer) throws(Malformed) -> Part? {
        while buffer.readableBytes > 0 {
            switch state {
            case .statusLine, .headerLines, .chunkSize, .chunkDataEnd, .trailers:
                guard let line = try nextLine(in: &buffer) else { return nil }
                if let part = try take(line: line) { return part }
            case .fixedBody(let remaining):
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                state = remaining == piece.readableBytes ? .endPending : .fixedBody(remaining: remaining - piece.readableBytes)
                return .body(piece)
            case .chunkData(let remaining):
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                state = remaining == piece.readableBytes ? .chunkDataEnd : .chunkData(remaining: remaining - piece.readableBytes)
                return .body(piece)
            case .untilClose:
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .endPending:
                return finish()
            case .done:
                throw Malformed(description: "the upstream sent bytes after its response ended")
            }
        }
        if case .endPending = state { return finish() }
        return nil
    }

    /// The connection closed: a body read until the close ends here (true); anything else unfinished was cut short.
    mutating func connectionClosed() -> Bool {
        guard case .untilClose = state else { return false }
        state = .done
        return true
    }

    // MARK: - Lines

    /// The next line without its line break, or nil when it has not arrived whole (nothing is consumed then).
    private mutating func nextLine(in buffer: inout ByteBuffer) throws(Malformed) -> ByteBuffer? {
        let newline = buffer.withUnsafeReadableBytes { bytes in
            // The 8-bytes-at-a-time search looks for either of two bytes; here both are LF.
            ByteSearch.firstIndex(of: UInt8(ascii: "\n"), or: UInt8(ascii: "\n"), in: bytes, from: 0)
        }
        let limitLeft = Self.headLimit - headBytes
        guard newline < buffer.readableBytes else {
            if buffer.readableBytes > limitLeft { throw tooLong() }
            return nil
        }
        if newline + 1 > limitLeft { throw tooLong() }
        headBytes += newline + 1
        var line = buffer.readSlice(length: newline + 1)!
        line.moveWriterIndex(to: line.writerIndex - 1)
        if line.readableBytes > 0 && line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }

    private func tooLong() -> Malformed {
        Malformed(description: "the upstream's response head is longer than \(Self.headLimit / 1024) KiB")
    }

    /// Reads one line of a head, a chunk size or the trailers; returns the part it completes, if any.
    private mutating func take(line: ByteBuffer) throws(Malformed) -> Part? {
        switch state {
        case .statusLine:
            try readStatusLine(line)
            state = .headerLines
        case .headerLines:
            guard line.readableBytes == 0 else {
                headers.append(try Self.header(in: line))
                return nil
            }
            return try endOfHead()
        case .chunkSize:
            let size = try Self.chunkSize(in: line)
            headBytes = 0  // the limit is per line here: a long body has many chunk-size lines
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard line.readableBytes == 0 else {
                throw Malformed(description: "a chunk of the upstream's response is longer than its size")
            }
            headBytes = 0
            state = .chunkSize
        case .trailers:
            if line.readableBytes == 0 { return finish() }  // trailer fields are not relayed
        default:
            break
        }
        return nil
    }

    // MARK: - The head

    /// `HTTP/1.1 200 OK`: the version and a three-digit status (the reason phrase is not used).
    private mutating func readStatusLine(_ line: ByteBuffer) throws(Malformed) {
        let parsed = line.withUnsafeReadableBytes { bytes -> (code: Int, isHTTP10: Bool)? in
            guard bytes.count >= 12, bytes.starts(with: "HTTP/1.".utf8),
                  bytes[7] == UInt8(ascii: "0") || bytes[7] == UInt8(ascii: "1"), bytes[8] == UInt8(ascii: " "),
                  bytes.count == 12 || bytes[12] == UInt8(ascii: " ")
            else { return nil }
            var code = 0
            for offset in 9..<12 {
                let digit = bytes[offset] &- UInt8(ascii: "0")
                guard digit <= 9 else { return nil }
                code = code * 10 + Int(digit)
            }
            return code >= 100 ? (code, bytes[7] == UInt8(ascii: "0")) : nil
        }
        guard let parsed else {
            throw Malformed(description: "the upstream's status line is malformed: \(Self.quote(line.readableBytesView))")
        }
        status = parsed.code
        isHTTP10 = parsed.isHTTP10
    }

    /// `name: value`, the value without the spaces around it.
    private static func header(in line: ByteBuffer) throws(Malformed) -> (String, String) {
        enum Problem: Error { case malformed, control }
        let parsed = line.withUnsafeReadableBytes { bytes -> Result<(String, String), Problem> in
            // A folded continuation line (leading space) has no token before a colon either: RFC 9112 lets a client
            // reject it.
            var colon = 0
            while colon < bytes.count && HeaderRules.isTokenByte(bytes[colon]) { colon += 1 }
            guard colon > 0, colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { return .failure(.malformed) }
            var start = colon + 1
            var end = bytes.count
            while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
            while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            for index in start..<end where (bytes[index] < 0x20 && bytes[index] != 0x09) || bytes[index] == 0x7F {
                return .failure(.control)
            }
            return .success((String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self),
                             String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)))
        }
        switch parsed {
        case .success(let header):
            return header
        case .failure(.malformed):
            throw Malformed(description: "the upstream sent a malformed header line: \(quote(line.readableBytesView))")
        case .failure(.control):
            throw Malformed(description: "the upstream sent a header with a control character: \(quote(line.readableBytesView))")
        }
    }

    /// Decides how the body is framed and returns the head (nil for an informational response, which is skipped).
    private mutating func endOfHead() throws(Malformed) -> Part? {
        if status < 200 {
            guard status != 101 else { throw Malformed(description: "the upstream switched protocols (101)") }
            headers = []  // 100 Continue, 103 Early Hints…: the real response follows
            headBytes = 0
            state = .statusLine
            return nil
        }
        var length: Int?
        var chunked = false
        var transferEncoded = false
        var closeRequested = false
        var keepAliveRequested = false
        for (name, value) in headers {
            if HeaderRules.name(name, is: "content-length") {
                guard let parsed = Self.contentLength(value), length == nil || length == parsed else {
                    throw Malformed(description: "the upstream sent an invalid content-length: \(Self.quote(value.utf8))")
                }
                length = parsed
            } else if HeaderRules.name(name, is: "transfer-encoding") {
                transferEncoded = true
                // Only a final `chunked` frames the body by chunks; any other coding runs until the close.
                chunked = Self.lastToken(of: value).lowercased() == "chunked"
            } else if HeaderRules.name(name, is: "connection") {
                for token in value.split(separator: ",") {
                    let option = token.trimmingSpaces.lowercased()
                    closeRequested = closeRequested || option == "close"
                    keepAliveRequested = keepAliveRequested || option == "keep-alive"
                }
            }
        }
        keepsAlive = !closeRequested && (!isHTTP10 || keepAliveRequested)
        let head = Part.head(status: status, headers: headers)
        headers = []
        headBytes = 0
        if bodyless || status == 204 || status == 304 {
            state = .endPending
        } else if transferEncoded {
            // With both, the length is not to be trusted, nor the connection after this response (RFC 9112 6.3).
            if length != nil { keepsAlive = false }
            if chunked {
                state = .chunkSize
            } else {
                keepsAlive = false
                state = .untilClose
            }
        } else if let length {
            state = length == 0 ? .endPending : .fixedBody(remaining: length)
        } else {
            keepsAlive = false
            state = .untilClose
        }
        return head
    }

    private mutating func finish() -> Part {
        state = .done
        return .end
    }

    // MARK: - Values

    /// A `content-length`: digits only, at most 18 of them (no overflow).
    private static func contentLength(_ value: String) -> Int? {
        let digits = value.utf8
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var length = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
            length = length * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return length
    }

    /// A chunk-size line: hex digits, then optional extensions after `;` (ignored); at most 15 digits (no overflow).
    private static func chunkSize(in line: ByteBuffer) throws(Malformed) -> Int {
        let size = line.withUnsafeReadableBytes { bytes -> Int? in
            var size = 0
            var digits = 0
            for byte in bytes {
                let value: Int
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
                case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                    return digits > 0 ? size : nil
                default:
                    return nil
                }
                digits += 1
                guard digits <= 15 else { return nil }
                size = size * 16 + value
            }
            return digits > 0 ? size : nil
        }
        guard let size else { throw badChunkSize(line.readableBytesView) }
        return size
    }

    private static func badChunkSize(_ bytes: ByteBufferView) -> Malformed {
        Malformed(description: "the upstream sent a malformed chunk size: \(quote(bytes))")
    }

    private static func lastToken(of value: String) -> Substring {
        (value.split(separator: ",").last ?? "")[...].trimmingSpaces
    }

    /// Bytes for an error message: printable ASCII as is, at most 80 of them.
    private static func quote(_ bytes: some Collection<UInt8>) -> String {
        let shown = bytes.prefix(80).map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "?" }
        return "'\(String(shown))\(bytes.count > 80 ? "…" : "")'"
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}

import Testing

@testable import Host

/// The SSE framer must hand out the same whole events however the bytes are split.
@Suite("SSE framer")
struct SSEFramerTests {
    struct Seen: Equatable {
        var type: String
        var data: String
        var raw: String
        var hasData: Bool
    }

    /// Feeds `chunks` in order and collects every event (plus the flush at the end).
    static func frame(_ chunks: [String]) -> [Seen] {
        frame(bytes: chunks.map { Array($0.utf8) })
    }

    static func frame(bytes chunks: [[UInt8]]) -> [Seen] {
        var framer = SSEFramer()
        var seen: [Seen] = []
        let collect: (SSEFramer.Event) -> Bool = { event in
            seen.append(Seen(type: String(decoding: event.type, as: UTF8.self),
                             data: String(decoding: event.data, as: UTF8.self),
                             raw: String(decoding: event.raw, as: UTF8.self), hasData: event.hasData))
            return true
        }
        for chunk in chunks {
            _ = chunk.withUnsafeBytes { framer.feed($0, collect) }
        }
        framer.finish(collect)
        return seen
    }

    static let anthropicStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1"}}

        event: ping
        data: {"type": "ping"}

        : keep-alive comment

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi\\n"}}

        data: line one
        data: line two

        event: message_stop
        data: {"type":"message_stop"}


        """

    static let expected = [
        Seen(type: "message_start", data: #"{"type":"message_start","message":{"id":"msg_1"}}"#,
             raw: "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n", hasData: true),
        Seen(type: "ping", data: #"{"type": "ping"}"#, raw: "event: ping\ndata: {\"type\": \"ping\"}\n\n", hasData: true),
        Seen(type: "", data: "", raw: ": keep-alive comment\n\n", hasData: false),
        Seen(type: "content_block_delta",
             data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi\n"}}"#,
             raw: "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\\n\"}}\n\n",
             hasData: true),
        Seen(type: "", data: "line one\nline two", raw: "data: line one\ndata: line two\n\n", hasData: true),
        Seen(type: "message_stop", data: #"{"type":"message_stop"}"#,
             raw: "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", hasData: true),
    ]

    @Test("a whole stream in one chunk")
    func oneChunk() {
        #expect(Self.frame([Self.anthropicStream]) == Self.expected)
    }

    @Test("split at every byte boundary, the events are the same and their raw bytes add up to the input")
    func everySplit() {
        let bytes = Array(Self.anthropicStream.utf8)
        for cut in 1..<bytes.count {
            let chunks = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            let seen = Self.frame(chunks)
            #expect(seen == Self.expected, "split at \(cut)")
            #expect(seen.map(\.raw).joined() == Self.anthropicStream)
        }
    }

    @Test("one byte at a time")
    func byteByByte() {
        let chunks = Self.anthropicStream.unicodeScalars.map { String($0) }
        #expect(Self.frame(chunks) == Self.expected)
    }

    @Test("CRLF and CR line endings, and a CRLF split across chunks")
    func lineEndings() {
        let crlf = "event: a\r\ndata: 1\r\n\r\ndata: 2\r\r"
        let expected = [
            Seen(type: "a", data: "1", raw: "event: a\r\ndata: 1\r\n\r\n", hasData: true),
            Seen(type: "", data: "2", raw: "data: 2\r\r", hasData: true),
        ]
        #expect(Self.frame([crlf]) == expected)
        #expect(Self.frame(["event: a\r", "\ndata: 1\r\n\r", "\ndata: 2\r\r"]) == expected)
    }

    @Test("a line break is found at every position of an 8-byte word, whichever kind, with any bytes before it")
    func lineBreakAtEveryOffset() {
        for length in 0..<24 {
            // Plain text, then text with non-ASCII bytes and a byte just below and above the breaks' values.
            for filler in ["x", "é", "\u{0B}", "\u{0E}", "\u{09}"] {
                let value = String(repeating: filler, count: length)
                for (end, name) in [("\n", "LF"), ("\r", "CR"), ("\r\n", "CRLF")] {
                    let text = "event: e\(end)data: \(value)\(end)\(end)"
                    let seen = Self.frame([text])
                    #expect(seen == [Seen(type: "e", data: value, raw: text, hasData: true)], "\(name) after \(length) × \(filler)")
                }
            }
        }
    }

    @Test("OpenAI chunks and [DONE], with no space after the colon")
    func openAIChunks() {
        let stream = "data:{\"choices\":[]}\n\ndata: [DONE]\n\n"
        #expect(Self.frame([stream]) == [
            Seen(type: "", data: #"{"choices":[]}"#, raw: "data:{\"choices\":[]}\n\n", hasData: true),
            Seen(type: "", data: "[DONE]", raw: "data: [DONE]\n\n", hasData: true),
        ])
    }

    @Test("a last event whose lines ended without the blank line after them is delivered, the blank line added")
    func unterminatedTail() {
        #expect(Self.frame(["data: {\"a\":1}\n\ndata: {\"b\":", "2}\n"]) == [
            Seen(type: "", data: #"{"a":1}"#, raw: "data: {\"a\":1}\n\n", hasData: true),
            Seen(type: "", data: #"{"b":2}"#, raw: "data: {\"b\":2}\n\n", hasData: true),
        ])
        #expect(Self.frame(["event: message_stop\r\ndata: {}\r\n"]) == [
            Seen(type: "message_stop", data: "{}", raw: "event: message_stop\r\ndata: {}\r\n\n", hasData: true),
        ])
        #expect(Self.frame(["data: [DONE]\r"]) == [Seen(type: "", data: "[DONE]", raw: "data: [DONE]\r\r", hasData: true)])
    }

    @Test("a last event cut off inside a line is not delivered (the standard dispatches nothing a blank line did not end)")
    func cutOffTail() {
        #expect(Self.frame(["data: {\"a\":1}\n\ndata: {\"b\":", "2}"]) == [
            Seen(type: "", data: #"{"a":1}"#, raw: "data: {\"a\":1}\n\n", hasData: true),
        ])
        #expect(Self.frame(["event: message_delta\ndata: {\"type\":\"mess"]) == [])
    }

    @Test("a byte order mark at the start of the stream is left out, however the first bytes are split")
    func byteOrderMark() {
        let stream = "\u{FEFF}event: message_start\ndata: {}\n\ndata: [DONE]\n\n"
        let expected = [Seen(type: "message_start", data: "{}", raw: "event: message_start\ndata: {}\n\n", hasData: true),
                        Seen(type: "", data: "[DONE]", raw: "data: [DONE]\n\n", hasData: true)]
        let bytes = Array(stream.utf8)
        for first in 0...5 {
            #expect(Self.frame(bytes: [Array(bytes[..<first]), Array(bytes[first...])]) == expected, "split after \(first)")
        }
        #expect(Self.frame(bytes: bytes.map { [$0] }) == expected, "one byte at a time")
        // Only at the start: later, the same bytes are part of a line.
        #expect(Self.frame(["data: 1\n\n", "\u{FEFF}data: 2\n\n"]).map(\.data) == ["1", ""])
        // A stream that is only a mark, or starts like one and is not.
        #expect(Self.frame(["\u{FEFF}"]) == [])
        let almost: [UInt8] = [0xEF, 0xBB] + Array(": c\n\ndata: x\n\n".utf8)
        #expect(Self.frame(bytes: almost.map { [$0] }).map(\.data) == ["", "x"])
    }

    @Test("an event arriving over many reads is framed once whole, and what waits is counted")
    func longEventOverManyReads() {
        let payload = String(repeating: "abcdefgh", count: 4_096)
        let stream = Array("data: \(payload)\r\n\r\ndata: [DONE]\r\n\r\n".utf8)
        var framer = SSEFramer()
        var seen: [String] = []
        var waiting: [Int] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset + 1_000, stream.count)
            _ = stream[offset..<end].withUnsafeBytes { chunk in
                framer.feed(chunk) { seen.append(String(decoding: $0.data, as: UTF8.self)); return true }
            }
            waiting.append(framer.pendingByteCount)
            offset = end
        }
        #expect(seen == [payload, "[DONE]"])
        #expect(Array(waiting.prefix(32)) == Array(stride(from: 1_000, through: 32_000, by: 1_000)))
        #expect(waiting.last == 0)
    }

    @Test("returning false stops delivery")
    func stops() {
        var framer = SSEFramer()
        var count = 0
        let proceeded = Array("data: 1\n\ndata: 2\n\n".utf8).withUnsafeBytes { bytes in
            framer.feed(bytes) { _ in count += 1; return false }
        }
        #expect(!proceeded && count == 1)
    }
}

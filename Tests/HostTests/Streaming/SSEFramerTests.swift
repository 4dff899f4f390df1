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
        var framer = SSEFramer()
        var seen: [Seen] = []
        let collect: (SSEFramer.Event) -> Bool = { event in
            seen.append(Seen(type: String(decoding: event.type, as: UTF8.self),
                             data: String(decoding: event.data, as: UTF8.self),
                             raw: String(decoding: event.raw, as: UTF8.self), hasData: event.hasData))
            return true
        }
        for chunk in chunks {
            _ = Array(chunk.utf8).withUnsafeBytes { framer.feed($0, collect) }
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

    @Test("a last event without its blank line is still delivered, exactly as received")
    func unterminatedTail() {
        #expect(Self.frame(["data: {\"a\":1}\n\ndata: {\"b\":", "2}"]) == [
            Seen(type: "", data: #"{"a":1}"#, raw: "data: {\"a\":1}\n\n", hasData: true),
            Seen(type: "", data: #"{"b":2}"#, raw: "data: {\"b\":2}", hasData: true),
        ])
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

import JSONCore

/// A quick estimate of a request's input tokens, for an Anthropic `message_start` sent before the OpenAI upstream
/// has reported any usage.
///
/// Claude Code reads `message_start.usage.input_tokens` for its context gauge, and a 0 there breaks it (the
/// CLIProxyAPI bug in PEER_BUGS), so the first event carries this estimate and the real count follows in
/// `message_delta.usage`. The estimate walks the raw bytes of `system`, `messages` and `tools` once: every byte —
/// text, thinking, tool calls and results, schemas alike (undercounting thinking was PEER_BUGS #13) — counts a
/// quarter token, except long base64 strings (images, PDFs), which count a flat 1,600 tokens each, roughly what
/// Anthropic charges for an image.
///
/// THREAD: pure functions.
enum TokenEstimator {
    /// Bytes of JSON text per token.
    static let bytesPerToken = 4
    /// Tokens per embedded image or document.
    static let tokensPerAttachment = 1600
    /// A string at least this long made only of base64 characters is an attachment.
    static let attachmentMinimumLength = 1024

    /// The estimate for the bytes in `ranges` of `body`; at least 1 when they hold anything.
    ///
    /// Every byte counts but those of attachments, so only strings need a look: the scan jumps from quote to quote
    /// (8 bytes at a time, `ByteSearch`) and reads a string's bytes one by one only when it is long enough to be an
    /// attachment. A coding agent's request is tens of kilobytes of short strings and text.
    static func estimate(_ body: UnsafeRawBufferPointer, ranges: [Range<Int>]) -> Int {
        var counted = 0
        var attachments = 0
        for range in ranges {
            let bytes = UnsafeRawBufferPointer(rebasing: body[range])
            counted += bytes.count
            var position = 0
            while true {
                // One byte sought, so given twice.
                let start = ByteSearch.firstIndex(of: quote, or: quote, in: bytes, from: position)
                guard start < bytes.count else { break }
                let string = stringBounds(openingAt: start, in: bytes)
                let length = string.end - start
                if length >= attachmentMinimumLength, isBase64(bytes, at: string.content) {
                    attachments += 1
                    counted -= length
                }
                position = string.end
            }
        }
        guard counted + attachments > 0 else { return 0 }
        return max(1, (counted + bytesPerToken - 1) / bytesPerToken) + attachments * tokensPerAttachment
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// The string whose opening quote is at `start`: its content, and where it ends (after its closing quote, or at
    /// the end of `bytes` when it has none). An escape's second byte is never taken for the closing quote.
    private static func stringBounds(openingAt start: Int, in bytes: UnsafeRawBufferPointer)
        -> (content: Range<Int>, end: Int) {
        var position = start + 1
        while position < bytes.count {
            position = ByteSearch.firstIndex(of: quote, or: backslash, in: bytes, from: position)
            guard position < bytes.count else { break }
            if bytes[position] == quote { return (start + 1..<position, position + 1) }
            position += 2
        }
        return (start + 1..<bytes.count, bytes.count)
    }

    /// Whether a string's content (`bytes[content]`) is base64 text: its characters, and `\/` (an escaped slash,
    /// which some encoders write); any other escape makes it text.
    private static func isBase64(_ bytes: UnsafeRawBufferPointer, at content: Range<Int>) -> Bool {
        var position = content.lowerBound
        while position < content.upperBound {
            let byte = bytes[position]
            if byte == backslash {
                guard position + 1 < content.upperBound, bytes[position + 1] == UInt8(ascii: "/") else { return false }
                position += 2
            } else {
                guard isBase64Character(byte) else { return false }
                position += 1
            }
        }
        return true
    }

    private static func isBase64Character(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default:
            false
        }
    }
}

extension TokenEstimator {
    /// An output token estimate for `bytes` of generated text, used only when the upstream reported no usage.
    static func estimateOutput(bytes: Int) -> Int {
        (bytes + bytesPerToken - 1) / bytesPerToken
    }
}

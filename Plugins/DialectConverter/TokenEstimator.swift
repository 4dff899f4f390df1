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
    static func estimate(_ body: UnsafeRawBufferPointer, ranges: [Range<Int>]) -> Int {
        var counted = 0
        var attachments = 0
        for range in ranges {
            var position = range.lowerBound
            while position < range.upperBound {
                guard body[position] == UInt8(ascii: "\"") else {
                    counted += 1
                    position += 1
                    continue
                }
                let start = position
                var isBase64 = true
                position += 1
                while position < range.upperBound && body[position] != UInt8(ascii: "\"") {
                    if body[position] == UInt8(ascii: "\\") {
                        // `\/` is an escaped slash, which some encoders write inside base64; any other escape is text.
                        let next = position + 1 < range.upperBound ? body[position + 1] : 0
                        if next != UInt8(ascii: "/") { isBase64 = false }
                        position += 2
                        continue
                    }
                    if isBase64 && !isBase64Character(body[position]) { isBase64 = false }
                    position += 1
                }
                position += 1
                let length = min(position, range.upperBound) - start
                if isBase64 && length >= attachmentMinimumLength {
                    attachments += 1
                } else {
                    counted += length
                }
            }
        }
        guard counted + attachments > 0 else { return 0 }
        return max(1, (counted + bytesPerToken - 1) / bytesPerToken) + attachments * tokensPerAttachment
    }

    private static func isBase64Character(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
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

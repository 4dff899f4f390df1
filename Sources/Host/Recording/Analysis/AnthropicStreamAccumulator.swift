import JSONCore

/// Rebuilds one Anthropic `message` from the events of a Messages stream, the way the SDK's accumulator does:
/// `message_start`, then content blocks built from their deltas (text, thinking with its signature, tool input
/// from `input_json_delta` fragments), then `message_delta` (stop reason, usage). A stream cut short yields the
/// partial message.
struct AnthropicStreamAccumulator {
    private var message = JSONObject()
    private var blocks: [Int: JSONObject] = [:]
    /// Text and thinking of each block, kept apart while they grow (joined into the blocks in `result`).
    private var texts: [Int: String] = [:]
    private var thinkings: [Int: String] = [:]
    private var partialJSON: [Int: String] = [:]
    /// An `error` event the stream carried, if any.
    private(set) var error: JSONValue?

    /// Adds one event (its SSE type and data).
    /// - Returns: whether the event carried a content token (text, thinking or tool input).
    @discardableResult
    mutating func add(type: String, data: ArraySlice<UInt8>) -> Bool {
        // The common event, a content delta, is read with the scanner (this runs once per event of every stream).
        if type == "content_block_delta", let carried = data.withUnsafeBytes({ try? addDelta($0) }) { return carried }
        guard let event = try? JSONValue(parsing: data) else { return false }
        switch event["type"]?.stringValue ?? type {
        case "message_start":
            message = event["message"]?.objectValue ?? JSONObject()
        case "content_block_start":
            guard let index = event["index"]?.intValue, let block = event["content_block"]?.objectValue else { return false }
            blocks[index] = block
        case "content_block_delta":
            guard let index = event["index"]?.intValue, let delta = event["delta"] else { return false }
            apply(delta, to: index)
            return ["text", "thinking", "partial_json"].contains { !(delta[$0]?.stringValue ?? "").isEmpty }
        case "content_block_stop":
            guard let index = event["index"]?.intValue else { return false }
            finishToolInput(index)
        case "message_delta":
            if let delta = event["delta"]?.objectValue {
                for (key, value) in delta { message[key] = value }
            }
            if let usage = event["usage"]?.objectValue {
                var merged = message["usage"]?.objectValue ?? JSONObject()
                for (key, value) in usage where !value.isNull { merged[key] = value }
                message["usage"] = .object(merged)
            }
        case "error":
            error = event
        default:
            break
        }
        return false
    }

    /// A `content_block_delta` read with the scanner; returns whether it carried a content token.
    private mutating func addDelta(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> Bool {
        // One checking pass notes where `index` and `delta` are (a repeated key's last value wins, as in parsing).
        var indexRange: Range<Int>?
        var deltaRange: Range<Int>?
        try JSONScanner.forEachTopLevelMember(in: bytes) { key, literal, hasEscapes, value in
            switch MemberKey(key, literal, hasEscapes, in: bytes) {
            case "index": indexRange = value
            case "delta": deltaRange = value
            default: break
            }
        }
        guard let indexRange, let index = JSONScanner.integer(in: UnsafeRawBufferPointer(rebasing: bytes[indexRange])),
              let deltaRange
        else { return false }
        let delta = UnsafeRawBufferPointer(rebasing: bytes[deltaRange])
        // Checked with the event above: only its boundaries are walked again (a delta that is not an object throws:
        // the caller reads the event as a document then).
        var typeRange: Range<Int>?, textRange: Range<Int>?, thinkingRange: Range<Int>?, partialRange: Range<Int>?
        try JSONScanner.forEachMemberOfValidatedObject(in: delta) { key, literal, hasEscapes, value in
            switch MemberKey(key, literal, hasEscapes, in: delta) {
            case "type": typeRange = value
            case "text": textRange = value
            case "thinking": thinkingRange = value
            case "partial_json": partialRange = value
            default: break
            }
        }
        func text(_ range: Range<Int>?) throws(JSONError) -> String? {
            guard let range, delta[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
            return try JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: delta[range]))
        }
        switch try text(typeRange) {
        case "text_delta":
            let piece = try text(textRange) ?? ""
            texts[index, default: ""] += piece
            return !piece.isEmpty
        case "thinking_delta":
            let piece = try text(thinkingRange) ?? ""
            thinkings[index, default: ""] += piece
            return !piece.isEmpty
        case "input_json_delta":
            let piece = try text(partialRange) ?? ""
            partialJSON[index, default: ""] += piece
            return !piece.isEmpty
        default:
            apply(try JSONValue(parsing: delta), to: index)
            return false
        }
    }

    /// A delta read as a document. Text, thinking and tool input grow apart from the block (as in `addDelta`: a
    /// block whose start never came is then made in `result`, whichever way its deltas were read).
    private mutating func apply(_ delta: JSONValue, to index: Int) {
        switch delta["type"]?.stringValue {
        case "text_delta":
            texts[index, default: ""] += delta["text"]?.stringValue ?? ""
        case "thinking_delta":
            thinkings[index, default: ""] += delta["thinking"]?.stringValue ?? ""
        case "signature_delta":
            blocks[index, default: JSONObject()]["signature"] = delta["signature"] ?? .null
        case "input_json_delta":
            partialJSON[index, default: ""] += delta["partial_json"]?.stringValue ?? ""
        case "citations_delta":
            if let citation = delta["citation"] {
                var block = blocks[index] ?? JSONObject()
                block["citations"] = .array((block["citations"]?.arrayValue ?? []) + [citation])
                blocks[index] = block
            }
        default:
            break
        }
    }

    private mutating func finishToolInput(_ index: Int) {
        guard let text = partialJSON.removeValue(forKey: index), var block = blocks[index] else { return }
        block["input"] = text.isEmpty ? .object([:]) : ((try? JSONValue(parsing: text)) ?? .string(text))
        blocks[index] = block
    }

    /// The message so far (tool inputs still streaming are parsed as far as they arrived).
    var result: JSONValue {
        var copy = self
        for index in Array(copy.partialJSON.keys) { copy.finishToolInput(index) }
        for (index, text) in copy.texts {
            var block = copy.blocks[index] ?? ["type": "text"]
            block["text"] = .string((block["text"]?.stringValue ?? "") + text)
            copy.blocks[index] = block
        }
        for (index, thinking) in copy.thinkings {
            var block = copy.blocks[index] ?? ["type": "thinking"]
            block["thinking"] = .string((block["thinking"]?.stringValue ?? "") + thinking)
            copy.blocks[index] = block
        }
        var message = copy.message
        message["content"] = .array(copy.blocks.keys.sorted().map { .object(copy.blocks[$0]!) })
        return .object(message)
    }
}

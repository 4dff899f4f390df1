import JSONCore

/// Accumulates an Anthropic event stream the way the Anthropic SDKs do (`accumulate_event`), but strictly: any
/// event the SDK would reject or misplace — a delta before `message_start`, an index that is not the next block,
/// overlapping blocks, a delta whose type does not fit its block, a block that never stops, events after
/// `message_stop`, tool input that does not parse — is reported (PEER_BUGS #3, #19).
struct AnthropicStreamAccumulator {
    private(set) var message: JSONObject?
    private(set) var problems: [String] = []
    private var openIndex: Int?
    private var toolJSON: [Int: String] = [:]
    private var stopped = false

    /// Accumulates `events` and returns the final message (nil when the stream broke the rules).
    static func accumulate(_ events: [Emitted]) -> (message: JSONValue?, problems: [String]) {
        var accumulator = AnthropicStreamAccumulator()
        for event in events { accumulator.apply(event) }
        if !accumulator.stopped { accumulator.problems.append("no message_stop") }
        return (accumulator.problems.isEmpty ? accumulator.message.map(JSONValue.object) : nil, accumulator.problems)
    }

    private var content: [JSONValue] {
        get { message?["content"]?.arrayValue ?? [] }
        set { message?["content"] = .array(newValue) }
    }

    mutating func apply(_ event: Emitted) {
        let data = event.data
        guard event.type == data["type"]?.stringValue else { return problems.append("event name \(event.type) ≠ data type") }
        guard !stopped else { return problems.append("\(event.type) after message_stop") }
        if message == nil && event.type != "message_start" { return problems.append("\(event.type) before message_start") }
        switch event.type {
        case "message_start":
            guard message == nil, let start = data["message"]?.objectValue else { return problems.append("second message_start") }
            message = start
        case "ping":
            break
        case "content_block_start":
            let index = data["index"]?.intValue
            guard openIndex == nil else { return problems.append("block \(index ?? -1) starts while \(openIndex!) is open") }
            guard index == content.count, let block = data["content_block"] else {
                return problems.append("block index \(index ?? -1) is not the next one (\(content.count))")
            }
            content.append(block)
            openIndex = index
        case "content_block_delta":
            guard let index = data["index"]?.intValue, index == openIndex, var block = content[index].objectValue else {
                return problems.append("delta for block \(data["index"]?.intValue ?? -1), open is \(openIndex ?? -1)")
            }
            let delta = data["delta"]
            switch (block["type"]?.stringValue, delta?["type"]?.stringValue) {
            case ("text", "text_delta"):
                block["text"] = .string((block["text"]?.stringValue ?? "") + (delta?["text"]?.stringValue ?? ""))
            case ("thinking", "thinking_delta"):
                block["thinking"] = .string((block["thinking"]?.stringValue ?? "") + (delta?["thinking"]?.stringValue ?? ""))
            case ("thinking", "signature_delta"):
                block["signature"] = delta?["signature"] ?? ""
            case ("tool_use", "input_json_delta"):
                toolJSON[index, default: ""] += delta?["partial_json"]?.stringValue ?? ""
            case let (blockType, deltaType):
                return problems.append("\(deltaType ?? "?") for a \(blockType ?? "?") block")
            }
            content[index] = .object(block)
        case "content_block_stop":
            guard let index = data["index"]?.intValue, index == openIndex else {
                return problems.append("stop for block \(data["index"]?.intValue ?? -1), open is \(openIndex ?? -1)")
            }
            if let text = toolJSON[index], !text.isEmpty {
                guard let input = try? JSONValue(parsing: text), input.objectValue != nil else {
                    return problems.append("tool input of block \(index) does not parse: \(text)")
                }
                var block = content[index].objectValue
                block?["input"] = input
                content[index] = block.map(JSONValue.object) ?? .null
            }
            openIndex = nil
        case "message_delta":
            guard openIndex == nil else { return problems.append("message_delta while block \(openIndex!) is open") }
            message?["stop_reason"] = data["delta"]?["stop_reason"]
            message?["stop_sequence"] = data["delta"]?["stop_sequence"]
            var usage = message?["usage"]?.objectValue ?? [:]
            for member in data["usage"]?.objectValue ?? [:] { usage[member.key] = member.value }
            message?["usage"] = .object(usage)
        case "message_stop":
            guard openIndex == nil, message?["stop_reason"]?.stringValue != nil else {
                return problems.append("message_stop without message_delta or with a block open")
            }
            stopped = true
        default:
            problems.append("unknown event \(event.type)")
        }
    }
}

import JSONCore

/// Rebuilds one `chat.completion` from the chunks of an OpenAI Chat Completions stream — what a client that
/// read the whole stream ended up with: text, reasoning, tool calls with their full arguments, finish reason,
/// usage. A stream cut short yields the partial message.
struct OpenAIStreamAccumulator {
    private struct Choice {
        var content: String?
        var reasoning: String?
        var toolCalls: [Int: (id: String?, name: String, arguments: String)] = [:]
        var finishReason: JSONValue = .null
    }

    /// The first value of id, created, model and system_fingerprint, by slot: checking a slot is free, where a keyed
    /// lookup per chunk hashed four keys.
    private var head = [JSONValue?](repeating: nil, count: 4)
    private var choices: [Int: Choice] = [:]
    private var usage: JSONValue?
    /// An error object the stream carried, if any.
    private(set) var error: JSONValue?

    /// Adds one chunk (the data of one event); `[DONE]` and non-JSON data are ignored.
    ///
    /// Runs once per event of every recorded stream, so the common chunk (a text delta) is read with the scanner,
    /// decoding only the strings it needs; the rare parts (errors, usage, tool calls) are parsed as documents.
    /// - Returns: whether the chunk carried a content token (text, reasoning or tool arguments).
    @discardableResult
    mutating func add(_ data: ArraySlice<UInt8>) -> Bool {
        guard data.first == UInt8(ascii: "{") else { return false }
        return data.withUnsafeBytes { bytes in (try? add(chunk: bytes)) ?? false }
    }

    private mutating func add(chunk bytes: UnsafeRawBufferPointer) throws(JSONError) -> Bool {
        // One checking pass over the chunk notes where the members read here are (a repeated key's last value
        // wins, as in parsing); nothing is allocated for the others.
        var id: Range<Int>?, created: Range<Int>?, model: Range<Int>?, fingerprint: Range<Int>?
        var error: Range<Int>?, usageRange: Range<Int>?, choicesRange: Range<Int>?
        try JSONScanner.forEachTopLevelMember(in: bytes) { key, literal, hasEscapes, value in
            switch MemberKey(key, literal, hasEscapes, in: bytes) {
            case "choices": choicesRange = value
            case "usage": usageRange = value
            case "error": error = value
            case "id": id = value
            case "created": created = value
            case "model": model = value
            case "system_fingerprint": fingerprint = value
            default: break
            }
        }
        if let error, !Self.isNull(error, in: bytes) {
            self.error = try JSONValue(parsing: bytes)
            return false
        }
        try noteHead(Self.idSlot, id, in: bytes)
        try noteHead(Self.createdSlot, created, in: bytes)
        try noteHead(Self.modelSlot, model, in: bytes)
        try noteHead(Self.fingerprintSlot, fingerprint, in: bytes)
        if let usageRange, !Self.isNull(usageRange, in: bytes) {
            usage = try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: bytes[usageRange]))
        }
        guard let choicesRange else { return false }
        let list = UnsafeRawBufferPointer(rebasing: bytes[choicesRange])
        var carriedContent = false
        // The chunk was checked as a whole above: the parts inside it are only walked for their boundaries.
        for element in try JSONScanner.elementsOfValidatedArray(in: list) ?? [] {
            let item = UnsafeRawBufferPointer(rebasing: list[element])
            guard item.first == UInt8(ascii: "{") else { continue }
            var index = 0
            var deltaRange: Range<Int>?
            var reasonRange: Range<Int>?
            try JSONScanner.forEachMemberOfValidatedObject(in: item) { key, literal, hasEscapes, value in
                switch MemberKey(key, literal, hasEscapes, in: item) {
                case "index": index = JSONScanner.integer(in: UnsafeRawBufferPointer(rebasing: item[value])) ?? 0
                case "delta": deltaRange = value
                case "finish_reason": reasonRange = value
                default: break
                }
            }
            if choices[index] == nil { choices[index] = Choice() }
            // The choice is changed in place: a copy taken out of the dictionary would share its text buffers and
            // copy the whole text on every append (quadratic in a long answer). `apply` is static: calling a method
            // of `self` here held a second reference to `choices` for the call, and every chunk copied the
            // dictionary (a tenth of the accumulator's cost, in the profile).
            if let deltaRange, item[deltaRange.lowerBound] == UInt8(ascii: "{") {
                let delta = UnsafeRawBufferPointer(rebasing: item[deltaRange])
                carriedContent = try Self.apply(delta: delta, to: &choices[index, default: Choice()]) || carriedContent
            }
            if let reasonRange, !Self.isNull(reasonRange, in: item) {
                choices[index, default: Choice()].finishReason =
                    try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: item[reasonRange]))
            }
        }
        return carriedContent
    }

    /// Keeps the first non-null value of one of the head members.
    private mutating func noteHead(_ slot: Int, _ range: Range<Int>?, in bytes: UnsafeRawBufferPointer) throws(JSONError) {
        guard head[slot] == nil, let range, !Self.isNull(range, in: bytes) else { return }
        head[slot] = try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Applies one choice's delta (part of a checked chunk); returns whether it carried a content token.
    private static func apply(delta bytes: UnsafeRawBufferPointer, to choice: inout Choice) throws(JSONError) -> Bool {
        var content: Range<Int>?
        var reasoning: Range<Int>?
        var calls: Range<Int>?
        try JSONScanner.forEachMemberOfValidatedObject(in: bytes) { key, literal, hasEscapes, value in
            switch MemberKey(key, literal, hasEscapes, in: bytes) {
            case "content": content = value
            case "reasoning_content": reasoning = value
            case "tool_calls": calls = value
            default: break
            }
        }
        var carriedContent = false
        if let text = try Self.string(content, in: bytes) {
            Self.append(text, to: &choice.content)
            carriedContent = carriedContent || !text.isEmpty
        }
        if let text = try Self.string(reasoning, in: bytes) {
            Self.append(text, to: &choice.reasoning)
            carriedContent = carriedContent || !text.isEmpty
        }
        if let callsRange = calls, !Self.isNull(callsRange, in: bytes) {
            let calls = try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: bytes[callsRange]))
            for call in calls.arrayValue ?? [] {
                let slot = call["index"]?.intValue ?? choice.toolCalls.count
                if choice.toolCalls[slot] == nil { choice.toolCalls[slot] = (nil, "", "") }
                // In place, like the text: arguments arrive a few characters at a time.
                if let id = call["id"]?.stringValue, choice.toolCalls[slot]?.id == nil { choice.toolCalls[slot]?.id = id }
                if let name = call["function"]?["name"]?.stringValue { choice.toolCalls[slot]?.name.append(name) }
                if let arguments = call["function"]?["arguments"]?.stringValue {
                    choice.toolCalls[slot]?.arguments.append(arguments)
                    carriedContent = carriedContent || !arguments.isEmpty
                }
            }
        }
        return carriedContent
    }

    /// Appends in place (amortised: the text is not rebuilt per chunk).
    private static func append(_ text: String, to field: inout String?) {
        if field == nil {
            field = text
        } else {
            field!.append(text)
        }
    }

    /// A string member's text; nil when absent, null or not a string.
    private static func string(_ range: Range<Int>?, in bytes: UnsafeRawBufferPointer) throws(JSONError) -> String? {
        guard let range, bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        return try JSONScanner.decodeString(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    private static func isNull(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Bool {
        bytes[range.lowerBound] == UInt8(ascii: "n")
    }

    private static let (idSlot, createdSlot, modelSlot, fingerprintSlot) = (0, 1, 2, 3)  // their places in `head`

    /// The completion so far.
    var completion: JSONValue {
        var result = JSONObject()
        result["id"] = head[Self.idSlot] ?? .null
        result["object"] = "chat.completion"
        result["created"] = head[Self.createdSlot] ?? .null
        result["model"] = head[Self.modelSlot] ?? .null
        if let fingerprint = head[Self.fingerprintSlot] { result["system_fingerprint"] = fingerprint }
        result["choices"] = .array(choices.keys.sorted().map { index in
            let choice = choices[index]!
            var message: JSONObject = ["role": "assistant", "content": choice.content.map(JSONValue.string) ?? .null]
            if let reasoning = choice.reasoning { message["reasoning_content"] = .string(reasoning) }
            if !choice.toolCalls.isEmpty {
                message["tool_calls"] = .array(choice.toolCalls.keys.sorted().map { slot in
                    let call = choice.toolCalls[slot]!
                    return ["id": call.id.map(JSONValue.string) ?? .null, "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                })
            }
            return ["index": .int(index), "message": .object(message), "finish_reason": choice.finishReason]
        })
        result["usage"] = usage ?? .null
        return .object(result)
    }
}

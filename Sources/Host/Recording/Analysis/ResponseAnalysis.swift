import JSONCore

/// Reads a finished exchange's events in one dialect: the reconstructed response, its usage, and which events
/// carried content tokens.
enum ResponseAnalysis {
    /// The whole response: the body of a non-streamed response, or a stream's events accumulated into one.
    static func reconstruct(_ log: EventLog, dialect: Dialect, isStream: Bool) -> JSONValue? {
        analyse(log, dialect: dialect, isStream: isStream).response
    }

    /// The whole response and, for a stream, when each event carrying a content token arrived — in one pass that
    /// parses every event once.
    ///
    /// A non-streamed JSON object that reports its usage comes back as an object of just that usage: what the
    /// record needs from it (the record stores the body itself as received), without a document of the whole answer.
    static func analyse(_ log: EventLog, dialect: Dialect, isStream: Bool) -> (response: JSONValue?, contentTimes: [UInt64]) {
        guard !log.isEmpty else { return (nil, []) }
        guard isStream else {
            // A whole body arrives as one entry: read where it lies, not copied out first.
            if log.entries.count == 1 { return (wholeBody(log.data(of: log.entries[0]), dialect: dialect), []) }
            let body = log.entries.reduce(into: [UInt8]()) { $0.append(contentsOf: log.data(of: $1)) }
            return (wholeBody(body[...], dialect: dialect), [])
        }
        var contentTimes: [UInt64] = []
        switch dialect {
        case .openAIChat:
            var accumulator = OpenAIStreamAccumulator()
            for entry in log.entries where accumulator.add(log.data(of: entry)) { contentTimes.append(entry.at) }
            // A stream that failed before any chunk is just its error; otherwise the partial answer is kept (the
            // error itself is read by `streamError`).
            if let error = accumulator.error, accumulator.completion["id"]?.isNull ?? true { return (error, contentTimes) }
            return (accumulator.completion, contentTimes)
        case .anthropicMessages:
            var accumulator = AnthropicStreamAccumulator()
            for entry in log.entries where accumulator.add(type: log.type(of: entry), data: log.data(of: entry)) {
                contentTimes.append(entry.at)
            }
            if let error = accumulator.error, accumulator.result["id"] == nil { return (error, contentTimes) }
            return (accumulator.result, contentTimes)
        }
    }

    /// A non-streamed body for the record: its usage alone when it is an object that reports one; otherwise the
    /// document (the text is needed to estimate tokens), or the text when it is not JSON.
    private static func wholeBody(_ body: ArraySlice<UInt8>, dialect: Dialect) -> JSONValue {
        body.withUnsafeBytes { bytes in
            if let usageOnly = usageOnly(inBody: bytes), usage(in: usageOnly, dialect: dialect) != nil {
                return usageOnly
            }
            return (try? JSONValue(parsing: bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `{"usage": …}` with a body's top-level `usage` member, found with the scanner (the body is checked in one
    /// pass; only that member is parsed); nil when the body is not a JSON object or has no such member.
    private static func usageOnly(inBody body: UnsafeRawBufferPointer) -> JSONValue? {
        guard let range = try? JSONScanner.topLevelValue(forKey: "usage", in: body),
              let usage = try? JSONValue(parsing: UnsafeRawBufferPointer(rebasing: body[range]))
        else { return nil }
        return .object(["usage": usage])
    }

    /// The error event a stream ended with (Anthropic `event: error`, an OpenAI chunk with an `error` object), if any.
    static func streamError(_ log: EventLog, dialect: Dialect) -> (type: String, message: String)? {
        // An error event ends a stream, so only the last few events can be one — and only if they mention "error".
        for entry in log.entries.suffix(3).reversed() {
            let data = log.data(of: entry)
            guard data.first == UInt8(ascii: "{"), data.withUnsafeBytes({ ByteSearch.contains($0, #""error""#) }),
                  let event = try? JSONValue(parsing: data),
                  let error = event["error"], error.objectValue != nil
            else { continue }
            let isError = dialect == .openAIChat || log.type(of: entry) == "error" || event["type"]?.stringValue == "error"
            guard isError else { continue }
            let type = error["type"]?.stringValue ?? error["code"]?.stringValue ?? "error"
            return (type, error["message"]?.stringValue ?? "")
        }
        return nil
    }

    /// The HTTP status an API error type stands for.
    static func status(ofErrorType type: String) -> Int {
        switch type {
        case "invalid_request_error": 400
        case "authentication_error": 401
        case "permission_error": 403
        case "not_found_error": 404
        case "request_too_large": 413
        case "rate_limit_error": 429
        case "overloaded_error": 529
        case "timeout_error": 504
        default: 500
        }
    }

    /// The usage a whole response body reports, without a document of the whole answer; nil when the body is not a
    /// JSON object or reports no usage.
    static func usage(inBody body: UnsafeRawBufferPointer, dialect: Dialect) -> TokenUsage? {
        usageOnly(inBody: body).flatMap { usage(in: $0, dialect: dialect) }
    }

    /// The token usage a response reports, or nil when it reports none.
    static func usage(in response: JSONValue, dialect: Dialect) -> TokenUsage? {
        guard let usage = response["usage"], usage.objectValue != nil else { return nil }
        switch dialect {
        case .openAIChat:
            guard let prompt = usage["prompt_tokens"]?.intValue else { return nil }
            let cached = usage["prompt_tokens_details"]?["cached_tokens"]?.intValue
                ?? usage["prompt_cache_hit_tokens"]?.intValue ?? 0
            return TokenUsage(
                input: max(prompt - cached, 0), output: usage["completion_tokens"]?.intValue ?? 0, cacheRead: cached,
                reasoning: usage["completion_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0)
        case .anthropicMessages:
            guard let input = usage["input_tokens"]?.intValue else { return nil }
            // Cache writes split by lifetime: the 1-hour cache costs more to write than the 5-minute one.
            let shortWrites = usage["cache_creation"]?["ephemeral_5m_input_tokens"]?.intValue ?? 0
            let longWrites = usage["cache_creation"]?["ephemeral_1h_input_tokens"]?.intValue ?? 0
            return TokenUsage(
                input: input, output: usage["output_tokens"]?.intValue ?? 0,
                cacheRead: usage["cache_read_input_tokens"]?.intValue ?? 0,
                cacheWrite: usage["cache_creation_input_tokens"]?.intValue ?? shortWrites + longWrites,
                cacheWriteLong: longWrites)
        }
    }

    /// The usage of a streamed response rebuilt from its events. An Anthropic stream cut off before `message_delta`
    /// holds only `message_start`'s output count, a placeholder (usually 1): what it generated is counted from its
    /// text instead, and said to be an estimate. (A cut-off OpenAI stream reports no usage at all: its final chunk
    /// carries it.)
    static func usage(inStream response: JSONValue, dialect: Dialect) -> TokenUsage? {
        guard var usage = usage(in: response, dialect: dialect) else { return nil }
        if dialect == .anthropicMessages, response["stop_reason"]?.stringValue == nil {
            usage.output = max(usage.output, estimateTokens(generatedText(response, dialect: dialect)))
            usage.estimated = true
        }
        return usage
    }

    /// The text a response generated (content, reasoning, tool names and arguments), for estimating its tokens.
    static func generatedText(_ response: JSONValue, dialect: Dialect) -> String {
        var parts: [String] = []
        switch dialect {
        case .openAIChat:
            for choice in response["choices"]?.arrayValue ?? [] {
                let message = choice["message"]
                parts.append(message?["content"]?.stringValue ?? "")
                parts.append(message?["reasoning_content"]?.stringValue ?? "")
                for call in message?["tool_calls"]?.arrayValue ?? [] {
                    parts.append(call["function"]?["name"]?.stringValue ?? "")
                    parts.append(call["function"]?["arguments"]?.stringValue ?? "")
                }
            }
        case .anthropicMessages:
            for block in response["content"]?.arrayValue ?? [] {
                for key in ["text", "thinking", "name"] { parts.append(block[key]?.stringValue ?? "") }
                if let input = block["input"], block["type"]?.stringValue == "tool_use" { parts.append(input.serialized()) }
            }
        }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A rough token count for text (about four characters a token), for when the upstream reports no usage.
    static func estimateTokens(_ text: String) -> Int {
        text.isEmpty ? 0 : max(1, (text.unicodeScalars.count + 3) / 4)
    }
}

import JSONCore

/// Token counts in a dialect-neutral form, read from and written as either dialect's `usage`.
///
/// The two count prompt tokens differently. OpenAI's `prompt_tokens` is every input token, with the cache hits
/// among them in `prompt_tokens_details.cached_tokens`; Anthropic's `input_tokens` excludes the cache:
/// total input = `input_tokens` + `cache_read_input_tokens` + `cache_creation_input_tokens`. So
/// `prompt_tokens` = input + cache read + cache write, `cached_tokens` = cache read, and back
/// `input_tokens` = prompt − cached, `cache_read_input_tokens` = cached. OpenAI upstreams report no cache writes.
///
/// THREAD: a plain value.
struct TokenUsage: Equatable {
    /// Input tokens not read from or written to a cache.
    var input = 0
    /// Output tokens (reasoning included, as both dialects count them).
    var output = 0
    /// Input tokens read from the prompt cache.
    var cacheRead = 0
    /// Input tokens written to the prompt cache.
    var cacheWrite = 0
    /// Reasoning tokens among `output`, when the upstream says.
    var reasoning: Int?

    /// Counts given directly.
    init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, reasoning: Int? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
    }

    /// Reads an OpenAI `usage` object (also DeepSeek's `prompt_cache_hit_tokens`); nil when it is not an object.
    init?(openAI usage: JSONValue?) {
        guard let usage, usage.objectValue != nil else { return nil }
        let prompt = usage["prompt_tokens"]?.count ?? 0
        let cached = usage["prompt_tokens_details"]?["cached_tokens"]?.count
            ?? usage["prompt_cache_hit_tokens"]?.count ?? 0
        input = max(0, prompt - cached)
        cacheRead = min(cached, prompt)
        output = usage["completion_tokens"]?.count ?? 0
        reasoning = usage["completion_tokens_details"]?["reasoning_tokens"]?.count
    }

    /// Reads an Anthropic `usage` object; nil when it is not an object.
    init?(anthropic usage: JSONValue?) {
        guard let usage, usage.objectValue != nil else { return nil }
        self.init()
        update(fromAnthropic: usage)
    }

    /// Takes the fields an Anthropic usage object has (a `message_delta` may carry only some of them).
    mutating func update(fromAnthropic usage: JSONValue) {
        if let value = usage["input_tokens"]?.count { input = value }
        if let value = usage["output_tokens"]?.count { output = value }
        if let value = usage["cache_read_input_tokens"]?.count { cacheRead = value }
        if let value = usage["cache_creation_input_tokens"]?.count { cacheWrite = value }
    }

    /// Every input token, cached or not.
    var totalInput: Int { input + cacheRead + cacheWrite }

    /// As an OpenAI `usage` object.
    var openAIJSON: JSONValue {
        var object: JSONObject = [
            "prompt_tokens": .int(totalInput),
            "completion_tokens": .int(output),
            "total_tokens": .int(totalInput + output),
            "prompt_tokens_details": ["cached_tokens": .int(cacheRead)],
        ]
        if let reasoning { object["completion_tokens_details"] = ["reasoning_tokens": .int(reasoning)] }
        return .object(object)
    }

    /// As an Anthropic `usage` object (all four counts, as Anthropic's own final usage has them).
    var anthropicJSON: JSONValue {
        [
            "input_tokens": .int(input),
            "cache_creation_input_tokens": .int(cacheWrite),
            "cache_read_input_tokens": .int(cacheRead),
            "output_tokens": .int(output),
        ]
    }
}

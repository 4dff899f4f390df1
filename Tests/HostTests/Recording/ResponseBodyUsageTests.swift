import JSONCore
import Testing

@testable import Host

/// `ResponseAnalysis.usage(inBody:)`, which prices a whole response on the event loop: the same usage as reading the
/// parsed document, from the top-level `usage` member only.
@Suite("Usage of a whole response body")
struct ResponseBodyUsageTests {
    private func usage(_ body: String, _ dialect: Dialect) -> TokenUsage? {
        var body = body
        return body.withUTF8 { ResponseAnalysis.usage(inBody: UnsafeRawBufferPointer($0), dialect: dialect) }
    }

    @Test("OpenAI and Anthropic bodies give the usage the parsed document gives, cache tiers included")
    func matchesTheDocument() throws {
        let openAI = #"{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"hi \"there\""},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":7,"total_tokens":127,"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":3}}}"#
        let anthropic = #"{"id":"msg_1","type":"message","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":12,"output_tokens":5,"cache_read_input_tokens":40,"cache_creation_input_tokens":9}}"#
        #expect(usage(openAI, .openAIChat) == TokenUsage(input: 20, output: 7, cacheRead: 100, reasoning: 3))
        #expect(usage(anthropic, .anthropicMessages) == TokenUsage(input: 12, output: 5, cacheRead: 40, cacheWrite: 9))
        for (body, dialect) in [(openAI, Dialect.openAIChat), (anthropic, .anthropicMessages)] {
            let document = try JSONValue(parsing: Array(body.utf8))
            #expect(usage(body, dialect) == ResponseAnalysis.usage(in: document, dialect: dialect))
        }
    }

    @Test("no usage: absent, null, only nested deeper, a body that is not a JSON object, or malformed")
    func noUsage() {
        for body in [#"{"id":"x","choices":[]}"#, #"{"usage":null}"#,
                     #"{"choices":[{"usage":{"prompt_tokens":1}}]}"#, #"[{"usage":{"prompt_tokens":1}}]"#,
                     #"{"usage":{"prompt_tokens":1}"#, "upstream says no", ""] {
            #expect(usage(body, .openAIChat) == nil, "\(body)")
        }
    }
}

import JSONCore
import Testing

/// Realistic compact JSON from the two API dialects, written as `JSON.stringify` would write it.
enum JSONFixtures {
    static let openAIRequest = #"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":[{"type":"text","text":"What's in this image? Answer in \"one\" word.\n"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Zürich\",\"unit\":\"celsius\"}"}}]},{"role":"tool","tool_call_id":"call_abc123","content":"{\"temp\":-3.5}"},{"role":"user","content":"Thanks! 👍 Und jetzt?"}],"temperature":0.7,"top_p":1,"max_tokens":1024,"stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}],"seed":12345678901234567890,"user":"user-42"}"#

    static let openAIChunk = #"{"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}},{"index":1,"function":{"arguments":"{\"city\": \"Par"}}]},"logprobs":null,"finish_reason":null}],"usage":null}"#

    static let openAIUsageChunk = #"{"id":"chatcmpl-9xYz","object":"chat.completion.chunk","created":1718000000,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":2455,"completion_tokens":550,"total_tokens":3005,"prompt_tokens_details":{"cached_tokens":2048},"completion_tokens_details":{"reasoning_tokens":0}}}"#

    static let anthropicRequest = #"{"model":"claude-sonnet-4-5","max_tokens":32000,"system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"List files"},{"role":"assistant","content":[{"type":"thinking","thinking":"The user wants ls.","signature":"EqQBCkYIBxgCKkDx+/sig=="},{"type":"tool_use","id":"toolu_01A","name":"Bash","input":{"command":"ls -la","timeout":120000}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"total 0\n-rw-r--r-- a.txt\u0007","is_error":false}]}],"tools":[{"name":"Bash","description":"Run a shell command","input_schema":{"type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"number"}},"required":["command"]}}],"temperature":1,"stream":true,"metadata":{"user_id":"u_1"}}"#

    static let anthropicEvents = [
        #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":6,"cache_creation_input_tokens":159217,"cache_read_input_tokens":0,"output_tokens":1}}}"#,
        #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_02","name":"Bash","input":{}}}"#,
        #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"command\": \"ls"}}"#,
        #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello\#u{2028}world — ünïcödé 🎉"}}"#,
        #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":2745}}"#,
        #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
    ]

    /// Every fixture above.
    static var all: [String] { [openAIRequest, openAIChunk, openAIUsageChunk, anthropicRequest] + anthropicEvents }

    /// The UTF-8 bytes of `text`.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The text of `bytes[range]`.
    static func text(_ bytes: [UInt8], _ range: Range<Int>?) -> String? {
        range.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The `JSONError` `body` throws, or nil when it does not throw.
    static func error(_ body: () throws -> Void) -> JSONError? {
        do {
            try body()
            return nil
        } catch let error as JSONError {
            return error
        } catch {
            Issue.record("expected a JSONError, got \(error)")
            return nil
        }
    }

    /// The error parsing `text` as a `JSONValue` throws, or nil when it parses.
    static func parseError(_ text: String) -> JSONError? {
        error { () throws(JSONError) in _ = try JSONValue(parsing: text) }
    }
}

extension JSONFixtures {
    /// A small seeded generator (SplitMix64), so property tests repeat exactly.
    struct SeededGenerator: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }
}

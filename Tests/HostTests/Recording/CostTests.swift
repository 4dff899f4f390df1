import Testing

@testable import Host

/// Golden cost cases, several taken from invoices that other gateways got wrong (../shared/PEER_BUGS.md).
@Suite("Prices and cost")
struct CostTests {
    static let builtin: PriceTable = {
        let entries = try! PriceTable.loadBuiltin(executableDirectory: TestPaths.products.path)
        return PriceTable(overrides: [], builtin: entries)
    }()

    @Test("PEER_BUGS #4: cache writes are charged once, at the cache-write rate ($0.054399)")
    func peerBug04CacheWriteChargedOnce() throws {
        let price = try #require(Self.builtin.price(for: "claude-3-7-sonnet-20250219"))
        let cost = Cost(usage: TokenUsage(input: 3, output: 550, cacheRead: 0, cacheWrite: 12_304), price: price)
        #expect(cost.total.fixed(decimals: 6) == "0.054399")
        #expect(cost.cacheWrite.fixed(decimals: 6) == "0.046140")
        #expect(cost.input.fixed(decimals: 6) == "0.000009")
    }

    @Test("PEER_BUGS #15: 6 input, 159,217 cache-write, 2,745 output on Opus 4.5 cost $1.06376125")
    func peerBug15CacheCreationNotCountedAsInput() throws {
        let price = try #require(Self.builtin.price(for: "claude-opus-4-5-20251101"))
        let cost = Cost(usage: TokenUsage(input: 6, output: 2_745, cacheWrite: 159_217), price: price)
        #expect(cost.total.fixed(decimals: 8) == "1.06376125")
    }

    @Test("1-hour cache writes are priced at twice the input price, 5-minute ones at 1.25×, from cache_creation")
    func oneHourCacheWrites() throws {
        let response: JSONValueLiteral = #"""
            {"type":"message","stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":100,
            "cache_read_input_tokens":0,"cache_creation_input_tokens":100000,
            "cache_creation":{"ephemeral_5m_input_tokens":40000,"ephemeral_1h_input_tokens":60000}}}
            """#
        let usage = try #require(ResponseAnalysis.usage(in: response.value, dialect: .anthropicMessages))
        #expect(usage == TokenUsage(input: 10, output: 100, cacheWrite: 100_000, cacheWriteLong: 60_000))
        let price = try #require(Self.builtin.price(for: "claude-sonnet-4-5-20250929"))
        let cost = Cost(usage: usage, price: price)
        // 40,000 × $3.75 + 60,000 × $6.00 per million
        #expect(cost.cacheWrite.fixed(decimals: 6) == "0.510000")
        // 10 × $3 + 100 × $15 per million on top
        #expect(cost.total.fixed(decimals: 6) == "0.511530")
        // Writing costs more than input: 40,000 × $0.75 + 60,000 × $3.00 more
        #expect(cost.cacheSavings.fixed(decimals: 6) == "-0.210000")

        // Only the split (no total), and a price without a 1-hour rate: twice its input.
        let split: JSONValueLiteral = #"{"usage":{"input_tokens":1,"cache_creation":{"ephemeral_1h_input_tokens":1000}}}"#
        let splitUsage = try #require(ResponseAnalysis.usage(in: split.value, dialect: .anthropicMessages))
        #expect(splitUsage.cacheWrite == 1_000 && splitUsage.cacheWriteLong == 1_000)
        let custom = ModelPrice(pattern: "m", input: 2, output: 4, cacheRead: nil, cacheWrite: 2.5, cacheWriteLong: nil,
                                source: .config)
        #expect(Cost(usage: splitUsage, price: custom).cacheWrite.fixed(decimals: 6) == "0.004000")
    }

    @Test("Opus 4.5 and later are priced at $5 / $25, Opus 4 and 4.1 at $15 / $75")
    func opusGenerations() throws {
        for model in ["claude-opus-4-5", "claude-opus-4-5-20251101", "claude-opus-4-6", "claude-opus-4-8", "claude-opus-5"] {
            let price = try #require(Self.builtin.price(for: model), "\(model)")
            #expect((price.input, price.output, price.cacheWrite, price.cacheWriteLong) == (5, 25, 6.25, 10), "\(model)")
        }
        for model in ["claude-opus-4-20250514", "claude-opus-4-0", "claude-opus-4-1", "claude-opus-4-1-20250805"] {
            let price = try #require(Self.builtin.price(for: model), "\(model)")
            #expect((price.input, price.output, price.cacheWrite, price.cacheWriteLong) == (15, 75, 18.75, 30), "\(model)")
        }
        #expect(Self.builtin.price(for: "claude-sonnet-5")?.input == 2)
        #expect(Self.builtin.price(for: "claude-opus-5-5") == nil)  // not guessed from Opus 5's price
    }

    @Test("an Anthropic stream cut off before message_delta: output counted from its text, marked estimated")
    func cutOffAnthropicStream() throws {
        let text = String(repeating: "word ", count: 400)
        let cut = JSONValueLiteral(stringLiteral: #"""
            {"type":"message","role":"assistant","stop_reason":null,"content":[{"type":"text","text":"\#(text)"}],
            "usage":{"input_tokens":50,"output_tokens":1,"cache_read_input_tokens":7}}
            """#)
        let usage = try #require(ResponseAnalysis.usage(inStream: cut.value, dialect: .anthropicMessages))
        #expect(usage.input == 50 && usage.cacheRead == 7 && usage.estimated)
        #expect(usage.output == ResponseAnalysis.estimateTokens(text) && usage.output > 100)
        // Finished: message_delta's count stands.
        let finished: JSONValueLiteral = #"""
            {"type":"message","stop_reason":"end_turn","content":[{"type":"text","text":"hi"}],
            "usage":{"input_tokens":50,"output_tokens":420}}
            """#
        #expect(ResponseAnalysis.usage(inStream: finished.value, dialect: .anthropicMessages)
            == TokenUsage(input: 50, output: 420))
    }

    @Test("PEER_BUGS #16: OpenAI cached tokens are priced at the cached rate, uncached = prompt − cached")
    func peerBug16CachedTokensAtCachedRate() throws {
        let response: JSONValueLiteral = #"{"usage":{"prompt_tokens":100000,"completion_tokens":1000,"prompt_tokens_details":{"cached_tokens":90000}}}"#
        let usage = try #require(ResponseAnalysis.usage(in: response.value, dialect: .openAIChat))
        #expect(usage == TokenUsage(input: 10_000, output: 1_000, cacheRead: 90_000))
        let price = try #require(Self.builtin.price(for: "gpt-4o-2024-08-06"))
        let cost = Cost(usage: usage, price: price)
        // 10,000 × $2.50 + 90,000 × $1.25 + 1,000 × $10 per million
        #expect(cost.total.fixed(decimals: 6) == "0.147500")
        #expect(cost.cacheSavings.fixed(decimals: 6) == "0.112500")
        #expect(cost.cacheHitRatio == 0.9)
    }

    @Test("DeepSeek cache hits come from prompt_cache_hit_tokens")
    func deepSeekCacheHits() throws {
        let response: JSONValueLiteral = #"{"usage":{"prompt_tokens":1000,"completion_tokens":10,"prompt_cache_hit_tokens":800,"prompt_cache_miss_tokens":200}}"#
        #expect(ResponseAnalysis.usage(in: response.value, dialect: .openAIChat)
            == TokenUsage(input: 200, output: 10, cacheRead: 800))
    }

    @Test("reasoning tokens are shown but never charged twice")
    func reasoningNotChargedTwice() throws {
        let response: JSONValueLiteral = #"{"usage":{"prompt_tokens":10,"completion_tokens":100,"completion_tokens_details":{"reasoning_tokens":80}}}"#
        let usage = try #require(ResponseAnalysis.usage(in: response.value, dialect: .openAIChat))
        #expect(usage.reasoning == 80 && usage.output == 100)
        let price = try #require(Self.builtin.price(for: "o3"))
        #expect(Cost(usage: usage, price: price).output.fixed(decimals: 6) == "0.000800")
    }

    @Test("configured prices win over built-in ones; exact names before globs; unknown models have no price")
    func lookupOrder() throws {
        let config = try GatewayConfig.parse(
            yaml: "prices:\n  \"gpt-4o*\": { input: 1, output: 1 }\n  gpt-4o-mini: { input: 9, output: 9 }\n",
            sourceName: "t", baseDirectory: "/", environment: [:], executableDirectory: "/")
        let table = PriceTable(overrides: config.prices,
                               builtin: try PriceTable.loadBuiltin(executableDirectory: TestPaths.products.path))
        #expect(table.price(for: "gpt-4o-mini")?.input == 9)
        #expect(table.price(for: "gpt-4o-2024-08-06")?.pattern == "gpt-4o*")
        #expect(table.price(for: "gpt-4o-2024-08-06")?.source == .config)
        #expect(table.price(for: "claude-sonnet-4-5")?.source == .builtin)
        #expect(table.price(for: "claude-sonnet-4-5")?.cacheWrite == 3.75)
        #expect(table.price(for: "my-local-llama") == nil)
    }

    @Test("fixed-point formatting never uses an exponent")
    func fixed() {
        #expect(0.0000544.fixed(decimals: 8) == "0.00005440")
        #expect(1.5.fixed(decimals: 2) == "1.50")
        #expect((-0.25).fixed(decimals: 3) == "-0.250")
        #expect(0.0.fixed(decimals: 4) == "0.0000")
    }
}

/// A JSON literal for tests.
struct JSONValueLiteral: ExpressibleByStringLiteral {
    let value: JSONValue

    init(stringLiteral text: String) {
        value = try! JSONValue(parsing: text)
    }
}

import JSONCore

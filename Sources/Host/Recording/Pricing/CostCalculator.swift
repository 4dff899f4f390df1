/// Tokens by class, as the record stores them. `input` is uncached input only: the prompt is
/// `input + cacheRead + cacheWrite`, and each class is priced once at its own rate.
public struct TokenUsage: Sendable, Equatable {
    public var input = 0
    public var output = 0
    public var cacheRead = 0
    public var cacheWrite = 0
    /// Of `cacheWrite`, the tokens written to Anthropic's 1-hour cache (priced higher than the 5-minute one).
    public var cacheWriteLong = 0
    /// Reasoning tokens, already counted in `output` (shown, never charged again).
    public var reasoning = 0
    /// True when the upstream reported no usage and these are estimates.
    public var estimated = false

    public init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, cacheWriteLong: Int = 0,
                reasoning: Int = 0, estimated: Bool = false) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWriteLong = min(cacheWriteLong, cacheWrite)
        self.reasoning = reasoning
        self.estimated = estimated
    }

    /// Every input token, cached or not.
    public var prompt: Int { input + cacheRead + cacheWrite }
}

/// What an exchange cost, class by class, and what the prompt cache saved.
public struct Cost: Sendable, Equatable {
    public var input: Double
    public var output: Double
    public var cacheRead: Double
    public var cacheWrite: Double
    /// The price it was computed with.
    public var price: ModelPrice

    public var total: Double { input + output + cacheRead + cacheWrite }

    /// Cached reads as a share of the whole prompt.
    public let cacheHitRatio: Double?
    /// What the cached tokens would have cost as plain input, minus what they did cost (cache writes cost extra,
    /// so a request that only writes the cache saves a negative amount).
    public let cacheSavings: Double

    /// Prices `usage` with `price`.
    public init(usage: TokenUsage, price: ModelPrice) {
        let perToken = 1.0 / 1_000_000
        let readRate = price.cacheRead ?? price.input
        let writeRate = price.cacheWrite ?? price.input
        let longWriteRate = price.longCacheWriteRate
        let shortWrites = Double(usage.cacheWrite - usage.cacheWriteLong), longWrites = Double(usage.cacheWriteLong)
        input = Double(usage.input) * price.input * perToken
        output = Double(usage.output) * price.output * perToken
        cacheRead = Double(usage.cacheRead) * readRate * perToken
        cacheWrite = (shortWrites * writeRate + longWrites * longWriteRate) * perToken
        self.price = price
        cacheHitRatio = usage.prompt > 0 ? Double(usage.cacheRead) / Double(usage.prompt) : nil
        cacheSavings = (Double(usage.cacheRead) * (price.input - readRate)
            - shortWrites * (writeRate - price.input) - longWrites * (longWriteRate - price.input)) * perToken
    }
}

/// One entry of `prices:`: what a model (name or glob) costs, in USD per million tokens, overriding the built-in
/// price list. Exact names should be preferred over globs by whoever looks prices up; among globs, file order.
public struct PriceOverride: Sendable, Equatable {
    /// The model name or glob.
    public let model: ModelPattern
    /// Where the model is written.
    public let mark: Mark
    /// Input (prompt) tokens.
    public let input: Double
    /// Output (completion) tokens.
    public let output: Double
    /// Cached input tokens read; nil when not given.
    public let cacheRead: Double?
    /// Input tokens written to the cache; nil when not given.
    public let cacheWrite: Double?
    /// Input tokens written to the 1-hour cache (Anthropic's longer TTL); nil when not given.
    public let cacheWriteLong: Double?

    /// The keys valid in a price.
    static let keys = ["input", "output", "cache_read", "cache_write", "cache_write_1h"]

    /// Decodes `prices:`.
    /// - Throws: `ConfigError` for unknown keys, missing `input`/`output`, or prices that are not numbers ≥ 0.
    static func decodeAll(_ mapping: ConfigMapping) throws(ConfigError) -> [PriceOverride] {
        guard let node = mapping.node("prices") else { return [] }
        let context = mapping.context
        let entries = try ConfigMapping.entries(of: node, path: mapping.path("prices"),
                                                expected: "a mapping of model names to prices", context: context)
        var prices: [PriceOverride] = []
        for entry in entries {
            guard !entry.key.isEmpty else {
                throw context.error(.invalidValue, "prices: a model name cannot be empty", at: entry.keyMark)
            }
            let price = try ConfigMapping(entry.value, path: "prices.\(entry.key)", ownerMark: entry.keyMark,
                                          keys: keys, context: context)
            let expected = "a price ≥ 0 in USD per million tokens"
            let parse = { (text: String) in YAMLScalarSyntax.decimal(text).flatMap { $0 >= 0 ? $0 : nil } }
            prices.append(PriceOverride(
                model: ModelPattern(entry.key), mark: entry.keyMark,
                input: try price.required("input", expected: expected, parse: parse).value,
                output: try price.required("output", expected: expected, parse: parse).value,
                cacheRead: try price.value("cache_read", expected: expected, parse: parse)?.value,
                cacheWrite: try price.value("cache_write", expected: expected, parse: parse)?.value,
                cacheWriteLong: try price.value("cache_write_1h", expected: expected, parse: parse)?.value))
        }
        return prices
    }
}

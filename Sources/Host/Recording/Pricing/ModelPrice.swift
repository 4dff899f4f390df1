/// The price of one model, USD per million tokens, and where it came from.
public struct ModelPrice: Sendable, Equatable {
    /// Where a price is defined.
    public enum Source: String, Sendable {
        /// The table shipped with LessLLM.
        case builtin
        /// `prices:` in plugins.yaml.
        case config
    }

    /// The name or glob that matched.
    public var pattern: String
    public var input: Double
    public var output: Double
    /// Cached input read; nil means charged as input.
    public var cacheRead: Double?
    /// Cache writes; nil means charged as input.
    public var cacheWrite: Double?
    /// Writes to Anthropic's 1-hour cache; nil means twice the input price, Anthropic's rule for every model.
    public var cacheWriteLong: Double?
    public var source: Source

    /// What a 1-hour cache write costs: `cacheWriteLong`, else twice the input price.
    public var longCacheWriteRate: Double { cacheWriteLong ?? 2 * input }
}

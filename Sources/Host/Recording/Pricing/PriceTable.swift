import Glibc

/// Prices by model: `prices:` from plugins.yaml first, then the built-in table (`prices.yaml`, shipped next to the
/// binary); within each, an exact name before a glob, globs in file order.
public struct PriceTable: Sendable {
    private let overrides: [ModelPrice]
    private let builtin: [ModelPrice]

    /// A table from configured overrides over the built-in prices.
    public init(overrides: [PriceOverride], builtin: [PriceOverride]) {
        self.overrides = overrides.map { ModelPrice($0, source: .config) }
        self.builtin = builtin.map { ModelPrice($0, source: .builtin) }
    }

    /// The price for `model`, or nil when neither table knows it.
    public func price(for model: String) -> ModelPrice? {
        Self.lookup(model, in: overrides) ?? Self.lookup(model, in: builtin)
    }

    private static func lookup(_ model: String, in prices: [ModelPrice]) -> ModelPrice? {
        prices.first { $0.pattern == model } ?? prices.first { ModelPattern($0.pattern).matches(model) }
    }

    /// The built-in table, read from `prices.yaml` in the host's resource folder next to the executable.
    /// - Throws: `ConfigError` when the file is missing or malformed (a packaging error worth stopping for).
    public static func loadBuiltin(executableDirectory: String) throws(ConfigError) -> [PriceOverride] {
        let path = "\(executableDirectory)/lessllm_Host.resources/prices.yaml"
        return try GatewayConfig.load(path: path, environment: [:], executableDirectory: executableDirectory).prices
    }
}

extension ModelPrice {
    init(_ entry: PriceOverride, source: Source) {
        self.init(pattern: entry.model.text, input: entry.input, output: entry.output, cacheRead: entry.cacheRead,
                  cacheWrite: entry.cacheWrite, source: source)
    }
}
